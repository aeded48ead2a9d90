"""`paperdrop migrate`, and migrations run by processes of a group deployment starting at the same moment."""

from __future__ import annotations

import threading

from paperdrop.server.store.db import Database, current_revision
from tests.support.server import run_cli


def test_processes_migrating_one_postgresql_store_at_once_all_succeed(postgres):
    url = postgres.create_database(migrated=False)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def migrate() -> None:
        db = Database(url)
        try:
            start.wait()
            db.migrate()
        except BaseException as exc:  # noqa: BLE001  # any failure fails the test below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    db = Database(url)
    try:
        assert current_revision(db.engine) is not None
    finally:
        db.dispose()


def test_migrate_command_says_where_the_store_is(tmp_path):
    done = run_cli(tmp_path / "home", "migrate")
    assert done.returncode == 0, done.stderr
    assert b"paperdrop.db is at migration " in done.stdout

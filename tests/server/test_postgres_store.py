"""What only PostgreSQL can get wrong: workers side by side (row locks, SKIP LOCKED, inserts racing), a database
server that restarts or is gone, and the migrations on both dialects (docs/design.md "Principles", the README's
"Using PostgreSQL")."""

from __future__ import annotations

import signal
import subprocess
import threading
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from paperdrop.server.app import create_app
from paperdrop.server.runtime import Runtime
from paperdrop.server.store import leases, lifecycle
from paperdrop.server.store.clips import store_clips
from paperdrop.server.store.db import Database, alembic_config
from paperdrop.server.store.models import Clip, Delivery, Paper
from paperdrop.server.store.papers import upsert_paper
from paperdrop.sync.records import ClipInput
from tests.conftest import TOKEN, make_settings
from tests.dashboard.conftest import record
from tests.fakes.arxiv import FakeArxiv, load_corpus
from tests.fakes.zotero import FakeZotero
from tests.support.postgres import PostgresCluster
from tests.support.server import base_env, paperdrop_command, run_cli
from tests.support.wait import wait_for

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.both_stores
def test_migrations_run_up_down_and_up_again(tmp_path, postgres, store_url):
    url = postgres.create_database(migrated=False) if store_url else f"sqlite:///{tmp_path / 'm.db'}"
    db = Database(url)
    try:
        db.migrate()
        assert {"clips", "papers", "deliveries", "alembic_version"} <= set(inspect(db.engine).get_table_names())
        config = alembic_config(url)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.migrate()
        with db.session() as session:
            [stored] = store_clips(session, [ClipInput(arxiv_id="2403.12943")], make_target(tmp_path))
        assert stored.id == 1
    finally:
        db.dispose()
        if store_url:
            postgres.drop_database(url)


def make_target(tmp_path: Path):
    from paperdrop.sync.targets import parse_target_spec

    return parse_target_spec(f"bibtex:{tmp_path / 'papers.bib'}")


@pytest.fixture
def pg_rt(home, fake_arxiv, postgres):
    url = postgres.create_database()
    runtime = Runtime(make_settings(home, arxiv_api_url=fake_arxiv.url, database_url=url))
    yield runtime
    runtime.close()
    postgres.drop_database(url)


def _waiting_on_a_lock(rt: Runtime) -> bool:
    with rt.db.engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
        return bool(waiting.scalar())


def test_workers_claiming_at_once_take_different_rows_without_waiting(pg_rt):
    spec = pg_rt.settings.resolve_target(None)
    with pg_rt.db.session() as session:
        ids = [s.id for s in store_clips(session, [ClipInput(arxiv_id=f"2403.{n:05d}") for n in range(6)], spec)]
    first, second = leases.new_owner(), leases.new_owner()
    with pg_rt.db.session() as one:  # the first worker's claim is not committed yet: its rows stay locked
        mine = leases.claim(one, Clip, Clip.id.in_(ids), owner=first, lease_seconds=30, limit=3)
        with pg_rt.db.session() as two:
            two.execute(text("SET LOCAL lock_timeout = '5s'"))  # queueing on the first worker's rows fails
            theirs = leases.claim(two, Clip, Clip.id.in_(ids), owner=second, lease_seconds=30, limit=3)
    assert mine == ids[:3] and theirs == ids[3:]
    with pg_rt.db.reading() as session:
        owners = {c.id: c.lease_owner for c in session.query(Clip)}
    assert owners == {**dict.fromkeys(ids[:3], first), **dict.fromkeys(ids[3:], second)}


def test_two_web_processes_saving_the_same_paper_at_once_store_it_once(pg_rt):
    spec = pg_rt.settings.resolve_target(None)
    other = Database(pg_rt.settings.database_url)  # a second web process on the same database
    answers: list = []
    try:
        with pg_rt.db.session() as session:
            [first] = store_clips(session, [ClipInput(arxiv_id="2403.12943")], spec)

            def save_too() -> None:
                with other.session() as theirs:
                    answers.extend(store_clips(theirs, [ClipInput(arxiv_id="2403.12943"), ClipInput(title="B")], spec))

            thread = threading.Thread(target=save_too)
            thread.start()
            wait_for(lambda: _waiting_on_a_lock(pg_rt), "the second save to wait for the first", timeout=30)
        thread.join(timeout=30)
    finally:
        other.dispose()
    same, fresh = answers
    assert same.id == first.id and same.duplicate and not fresh.duplicate
    with pg_rt.db.reading() as session:
        assert session.query(Clip).count() == 2


def test_two_workers_resolving_the_same_paper_at_once_share_its_row_and_delivery(pg_rt):
    other = Database(pg_rt.settings.database_url)  # a second worker process
    target = str(pg_rt.settings.resolve_target(None))
    paper_record = record("2403.12943", "A paper")
    found: list = []
    try:
        for step in ("paper", "delivery"):
            with pg_rt.db.session() as session:
                paper, _ = upsert_paper(session, paper_record)
                if step == "delivery":
                    assert lifecycle.ensure_delivery(session, paper, target) is not None

                def same_in_another_worker(step: str = step, paper_id: int = paper.id) -> None:
                    with other.session() as theirs:
                        if step == "paper":
                            their_paper, changed = upsert_paper(theirs, paper_record)
                            found.append((their_paper.id, changed))
                        else:
                            found.append(lifecycle.ensure_delivery(theirs, theirs.get(Paper, paper_id), target))

                thread = threading.Thread(target=same_in_another_worker)
                thread.start()
                wait_for(lambda: _waiting_on_a_lock(pg_rt), f"the second worker to wait on the {step}", timeout=30)
            thread.join(timeout=30)
    finally:
        other.dispose()
    assert found == [(paper.id, False), None]  # the winner's rows, nothing created twice
    with pg_rt.db.reading() as session:
        assert session.query(Paper).count() == 1 and session.query(Delivery).count() == 1


def test_a_restarted_or_unreachable_database_is_a_503_never_a_500_and_loses_nothing(home, fake_arxiv):
    with PostgresCluster(durable=True) as cluster:  # its own server: this test stops it
        rt = Runtime(make_settings(home, arxiv_api_url=fake_arxiv.url, database_url=cluster.create_database()))
        try:
            client = create_app(runtime=rt).test_client()

            def save(arxiv_id: str):
                return client.post("/api/v1/clips", json={"papers": [{"arxiv_id": arxiv_id}]}, headers=AUTH)

            saved = save("2403.12943")
            assert saved.status_code == 202
            clip_id = saved.get_json()["clips"][0]["id"]
            for mode in ("fast", "immediate"):  # a restart, and a crash
                cluster.stop(mode=mode)
                for response in (save("2401.00001"), client.get(f"/api/v1/clips?ids={clip_id}", headers=AUTH)):
                    assert response.status_code == 503, response.get_data(as_text=True)
                    assert (
                        response.headers["Retry-After"] and response.get_json()["error"]["code"] == "store_unavailable"
                    )
                cluster.start()
                assert client.get(f"/api/v1/clips?ids={clip_id}", headers=AUTH).status_code == 200
            assert save("2401.00001").status_code == 202
            with rt.db.reading() as session:
                assert sorted(c.arxiv_id for c in session.query(Clip)) == ["2401.00001", "2403.12943"]
        finally:
            rt.close()


ZOTERO_KEY = "PGZOTEROKEY0123456789"
ZOTERO_USER = 4343
PAPERS = 20


@pytest.mark.both_stores
@pytest.mark.timeout(600)
def test_workers_side_by_side_and_a_killed_one_deliver_every_paper_once_to_both_sinks(tmp_path, store_url):
    """Three `paperdrop worker` processes on one PostgreSQL database, one killed with SIGKILL mid-way: every
    paper lands once in the BibTeX file and once in the Zotero collection."""
    papers = [p for p in load_corpus() if "/" not in p["id"]][:PAPERS]
    ids = [p["id"] for p in papers]
    home, bib = tmp_path / "home", tmp_path / "home" / "shared.bib"
    url = store_url or f"sqlite:///{home / 'paperdrop.db'}"
    with FakeArxiv(corpus=load_corpus(), fault_rate=0.1, seed=5) as arxiv, FakeZotero(latency=0.05) as zotero:
        zotero.add_key(ZOTERO_KEY, user_id=ZOTERO_USER, write=True)
        env = {
            "PAPERDROP_DATABASE_URL": url,
            "PAPERDROP_ARXIV_API_URL": arxiv.url,
            "PAPERDROP_ARXIV_PDF_URL": arxiv.pdf_url,
            "PAPERDROP_ZOTERO_API_URL": zotero.url,
            "PAPERDROP_ZOTERO_LIBRARY_ID": str(ZOTERO_USER),
            "PAPERDROP_ZOTERO_API_KEY": ZOTERO_KEY,
            "PAPERDROP_MAX_ATTEMPTS": "40",
            "PAPERDROP_LEASE_SECONDS": "3",
        }
        for to in ("zotero:Reading/PG", f"bibtex:{bib}"):
            stored = run_cli(home, "import", *ids, "--to", to, env=env)
            assert stored.returncode == 0, stored.stderr.decode()

        def worker() -> subprocess.Popen:
            log = open(tmp_path / f"worker-{len(logs)}.log", "wb")  # noqa: SIM115  # closed below
            logs.append(log)
            return subprocess.Popen(paperdrop_command("worker"), env=base_env(home, env), stdout=log, stderr=log)

        logs: list = []

        workers = [worker(), worker()]
        try:
            wait_for(lambda: len(zotero.items_in_collection("Reading/PG")) >= 1, "a first paper delivered", timeout=180)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=10)
            workers.append(worker())

            def states() -> dict[str, int]:
                engine = create_engine(url)
                try:
                    with engine.connect() as connection:
                        found = connection.execute(text("SELECT state, count(*) FROM deliveries GROUP BY state"))
                        return dict(found.all())  # type: ignore[arg-type]
                finally:
                    engine.dispose()

            try:
                wait_for(lambda: states() == {"delivered": 2 * len(ids)}, "every paper delivered to both", timeout=420)
            except AssertionError:
                worker_logs = "".join((tmp_path / f"worker-{n}.log").read_text()[-3000:] for n in range(len(logs)))
                engine = create_engine(url)
                with engine.connect() as connection:
                    stuck = connection.execute(
                        text(
                            "SELECT id, target, state, attempts, lease_owner, lease_expires, next_attempt_at, "
                            "last_error, CURRENT_TIMESTAMP FROM deliveries WHERE state != 'delivered'"
                        )
                    ).all()
                engine.dispose()
                raise AssertionError(f"{states()}\n{stuck}\n{worker_logs}") from None
        finally:
            for process in workers:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=20)
            for log in logs:
                log.close()
        items = zotero.items_in_collection("Reading/PG")
        assert sorted(i["archiveID"].removeprefix("arXiv:") for i in items) == sorted(ids)
        text_of_bib = bib.read_text()
        assert all(text_of_bib.count(f"eprint = {{{i}}}") == 1 for i in ids), text_of_bib[:2000]


def test_the_fixture_database_is_postgresql_and_reachable(postgres):
    url = postgres.create_database()
    try:
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
            assert connection.execute("SELECT current_setting('server_version_num')").fetchone()[0].startswith("15")
    finally:
        postgres.drop_database(url)


@pytest.mark.both_stores
def test_row_ids_up_to_max_id_and_owners_with_a_long_host_name_fit_the_store(rt, client, monkeypatch, store_url):
    from paperdrop.server.store.models import MAX_ID

    spec = rt.settings.resolve_target(None)
    with rt.db.session() as session:
        session.execute(
            text(
                f"INSERT INTO papers (id, arxiv_id, version, title, title_norm, authors, abstract, "
                f"categories, fetched_at, created_at) VALUES ({MAX_ID - 10}, '2403.12943', 1, 'T', 't', "
                f"'[]', '', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    with rt.db.session() as session:
        session.execute(
            text(
                f"INSERT INTO clips (id, status, target, dedupe_key, authors, extra, candidates, "
                f"paper_id, attempts, created_at, updated_at) VALUES ({MAX_ID - 1}, 'received', "
                f"'{spec}', 'arxiv:2403.12943', '[]', '{{}}', '[]', {MAX_ID - 10}, 0, "
                f"CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        if store_url:  # a PostgreSQL id comes from the column's sequence: it must count that far too
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('clips', 'id'), {MAX_ID - 1})"))
    with rt.db.session() as session:
        [stored] = store_clips(session, [ClipInput(arxiv_id="2401.00001")], spec)
    assert stored.id == MAX_ID  # the next id after the largest: still a row id on both stores
    for clip_id in (MAX_ID - 1, MAX_ID):
        assert client.get(f"/api/v1/clips/{clip_id}", headers=AUTH).status_code == 200
    monkeypatch.setattr(leases, "HOST", "h" * 253)  # a fully qualified host name may be this long
    owner = leases.new_owner()
    with rt.db.session() as session:
        claimed = leases.claim(session, Clip, Clip.id >= MAX_ID - 1, owner=owner, lease_seconds=30, limit=5)
    assert claimed == [MAX_ID - 1, MAX_ID]

"""A throw-away PostgreSQL 15 cluster for the tests (Debian's `postgresql` package; scripts/test installs it).

API (the session fixture `postgres` in tests/conftest.py yields one `PostgresCluster`):

    cluster = PostgresCluster().start()   # initdb + pg_ctl start on a free port, in a temp dir
    url = cluster.create_database()       # a fresh database with PaperDrop's schema (copy of a migrated
                                          # template, ~0.1 s), as a SQLAlchemy URL:
                                          # postgresql+psycopg://paperdrop@127.0.0.1:<port>/<name>
    cluster.create_database(migrated=False)   # an empty one (to test the migrations themselves)
    cluster.drop_database(url)            # drops it, closing connections still open to it
    cluster.stop() / cluster.start()      # a server restart on the same port and data (URLs stay valid);
    cluster.stop(mode="immediate")        # ... or a crash-like stop (no checkpoint, clients cut off)
    cluster.running                       # is the server up?
    cluster.close()                       # stop and delete everything

The cluster listens on 127.0.0.1 (TCP, the URLs above: usable from subprocesses) and on a unix socket in
`cluster.socket_dir`. Authentication is `trust` for the superuser `paperdrop`: nothing but this machine can
reach it. PostgreSQL refuses to run as root, so when the tests run as root the server runs as the system
user `paperdrop-test` (created with useradd when missing). By default the cluster trades durability for
speed (fsync off); `PostgresCluster(durable=True)` keeps PostgreSQL's defaults (bench/bench_api.py).
A missing PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.support.server import free_port

BIN = Path(os.environ.get("PAPERDROP_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
SYSTEM_USER = "paperdrop-test"
SUPERUSER = "paperdrop"
TEMPLATE = "paperdrop_template"


def _ensure_system_user() -> pwd.struct_passwd:
    for _ in range(20):
        try:
            return pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            pass
        # Several test sessions may race to create it; useradd fails while another holds /etc/passwd's lock.
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin"]
            + [SYSTEM_USER],
            capture_output=True,
        )
        time.sleep(0.1)
    raise RuntimeError(f"could not create the system user {SYSTEM_USER} (useradd) to run PostgreSQL as")


class PostgresCluster:
    def __init__(self, *, durable: bool = False, base_dir: str | Path | None = None) -> None:
        initdb = BIN / "initdb"
        if not initdb.exists():
            raise RuntimeError(f"{initdb} is missing: apt-get install -y postgresql (scripts/test installs it)")
        self.durable = durable
        self.user = _ensure_system_user() if os.geteuid() == 0 else None
        # Not under pytest's tmp_path: that is root-only (0700), and the server's user must reach its files.
        self.base = Path(tempfile.mkdtemp(prefix="paperdrop-pg-", dir=base_dir))
        self.data = self.base / "data"
        self.socket_dir = self.base / "run"
        self.log_path = self.base / "postgres.log"
        self.port = 0
        self._initialized = False
        self._template_ready = False

    # -- running commands as the server's user -----------------------------------------------------------

    def _run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        kwargs: dict = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
        result = subprocess.run(
            [str(a) for a in args], cwd=self.base, env=env, capture_output=True, text=True, **kwargs
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}\n{self.log()}")
        return result

    def _init(self) -> None:
        if self.user is not None:
            os.chown(self.base, self.user.pw_uid, self.user.pw_gid)
        self.socket_dir.mkdir()
        if self.user is not None:
            os.chown(self.socket_dir, self.user.pw_uid, self.user.pw_gid)
        self.base.chmod(0o755)
        self._run(BIN / "initdb", "-D", self.data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "max_connections": "200",
            "shared_buffers": "32MB",
            "timezone": "'UTC'",
            "log_min_messages": "warning",
        }
        if not self.durable:
            settings.update(fsync="off", synchronous_commit="off", full_page_writes="off")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# tests/support/postgres.py\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        self._initialized = True

    # -- server ------------------------------------------------------------------------------------------

    def start(self) -> PostgresCluster:
        if not self._initialized:
            self._init()
        for attempt in range(5):
            port = self.port or free_port()
            result = self._run(
                BIN / "pg_ctl",
                "-D",
                self.data,
                "-l",
                self.log_path,
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port}",
                "start",
                check=False,
            )
            if result.returncode == 0:
                self.port = port
                return self
            if self.port or attempt == 4:  # a restart must keep its port; a fresh start may try another
                raise RuntimeError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{self.log()}")
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: clean shutdown; `immediate`: like a crash, recovery at the next start)."""
        if self.running:
            self._run(BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    @property
    def running(self) -> bool:
        return self._initialized and self._run(BIN / "pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def close(self) -> None:
        try:
            self.stop(mode="immediate")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    # -- databases ---------------------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE / DROP DATABASE need that)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database, autocommit=True) as c:
            c.execute(sql)  # type: ignore[arg-type]  # statements built here, from names made here

    def create_database(self, name: str | None = None, *, migrated: bool = True) -> str:
        """A new database (with PaperDrop's schema unless `migrated=False`); returns its SQLAlchemy URL."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        if migrated:
            self._ensure_template()
            self.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE} STRATEGY FILE_COPY')
        else:
            self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url_or_name: str) -> None:
        name = make_url(url_or_name).database if "://" in url_or_name else url_or_name
        if self.running:
            self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        from paperdrop.server.store.db import Database

        self.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        self.execute(f"CREATE DATABASE {TEMPLATE}")
        db = Database(self.url(TEMPLATE))
        try:
            db.migrate()
        finally:
            db.dispose()
        self._template_ready = True

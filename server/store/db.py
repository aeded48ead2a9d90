"""Database engine and sessions: SQLite in WAL mode by default, any SQLAlchemy URL; schema via Alembic."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from paperdrop.sync.errors import TransientError

MIGRATIONS = Path(__file__).parent / "migrations"
RETRY_AFTER_SECONDS = 5  # what a caller is told to wait when the store cannot take a write
CONNECT_TIMEOUT_SECONDS = 5  # a database server that does not answer is unavailable (a 503), not a hang


class StoreUnavailable(TransientError):
    """The store cannot take or give data right now (disk full, database locked, server restarting): the
    caller's request is not done, and may be sent again after `retry_after` seconds."""

    @classmethod
    def from_error(cls, exc: BaseException) -> StoreUnavailable:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        fix = "Free disk space in the data directory." if "full" in reason.lower() else None
        return cls(f"The store cannot take this right now ({reason}).", retry_after=RETRY_AFTER_SECONDS, fix=fix)


def backend(url: str) -> str:
    """The database behind a SQLAlchemy URL: `sqlite`, `postgresql`, ..."""
    return make_url(url).get_backend_name()


def make_engine(url: str, *, immediate: bool = True) -> Engine:
    """An engine; for SQLite, `immediate` makes every transaction BEGIN IMMEDIATE (take the write lock up
    front). A deferred transaction that reads and then writes can fail with "database is locked" when
    another connection wrote in between, without waiting; an immediate one waits its turn instead.
    PostgreSQL locks rows, not the database: its transactions begin as usual (READ COMMITTED), and a
    connection that sat idle is checked before use, so a restarted server is not an error once it is back."""
    kind = backend(url)
    if kind == "postgresql":
        engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
        event.listen(engine, "checkout", _ping_if_idle)
        event.listen(engine, "checkin", _note_checkin)
        return engine
    if kind != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: the driver leaves transactions to us (SQLAlchemy's documented pysqlite recipe).
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False, "isolation_level": None})
    event.listen(engine, "connect", _sqlite_pragmas)
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
    return engine


IDLE_PING_SECONDS = 1.0  # a pooled connection unused this long is checked before use


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    # SQLAlchemy's pool_pre_ping costs three round trips (BEGIN, SELECT 1, ROLLBACK) on every checkout, more
    # than the clip intake's own statements. A connection in steady use is known good: only one that sat idle
    # (through a database restart, say) is pinged; a dead one is replaced before the caller sees it.
    if time.monotonic() - record.info.get("checked_in", 0.0) < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:
        raise DisconnectionError(str(exc)) from exc  # the pool connects anew (and fails there if still down)


def _note_checkin(_dbapi_connection, record) -> None:
    record.info["checked_in"] = time.monotonic()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web threads read while a worker writes; NORMAL sync is durable across application crashes
    # in WAL mode (only an OS crash can lose the last transactions). busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


MIGRATION_LOCK = 0x50445244  # "PDRD": the PostgreSQL advisory lock that one migrating process holds at a time


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent; run at every start). On PostgreSQL the processes
    of a group deployment may start at the same moment: an advisory lock held for the transaction lets one
    migrate while the others wait, then find nothing left to do."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The migration the store's schema is at (None: an empty store)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


class FairLock:
    """A re-entrant lock handed to waiters in arrival order. Python's own locks let the thread that just
    released take them straight back, so a job committing chunk after chunk could starve the web threads;
    here the releasing thread hands the lock to the oldest waiter, waking only that one."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False
        self._owner: int | None = None
        self._depth = 0

    def __enter__(self) -> None:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return
            if not self._held:
                self._held, self._owner, self._depth = True, me, 1
                return
            baton = threading.Lock()
            baton.acquire()
            self._waiters.append(baton)
        baton.acquire()  # released by the previous holder: the lock is ours, still marked held
        with self._mutex:
            self._owner, self._depth = me, 1

    def __exit__(self, *exc: object) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            self._owner = None
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


class Database:
    """Engines plus session factories: `session()` for work that writes, `reading()` for pure reads."""

    def __init__(self, url: str):
        self.url = url
        self.backend = backend(url)
        self.is_sqlite = self.backend == "sqlite"
        self.engine = make_engine(url)
        self.read_engine = make_engine(url, immediate=False) if self.is_sqlite else self.engine
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite has one writer at a time. Threads of this process queue on a Python lock instead of in
        # SQLite's busy handler, which sleeps in growing steps and turns contention into long tail latency.
        # Write transactions never wait on the network (jobs commit before calling arXiv or a sink).
        # PostgreSQL takes writers side by side (row locks): no lock here, and claims skip each other's
        # rows (server/store/leases.py).
        self._write_lock = FairLock() if self.is_sqlite else None

    def migrate(self) -> None:
        upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write session: its transaction commits on success and rolls back on error."""
        with self._write_lock or nullcontext(), self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session (on SQLite it neither takes nor waits for the write lock)."""
        with self.read_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def race_safe(session: Session) -> SessionTransaction | nullcontext[None]:
    """Wrap an insert that another transaction may make at the same time (a paper, a delivery): on PostgreSQL a
    SAVEPOINT, so the loser of the race catches the IntegrityError and reads the winner's row in the same
    transaction. SQLite runs one writer at a time, so no such race exists there and nothing is added."""
    return session.begin_nested() if session.get_bind().dialect.name != "sqlite" else nullcontext()

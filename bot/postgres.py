"""The bot's state in PostgreSQL, for several processes on one database (`SAGABOT_STATE_URL`).

`PostgresDatabase` offers what the stores use of a `sqlite_utils.Database` — `execute` with
`?` placeholders and `atomic()` — so one set of query functions serves both: the stores write
portable SQL (upserts with `on conflict`, `returning`), and each feature declares its schema
once per dialect (`bot.storage.Schema`), kept equal by tests/test_schema.py.

Like the SQLite store, it is reached from async code through `bot.storage.run_sync`: one
connection, used by one worker thread at a time (a transaction holds it until it ends).
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger("sagabot.postgres")

# Every migration of every feature is recorded here, by feature and name, as sqlite-utils
# records its own in `_sqlite_migrations`.
MIGRATIONS_TABLE = "_sagabot_migrations"
# Two processes starting together must not both migrate: they queue on this lock.
MIGRATION_LOCK = 0x5A6ABD7


@functools.lru_cache(maxsize=512)
def translate_placeholders(sql: str) -> str:
    """SQLite's `?` placeholders as psycopg's `%s`; a literal `%` doubled. Quoted text is kept."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        if char == "%":
            out.append("%%")
            continue
        out.append(char)
    return "".join(out)


def read_url(url: str) -> dict[str, Any] | None:
    """A connection URL's parts (user, host, dbname, password …); None when it can't be read."""
    import psycopg  # here, not at the top: a bot on SQLite never loads psycopg (130 ms at start)

    try:
        return psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return None


def describe_url(url: str) -> str:
    """The URL without its password, fit for logs and messages."""
    info = read_url(url)
    if info is None:
        return "postgresql://(unreadable URL)"
    host = info.get("host") or "localhost"
    return f"postgresql://{info.get('user') or ''}@{host}/{info.get('dbname') or ''}"


def find_url_secrets(url: str | None) -> list[str]:
    """The password a URL carries, if any (for the log redactor)."""
    password = (read_url(url) or {}).get("password") if url else None
    return [str(password)] if password else []


class PostgresDatabase:
    """One psycopg 3 connection in autocommit mode; `atomic()` opens a transaction (a savepoint
    when nested), and no other thread's statement can enter it."""

    def __init__(self, url: str, connect_timeout: float = 10.0) -> None:
        self.url = url
        self.connect_timeout = connect_timeout
        self._lock = threading.RLock()
        self._depth = 0
        self.conn = self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg

        return psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, round(self.connect_timeout)))

    def _ensure_connected(self) -> None:
        # A server restart breaks the connection; outside a transaction nothing is lost by
        # opening another one (inside one, the failure goes up and the transaction is gone).
        if self.conn.closed and self._depth == 0:
            log.warning("the PostgreSQL connection was lost; connecting again to %s", describe_url(self.url))
            self.conn = self._connect()

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        with self._lock:
            self._ensure_connected()
            return self.conn.execute(translate_placeholders(sql), list(parameters or ()))

    @contextmanager
    def atomic(self) -> Iterator[PostgresDatabase]:
        with self._lock:
            self._ensure_connected()
            self._depth += 1
            try:
                with self.conn.transaction():
                    yield self
            finally:
                self._depth -= 1

    def close(self) -> None:
        with self._lock:
            self.conn.close()


Migration = Callable[[PostgresDatabase], None]


class PostgresMigrations:
    """A feature's schema changes for PostgreSQL, applied in order, each once, each in its own
    transaction: the same names as its `sqlite_utils.Migrations`, so tests can hold them equal."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.migrations: list[tuple[str, Migration]] = []

    def __call__(self, *, name: str) -> Callable[[Migration], Migration]:
        """Register a migration under `name`: its SQLite twin's name."""
        def register(function: Migration) -> Migration:
            if name in self.names:
                raise ValueError(f"migration {name!r} is already in set {self.name!r}")
            self.migrations.append((name, function))
            return function

        return register

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.migrations]

    def apply(self, db: PostgresDatabase) -> None:
        with db.atomic():
            db.execute("select pg_advisory_xact_lock(?)", [MIGRATION_LOCK])
            db.execute(f"create table if not exists {MIGRATIONS_TABLE} (migration_set text not null, name text not null, "
                       "applied_at double precision not null, primary key (migration_set, name))")
        for name, migrate in self.migrations:
            with db.atomic():
                db.execute("select pg_advisory_xact_lock(?)", [MIGRATION_LOCK])
                done = db.execute(f"select 1 from {MIGRATIONS_TABLE} where migration_set = ? and name = ?",
                                  [self.name, name]).fetchone()
                if done:
                    continue
                migrate(db)
                db.execute(f"insert into {MIGRATIONS_TABLE} (migration_set, name, applied_at) values (?, ?, ?)",
                           [self.name, name, time.time()])

    def list_applied(self, db: PostgresDatabase) -> list[str]:
        rows = db.execute(f"select name from {MIGRATIONS_TABLE} where migration_set = ? order by applied_at, name",
                          [self.name]).fetchall()
        return [name for (name,) in rows]

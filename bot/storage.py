"""The two databases and the one way async code reaches them.

- The saga database is read-only, rebuilt from data/ (see `bot.curation.build`).
- The state database holds what the bot itself writes (quiz scores, recap subscriptions):
  SQLite in WAL mode by default, or PostgreSQL when `SAGABOT_STATE_URL` names one, so that
  several processes share it (`bot.postgres`). Each feature declares its schema changes once
  per dialect (`Schema`), under the same names.

Query functions are plain sync functions taking a `StateDatabase` and writing SQL both
dialects read; async code calls them through `run_sync`, so the event loop never blocks on
the database (as datasette's `execute_fn`).
"""
from __future__ import annotations

import asyncio
import functools
import sqlite3
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

import sqlite_utils

from .postgres import PostgresDatabase, PostgresMigrations

P = ParamSpec("P")
T = TypeVar("T")

log = logging.getLogger("sagabot.storage")
# A write that fails on a passing condition (a lock held by a backup, a moment's full disk) is
# tried again after these pauses: short, because a member is waiting for the answer.
WRITE_RETRY_DELAYS = (0.05, 0.2, 0.5)

def _find_psycopg_error(name: str) -> tuple[type[Exception], ...]:
    # Only once psycopg is loaded: until a PostgreSQL database is opened none of its errors can
    # be raised, and a bot on SQLite never loads it.
    psycopg = sys.modules.get("psycopg")
    return (getattr(psycopg, name),) if psycopg is not None else ()


def list_state_errors(*others: type[Exception]) -> tuple[type[Exception], ...]:
    """What a failed state query may raise, in either dialect, and `others` (for `except`, which
    evaluates it as the error comes)."""
    return (sqlite3.Error, *_find_psycopg_error("Error"), *others)


def list_transient_errors() -> tuple[type[Exception], ...]:
    """The failures that may pass by themselves (a lock, a full disk, a lost connection): a
    write is tried again after them."""
    return (sqlite3.OperationalError, *_find_psycopg_error("OperationalError"))


class Rows(Protocol):
    """A cursor after `execute`, as sqlite3 and psycopg both give it."""

    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class StateDatabase(Protocol):
    """What the stores use of a database: SQL with `?` placeholders, and transactions."""

    def execute(self, sql: str, parameters: Any = None, /) -> Rows: ...

    def atomic(self) -> AbstractContextManager[Any]: ...


@dataclass(frozen=True)
class Schema:
    """A feature's schema changes, written once for each dialect under the same names."""

    sqlite: sqlite_utils.Migrations
    postgres: PostgresMigrations

    def apply(self, db: sqlite_utils.Database | PostgresDatabase) -> None:
        if isinstance(db, PostgresDatabase):
            self.postgres.apply(db)
        else:
            self.sqlite.apply(db)

    def list_applied(self, db: sqlite_utils.Database | PostgresDatabase) -> list[str]:
        """The names of this feature's migrations the database has had, in order."""
        if isinstance(db, PostgresDatabase):
            return self.postgres.list_applied(db)
        return [migration.name for migration in self.sqlite.applied(db)]


def fetch_dicts(rows: Rows) -> list[dict[str, Any]]:
    """Every row of a cursor, as a dict by column name."""
    names = [column[0] for column in rows.description]
    return [dict(zip(names, row)) for row in rows.fetchall()]


def is_state_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


# One connection is shared by the event loop's worker threads; SQLite serialises access to it,
# and this lock keeps a multi-statement write from interleaving with another thread's.
_WRITE_LOCK = threading.RLock()


def open_saga(path: Path) -> sqlite_utils.Database:
    """The saga database, read-only: nothing at run time may change what the articles say."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    return sqlite_utils.Database(connection)


def open_state(path: Path | str, migration_sets: Iterable[Schema | sqlite_utils.Migrations]
               ) -> sqlite_utils.Database | PostgresDatabase:
    """The bot's own state database, migrated to the newest schema of every feature: PostgreSQL
    when `path` is a postgresql:// URL, else an SQLite file (":memory:" for tests)."""
    if is_state_url(path):
        db = PostgresDatabase(str(path))
        for migrations in migration_sets:
            if not isinstance(migrations, Schema):
                raise TypeError("a PostgreSQL state database takes each feature's Schema, not SQLite migrations alone")
            migrations.apply(db)
        return db
    return open_sqlite_state(path, migration_sets)


def open_sqlite_state(path: Path | str, migration_sets: Iterable[Schema | sqlite_utils.Migrations]) -> sqlite_utils.Database:
    """The state database as an SQLite file (":memory:" for tests)."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db = sqlite_utils.Database(connection)
    if str(path) != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    with _WRITE_LOCK:
        for migrations in migration_sets:
            migrations.apply(db)
    return db


def close_state(db: StateDatabase) -> None:
    """Close the state database's connection, whichever its dialect."""
    if isinstance(db, PostgresDatabase):
        db.close()
    elif isinstance(db, sqlite_utils.Database):
        db.conn.close()


def retry_write(write: Callable[[], T], delays: Sequence[float] = WRITE_RETRY_DELAYS,
                sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `write`, trying again after each of `delays` when SQLite fails for a reason that may
    pass (locked, busy, full, I/O); the last failure is raised for the caller to report."""
    for delay in delays:
        try:
            return write()
        except list_transient_errors() as error:
            log.warning("a state write failed (%s); trying again in %.2f s", error, delay)
            sleep(delay)
    return write()


def write_lock() -> threading.RLock:
    """Hold it around a read-modify-write of the state database."""
    return _WRITE_LOCK


# Calls still running in a worker thread: a cancelled task does not stop its thread, so closing
# a connection must wait for them (`wait_for_workers`).
_running = 0
_running_lock = threading.Lock()
_idle = threading.Event()
_idle.set()


def _run_counted(call: Callable[[], T]) -> T:
    # Counted from inside the thread: a call cancelled before a worker picked it up never runs.
    global _running
    with _running_lock:
        _running += 1
        _idle.clear()
    try:
        return call()
    finally:
        with _running_lock:
            _running -= 1
            if _running == 0:
                _idle.set()


async def run_sync(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a sync database function in a worker thread and return its result."""
    # One argument, the bound call: mypy cannot pass a ParamSpec through to_thread to another one.
    return await asyncio.to_thread(_run_counted, functools.partial(function, *args, **kwargs))


async def wait_for_workers(timeout: float = 30.0) -> bool:
    """Wait until no `run_sync` call is running any more; False if some still are after `timeout`."""
    return await asyncio.to_thread(_idle.wait, timeout)

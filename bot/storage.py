"""The two databases and the one way async code reaches them.

- The saga database is read-only, rebuilt from data/ (see `bot.curation.build`).
- The state database holds what the bot itself writes (quiz scores, recap subscriptions):
  WAL mode, schema changes through `sqlite_utils.Migrations`, one set per feature.

Query functions are plain sync functions taking a `sqlite_utils.Database`; async code calls
them through `run_sync`, so the event loop never blocks on SQLite (as datasette's `execute_fn`).
"""
from __future__ import annotations

import asyncio
import functools
import sqlite3
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import ParamSpec, TypeVar

import sqlite_utils

P = ParamSpec("P")
T = TypeVar("T")

log = logging.getLogger("sagabot.storage")
# A write that fails on a passing condition (a lock held by a backup, a moment's full disk) is
# tried again after these pauses: short, because a member is waiting for the answer.
WRITE_RETRY_DELAYS = (0.05, 0.2, 0.5)

# One connection is shared by the event loop's worker threads; SQLite serialises access to it,
# and this lock keeps a multi-statement write from interleaving with another thread's.
_WRITE_LOCK = threading.RLock()


def open_saga(path: Path) -> sqlite_utils.Database:
    """The saga database, read-only: nothing at run time may change what the articles say."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    return sqlite_utils.Database(connection)


def open_state(path: Path | str, migration_sets: Iterable[sqlite_utils.Migrations]) -> sqlite_utils.Database:
    """The bot's own state database, migrated to the newest schema of every feature.

    `path` may be ":memory:" for tests.
    """
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


def retry_write(write: Callable[[], T], delays: Sequence[float] = WRITE_RETRY_DELAYS,
                sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `write`, trying again after each of `delays` when SQLite fails for a reason that may
    pass (locked, busy, full, I/O); the last failure is raised for the caller to report."""
    for delay in delays:
        try:
            return write()
        except sqlite3.OperationalError as error:
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

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from bot.storage import WRITE_RETRY_DELAYS, open_saga, open_state, retry_write, run_sync


def test_the_saga_database_is_read_only(saga_db_path: Path) -> None:
    db = open_saga(saga_db_path)
    assert db["events"].count >= 100
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("delete from events")


def test_state_database_applies_migrations_once_in_wal_mode(tmp_path: Path) -> None:
    migrations = sqlite_utils.Migrations("test.feature")
    calls: list[str] = []

    @migrations()
    def create_things(db: sqlite_utils.Database) -> None:
        calls.append("create")
        db["things"].create({"id": int, "name": str}, pk="id")

    path = tmp_path / "state" / "bot.db"
    first = open_state(path, [migrations])
    first["things"].insert({"id": 1, "name": "kept"})
    first.conn.close()
    second = open_state(path, [migrations])
    assert calls == ["create"]
    assert second["things"].get(1)["name"] == "kept"
    assert second.execute("pragma journal_mode").fetchone()[0] == "wal"


async def test_run_sync_runs_in_a_worker_thread(tmp_path: Path) -> None:
    import threading

    main = threading.get_ident()
    db = open_state(":memory:", [])
    assert await run_sync(lambda: threading.get_ident()) != main
    assert await run_sync(db.execute, "select 41 + 1") is not None


async def test_wait_for_workers_waits_for_a_cancelled_call_still_running() -> None:
    import asyncio
    import threading

    from bot.storage import wait_for_workers

    release, finished = threading.Event(), threading.Event()

    def slow() -> None:
        release.wait(5)
        finished.set()

    task = asyncio.create_task(run_sync(slow))
    await asyncio.sleep(0.05)
    task.cancel()
    assert await wait_for_workers(timeout=0.1) is False  # the thread still runs
    release.set()
    assert await wait_for_workers(timeout=5) is True
    assert finished.is_set()


@pytest.mark.parametrize(("failures", "succeeds"), [(0, True), (1, True), (3, True), (4, False)])
def test_retry_write_tries_again_after_passing_failures(failures: int, succeeds: bool) -> None:
    calls: list[int] = []
    pauses: list[float] = []

    def write() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise sqlite3.OperationalError("database is locked")
        return "stored"

    if succeeds:
        assert retry_write(write, sleep=pauses.append) == "stored"
    else:
        with pytest.raises(sqlite3.OperationalError):
            retry_write(write, sleep=pauses.append)
    assert len(calls) == min(failures + 1, len(WRITE_RETRY_DELAYS) + 1)
    assert pauses == list(WRITE_RETRY_DELAYS[:failures])


def test_retry_write_does_not_retry_a_broken_constraint() -> None:
    calls: list[int] = []

    def write() -> None:
        calls.append(1)
        raise sqlite3.IntegrityError("UNIQUE constraint failed")

    with pytest.raises(sqlite3.IntegrityError):
        retry_write(write, sleep=lambda _: None)
    assert calls == [1]

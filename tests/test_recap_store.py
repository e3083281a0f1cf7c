"""Recap state in the bot's state database: migrations, one subscription per channel, ids never
reused (so nonces never repeat), the ledger outliving a replay that ended."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.recap.compose import REPLAY_END_KEY
from bot.recap.store import (MIGRATIONS, delete_subscription, get_delivery, get_subscription, list_subscriptions, read_seen,
                             record_sending, save_subscription, settle_delivery, update_subscription)
from bot.storage import StateDatabase, close_state, fetch_dicts, open_state

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
# What either dialect raises when the schema refuses a row.
# (PostgreSQL's bigint columns refuse words before any check: a DataError.)
REFUSED = (sqlite3.IntegrityError, psycopg.errors.IntegrityError, psycopg.errors.DataError)
NOT_AN_ID = r"must be Discord ids|discord_place|invalid input syntax for type bigint"


@pytest.fixture
def state(state_location: str | Path) -> Iterator[StateDatabase]:
    """A recap state database in each dialect (SQLite, then PostgreSQL)."""
    database = open_state(state_location, [MIGRATIONS])
    yield database
    close_state(database)


def subscribe(state: StateDatabase, channel_id: int, **changes: object) -> int:
    values = {"guild_id": 1, "channel_id": channel_id, "at": time(9), "timezone_name": "Europe/Paris", "mode": "replay",
              "locale": "fr", "now": NOW, **changes}
    subscription, _ = save_subscription(state, **values)
    return subscription.id


def test_the_recap_tables_are_migrated_once(state_location: str | Path) -> None:
    first = open_state(state_location, [MIGRATIONS])
    subscribe(first, 10)
    close_state(first)
    second = open_state(state_location, [MIGRATIONS])
    assert MIGRATIONS.list_applied(second) == ["create_recap_tables", "forbid_places_discord_cannot_own"]
    assert get_subscription(second, 10) is not None
    close_state(second)


def test_one_subscription_per_channel_a_new_time_keeps_its_progress(state: StateDatabase) -> None:
    first, created = save_subscription(state, guild_id=1, channel_id=10, at=time(9), timezone_name="Europe/Paris", mode="replay",
                                       locale="fr", now=NOW)
    assert created
    update_subscription(state, first.id, NOW, paused=1, disabled_reason="recap.reason.rejected", replay_day="2023-11-17")
    second, created = save_subscription(state, guild_id=1, channel_id=10, at=time(18, 30), timezone_name="Asia/Kolkata",
                                        mode="replay", locale="en", now=NOW + timedelta(hours=1))
    assert not created and second.id == first.id and len(list_subscriptions(state)) == 1
    assert (second.time, second.timezone, second.mode, second.locale) == ("18:30", "Asia/Kolkata", "replay", "en")
    assert second.active and second.replay_day == "2023-11-17"  # back on, and the replay goes on
    assert second.handled_until == NOW + timedelta(hours=1)


def test_a_new_mode_is_a_new_subscription(state: StateDatabase) -> None:
    first, _ = save_subscription(state, guild_id=1, channel_id=10, at=time(9), timezone_name="Europe/Paris", mode="digest",
                                 locale="fr", now=NOW, seen_event_ids=["a", "b"])
    assert read_seen(state, first.id) == {"a", "b"}
    second, created = save_subscription(state, guild_id=1, channel_id=10, at=time(9), timezone_name="Europe/Paris", mode="replay",
                                        locale="fr", now=NOW)
    assert not created and second.id != first.id and second.replay_day is None
    assert read_seen(state, first.id) == set() and len(list_subscriptions(state)) == 1


def test_subscription_ids_are_never_reused(state: StateDatabase) -> None:
    first = subscribe(state, 10)
    assert delete_subscription(state, first)
    assert subscribe(state, 10) != first


def test_a_subscription_belongs_to_its_guild(state: StateDatabase) -> None:
    subscribe(state, 10, guild_id=1)
    assert get_subscription(state, 10, guild_id=2) is None
    assert get_subscription(state, 10, guild_id=1) is not None
    assert [sub.channel_id for sub in list_subscriptions(state, 2)] == []


def test_the_closing_post_ends_the_replay_but_the_ledger_keeps_it(state: StateDatabase) -> None:
    subscription_id = subscribe(state, 10)
    record = record_sending(state, subscription_id=subscription_id, key=REPLAY_END_KEY, nonce="n" * 25, generation=0, channel_id=10,
                            payload="{}", handled_until=NOW, now=NOW)
    settle_delivery(state, record, status="sent", now=NOW, posted=True, final=True, message_id=5)
    assert get_subscription(state, 10) is None
    kept = get_delivery(state, subscription_id, REPLAY_END_KEY)
    assert kept is not None and kept.status == "sent" and kept.message_id == 5


def test_a_delivery_settles_only_as_sent_uncertain_or_failed(state: StateDatabase) -> None:
    subscription_id = subscribe(state, 10)
    record = record_sending(state, subscription_id=subscription_id, key="replay:2023-11-17", nonce="x", generation=0, channel_id=10,
                            payload="{}", handled_until=NOW, now=NOW)
    with pytest.raises(ValueError):
        settle_delivery(state, record, status="sending", now=NOW, posted=False)
    with pytest.raises(REFUSED):
        state.execute("update recap_deliveries set status = 'lost'")


@pytest.mark.parametrize(("guild_id", "channel_id"), [(1, 0), (0, 10), (1, -3), ("console", 10), (1, "console")])
def test_the_schema_takes_no_subscription_outside_a_discord_channel(state: StateDatabase, guild_id: object, channel_id: object) -> None:
    with pytest.raises(REFUSED, match=NOT_AN_ID):
        subscribe(state, channel_id, guild_id=guild_id)  # type: ignore[arg-type]  # the wrong types are the point
    subscribe(state, 10)
    with pytest.raises(REFUSED, match=NOT_AN_ID):
        state.execute("update recap_subscriptions set guild_id = ?, channel_id = ? where channel_id = 10", [guild_id, channel_id])
    assert [(sub.guild_id, sub.channel_id) for sub in list_subscriptions(state)] == [(1, 10)]


@pytest.mark.parametrize("channel_id", [0, -3, "console"])
def test_the_ledger_takes_no_delivery_outside_a_discord_channel(state: StateDatabase, channel_id: object) -> None:
    with pytest.raises(REFUSED, match=NOT_AN_ID):
        record_sending(state, subscription_id=1, key="k", nonce="n", generation=0, channel_id=channel_id,  # type: ignore[arg-type]
                       payload="{}", handled_until=NOW, now=NOW)
    assert state.execute("select count(*) from recap_deliveries").fetchone()[0] == 0


def test_a_post_is_claimed_once_however_many_processes_ask(state: StateDatabase) -> None:
    subscription_id = subscribe(state, 10)
    claim = {"subscription_id": subscription_id, "key": "replay:2023-11-17", "channel_id": 10, "payload": "{}",
             "handled_until": NOW, "now": NOW}
    first = record_sending(state, nonce="a" * 25, generation=0, **claim)
    assert first is not None and first.generation == 0
    # Another process, which saw no record a moment ago, asks too: the ledger's key says no.
    assert record_sending(state, nonce="b" * 25, generation=0, **claim) is None
    settle_delivery(state, first, status="failed", now=NOW, posted=False, reason="refused")
    # A failed post may be tried again, once, by whoever claims its next generation first.
    again = record_sending(state, nonce="c" * 25, generation=1, **claim)
    assert again is not None and (again.generation, again.nonce, again.status) == (1, "c" * 25, "sending")
    assert record_sending(state, nonce="d" * 25, generation=1, **claim) is None
    settle_delivery(state, again, status="sent", now=NOW, posted=True, message_id=7)
    # A post that is out is never claimed again, whatever the generation asked.
    assert record_sending(state, nonce="e" * 25, generation=2, **claim) is None
    kept = get_delivery(state, subscription_id, "replay:2023-11-17")
    assert kept is not None and (kept.status, kept.nonce, kept.message_id) == ("sent", "c" * 25, 7)
    assert fetch_dicts(state.execute("select count(*) as n from recap_deliveries"))[0]["n"] == 1


def test_sqlite_refuses_a_fractional_id_its_untyped_columns_would_keep(tmp_path: Path) -> None:
    # PostgreSQL's columns are typed (bigint); SQLite's would keep 2.5 as it came, but for the trigger.
    state = open_state(tmp_path / "state.db", [MIGRATIONS])
    with pytest.raises(sqlite3.IntegrityError, match="must be Discord ids"):
        subscribe(state, 2.5)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError, match="must be Discord ids"):
        record_sending(state, subscription_id=1, key="k", nonce="n", generation=0, channel_id=2.5,  # type: ignore[arg-type]
                       payload="{}", handled_until=NOW, now=NOW)
    close_state(state)

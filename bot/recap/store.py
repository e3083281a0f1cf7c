"""Recap state in the bot's state database (shared with the quiz): subscriptions, the events a
digest has posted, and one delivery record per post (the at-most-once ledger).

Schema changes go through `MIGRATIONS` ("sagabot.recap"), applied by `bot.storage.open_state`.
Every function is sync and takes the database; async code calls them through
`bot.storage.run_sync`. Each holds `write_lock()` (reads too, see `serialise_access`); writes run
in one transaction.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from ..answering.normalize import Locale
from ..storage import StateDatabase, fetch_dicts, write_lock
from . import schema
from .schedule import format_time_of_day, load_timezone

# The state database's schema for recaps (bot.recap.schema), applied by bot.storage.open_state.
MIGRATIONS = schema.MIGRATIONS
STATUSES = schema.STATUSES
P = ParamSpec("P")
T = TypeVar("T")


def serialise_access(function: Callable[P, T]) -> Callable[P, T]:
    """Run `function` holding the state database's lock, reads included: the worker threads share
    one connection, and a read interleaved with another thread's transaction (or with the
    table sqlite-utils creates to probe for upsert support) fails with "database table is locked"."""
    @functools.wraps(function)
    def locked(*args: P.args, **kwargs: P.kwargs) -> T:
        with write_lock():
            return function(*args, **kwargs)

    return locked


# datetime.time, for annotations inside Subscription, whose `time` field hides the name there.
TimeOfDay = time


@dataclass(frozen=True)
class Subscription:
    id: int
    guild_id: int
    channel_id: int
    time: str
    timezone: str
    mode: str
    locale: Locale
    paused: bool
    disabled_reason: str | None
    # the last saga day a replay has told (ISO), None before the first post
    replay_day: str | None
    # every occurrence up to this instant is handled (posted, skipped or caught up)
    handled_until: datetime
    last_key: str | None
    last_posted_at: datetime | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime

    @property
    def active(self) -> bool:
        return not self.paused and self.disabled_reason is None

    @property
    def at(self) -> TimeOfDay:
        hour, minute = self.time.split(":")
        return time(int(hour), int(minute))

    @property
    def zone(self) -> ZoneInfo:
        # Stored names were checked at subscribe time; fall back to UTC if tzdata dropped one.
        return load_timezone(self.timezone) or ZoneInfo("UTC")


@dataclass(frozen=True)
class DeliveryRecord:
    subscription_id: int
    key: str
    nonce: str
    generation: int
    status: str
    channel_id: int
    payload: str
    handled_until: datetime
    attempts: int
    reason: str | None
    message_id: int | None
    started_at: datetime
    updated_at: datetime


def format_instant(moment: datetime) -> str:
    """How instants are stored: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat()


def read_instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _read_required_instant(text: str) -> datetime:
    """An instant of a `not null` column."""
    return datetime.fromisoformat(text)


@serialise_access
def save_subscription(db: StateDatabase, *, guild_id: int, channel_id: int, at: time, timezone_name: str, mode: str,
                      locale: Locale, now: datetime, created_by: int | None = None,
                      seen_event_ids: Iterable[str] = ()) -> tuple[Subscription, bool]:
    """Subscribe `channel_id`, or change its subscription (one per channel). Returns it and
    whether it is new. It posts next at its time after `now`; a new digest starts from
    `seen_event_ids` (what the database holds today), so that its first post is what comes next.
    A change of mode starts a new subscription; a change of time, timezone or language keeps
    its progress."""
    stamp = format_instant(now)
    values = {"guild_id": guild_id, "time": format_time_of_day(at), "timezone": timezone_name, "mode": mode, "locale": locale,
              "paused": 0, "disabled_reason": None, "replay_day": None, "handled_until": stamp, "last_key": None,
              "last_posted_at": None, "updated_at": stamp}
    with db.atomic():
        row = db.execute("select id, mode from recap_subscriptions where channel_id = ?", [channel_id]).fetchone()
        created = row is None
        if row is not None and row[1] != mode:
            # Another mode is another subscription, with a new id: its post keys (and nonces)
            # start afresh instead of meeting the old mode's in the ledger.
            db.execute("delete from recap_seen where subscription_id = ?", [row[0]])
            db.execute("delete from recap_subscriptions where id = ?", [row[0]])
            row = None
        if row is None:
            row_values = {**values, "channel_id": channel_id, "created_by": created_by, "created_at": stamp}
            (subscription_id,) = db.execute(
                f"insert into recap_subscriptions ({', '.join(row_values)}) values ({', '.join('?' for _ in row_values)}) "
                "returning id", list(row_values.values())).fetchone()
        else:
            # Same mode, new time or place: it keeps its progress (the replay's day, the digest's seen events).
            subscription_id = row[0]
            _update_row(db, subscription_id, {name: value for name, value in values.items()
                                              if name not in ("replay_day", "last_key", "last_posted_at")})
        _add_seen(db, subscription_id, seen_event_ids)
    subscription = get_subscription(db, channel_id)
    assert subscription is not None
    return subscription, created


@serialise_access
def get_subscription(db: StateDatabase, channel_id: int, guild_id: int | None = None) -> Subscription | None:
    """The subscription of a channel (of that guild, when given)."""
    rows = fetch_dicts(db.execute("select * from recap_subscriptions where channel_id = ?", [channel_id]))
    if not rows or (guild_id is not None and rows[0]["guild_id"] != guild_id):
        return None
    return _read_subscription(rows[0])


@serialise_access
def get_subscription_by_id(db: StateDatabase, subscription_id: int) -> Subscription | None:
    rows = fetch_dicts(db.execute("select * from recap_subscriptions where id = ?", [subscription_id]))
    return _read_subscription(rows[0]) if rows else None


@serialise_access
def list_subscriptions(db: StateDatabase, guild_id: int | None = None) -> list[Subscription]:
    """Every subscription (of one guild), by channel."""
    where, params = ("where guild_id = ?", [guild_id]) if guild_id is not None else ("", [])
    return [_read_subscription(row) for row in
            fetch_dicts(db.execute(f"select * from recap_subscriptions {where} order by channel_id", params))]


@serialise_access
def delete_subscription(db: StateDatabase, subscription_id: int) -> bool:
    with db.atomic():
        db.execute("delete from recap_seen where subscription_id = ?", [subscription_id])
        cursor = db.execute("delete from recap_subscriptions where id = ?", [subscription_id])
    return cursor.rowcount > 0


@serialise_access
def update_subscription(db: StateDatabase, subscription_id: int, now: datetime, **changes: Any) -> Subscription | None:
    """Change some columns of a subscription (instants are stored as ISO UTC)."""
    values = {name: format_instant(value) if isinstance(value, datetime) else value for name, value in changes.items()}
    values["updated_at"] = format_instant(now)
    with db.atomic():
        if db.execute("select 1 from recap_subscriptions where id = ?", [subscription_id]).fetchone() is None:
            return None
        _update_row(db, subscription_id, values)
    return get_subscription_by_id(db, subscription_id)


@serialise_access
def read_seen(db: StateDatabase, subscription_id: int) -> set[str]:
    """The events a digest subscription has already posted (or started from)."""
    return {row[0] for row in db.execute("select event_id from recap_seen where subscription_id = ?", [subscription_id])}


@serialise_access
def get_delivery(db: StateDatabase, subscription_id: int, key: str) -> DeliveryRecord | None:
    row = db.execute(f"select {', '.join(_DELIVERY_COLUMNS)} from recap_deliveries where subscription_id = ? and key = ?",
                     [subscription_id, key]).fetchone()
    return _read_delivery(row) if row else None


@serialise_access
def list_deliveries(db: StateDatabase, status: str | None = None) -> list[DeliveryRecord]:
    where, params = ("where status = ?", [status]) if status else ("", [])
    rows = db.execute(f"select {', '.join(_DELIVERY_COLUMNS)} from recap_deliveries {where} "
                      "order by started_at, subscription_id, key", params).fetchall()
    return [_read_delivery(row) for row in rows]


@serialise_access
def record_sending(db: StateDatabase, *, subscription_id: int, key: str, nonce: str, generation: int, channel_id: int,
                   payload: str, handled_until: datetime, now: datetime) -> DeliveryRecord | None:
    """Claim a post by writing its 'sending' record before it is sent: generation 0 when the
    ledger has none, or the next generation of one that failed or was left sending. None when
    the claim is lost: another process (sharing the database) holds that post already. The
    ledger's key decides, in one statement, rather than a look followed by a write."""
    stamp = format_instant(now)
    values = {"subscription_id": subscription_id, "key": key, "nonce": nonce, "generation": generation, "status": "sending",
              "channel_id": channel_id, "payload": payload, "handled_until": format_instant(handled_until), "attempts": 0,
              "reason": None, "message_id": None, "started_at": stamp, "updated_at": stamp}
    renewed = ", ".join(f"{name} = excluded.{name}" for name in values if name not in ("subscription_id", "key"))
    with db.atomic():
        claimed = db.execute(
            f"insert into recap_deliveries ({', '.join(values)}) values ({', '.join('?' for _ in values)}) "
            f"on conflict (subscription_id, key) do update set {renewed} "
            "where recap_deliveries.generation = excluded.generation - 1 and recap_deliveries.status in ('failed', 'sending') "
            f"returning {', '.join(_DELIVERY_COLUMNS)}", list(values.values())).fetchone()
    return _read_delivery(tuple(claimed)) if claimed else None


@serialise_access
def settle_delivery(db: StateDatabase, record: DeliveryRecord, *, status: str, now: datetime, posted: bool,
                    replay_day: str | None = None, event_ids: tuple[str, ...] = (), final: bool = False,
                    reason: str | None = None, disable_reason: str | None = None, message_id: int | None = None,
                    attempts: int = 0) -> None:
    """Close a delivery and move its subscription on (`advance_subscription`), in one transaction."""
    if status not in STATUSES or status == "sending":
        raise ValueError(f"a delivery settles as sent, uncertain or failed, not {status!r}")
    with db.atomic():
        db.execute("update recap_deliveries set status = ?, reason = ?, message_id = ?, attempts = attempts + ?, updated_at = ? "
                   "where subscription_id = ? and key = ?",
                   [status, reason, message_id, attempts, format_instant(now), record.subscription_id, record.key])
        advance_subscription(db, record.subscription_id, handled_until=record.handled_until, now=now, posted=posted,
                             key=record.key, sent=status == "sent", replay_day=replay_day, event_ids=event_ids, final=final,
                             disable_reason=disable_reason)


@serialise_access
def advance_subscription(db: StateDatabase, subscription_id: int, *, handled_until: datetime, now: datetime,
                         posted: bool = False, key: str | None = None, sent: bool = False, replay_day: str | None = None,
                         event_ids: tuple[str, ...] = (), final: bool = False, disable_reason: str | None = None) -> None:
    """Mark the occurrences up to `handled_until` handled, and when a post is (or may be) in the
    channel (`posted`), move past it: the replay's next day, the digest's events seen, the
    replay ended after its closing post. A post that is not out leaves the subscription where it
    was, to post the same content at its next time."""
    stamp = format_instant(now)
    with db.atomic():
        row = db.execute("select handled_until from recap_subscriptions where id = ?", [subscription_id]).fetchone()
        if row is None:
            return  # unsubscribed meanwhile
        if posted and final:
            db.execute("delete from recap_seen where subscription_id = ?", [subscription_id])
            db.execute("delete from recap_subscriptions where id = ?", [subscription_id])
            return
        changes: dict[str, Any] = {"handled_until": format_instant(max(_read_required_instant(row[0]), handled_until)), "updated_at": stamp}
        if posted:
            changes["last_key"] = key
            if sent:
                changes["last_posted_at"] = stamp
            if replay_day:
                changes["replay_day"] = replay_day
            _add_seen(db, subscription_id, event_ids)
        if disable_reason:
            changes["disabled_reason"] = disable_reason
        _update_row(db, subscription_id, changes)


def _update_row(db: StateDatabase, subscription_id: int, values: dict[str, Any]) -> None:
    db.execute(f"update recap_subscriptions set {', '.join(f'{name} = ?' for name in values)} where id = ?",
               [*values.values(), subscription_id])


def _add_seen(db: StateDatabase, subscription_id: int, event_ids: Iterable[str]) -> None:
    for event_id in event_ids:
        db.execute("insert into recap_seen (subscription_id, event_id) values (?, ?) on conflict do nothing",
                   [subscription_id, event_id])


def _read_subscription(row: dict[str, Any]) -> Subscription:
    return Subscription(
        id=row["id"], guild_id=row["guild_id"], channel_id=row["channel_id"], time=row["time"], timezone=row["timezone"],
        mode=row["mode"], locale=row["locale"], paused=bool(row["paused"]), disabled_reason=row["disabled_reason"],
        replay_day=row["replay_day"], handled_until=_read_required_instant(row["handled_until"]), last_key=row["last_key"],
        last_posted_at=read_instant(row["last_posted_at"]), created_by=row["created_by"],
        created_at=_read_required_instant(row["created_at"]), updated_at=_read_required_instant(row["updated_at"]),
    )


_DELIVERY_COLUMNS = ("subscription_id", "key", "nonce", "generation", "status", "channel_id", "payload", "handled_until",
                     "attempts", "reason", "message_id", "started_at", "updated_at")


def _read_delivery(row: tuple[Any, ...]) -> DeliveryRecord:
    data = dict(zip(_DELIVERY_COLUMNS, row))
    return DeliveryRecord(**{**data, "handled_until": read_instant(data["handled_until"]),
                             "started_at": read_instant(data["started_at"]), "updated_at": read_instant(data["updated_at"])})

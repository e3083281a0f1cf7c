"""At-most-once delivery of a recap post.

The ledger (`recap_deliveries`) holds one record per subscription and post key:

    (none) ──prepare──▶ sending ──sent──▶ sent
                          │  ├──4xx──────▶ failed     (not posted: may be sent later, with a new nonce)
                          │  └──gave up──▶ uncertain  (maybe posted: never sent again)
                          └──restart──▶ resent with the SAME nonce within the nonce window; past it, the
                                        channel is read: found ▶ sent; surely absent ▶ sent late with a
                                        new nonce; cannot tell ▶ uncertain

A post is recorded as 'sending', with a nonce derived from the subscription and the key, before
the request leaves. Discord keeps a message's nonce for a few minutes and, with
`enforce_nonce`, answers a second request with the same nonce by returning the first message
instead of posting twice. So a crash between sending and confirming, or a retry after a 5xx or
a timeout, is safe while the nonce is fresh; after that, a post that may already be in the
channel is looked for in the channel's history (`LookUp`: messages by the bot whose embed is this
post, in the span when the post could have gone out). Found: it is settled as sent. Surely
absent (the history past that span was read and holds no such message): it is sent late, which
beats never. Only when the channel cannot tell (no Read Message History, Discord unreachable,
too many messages in between) is the post marked 'uncertain' and never sent again: a recap
missed is better than a recap twice.

Failures: 403, 404, 400 disable the subscription (with a reason key shown by /recap list) until
someone resumes it — never a 403 in a loop; 429 waits `retry_after`; 5xx and timeouts are
retried with capped exponential backoff and jitter, within the nonce window.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal


from ..storage import StateDatabase, write_lock
from .clock import Clock
from .layout import layout_post
from .pacing import Pacer
from .posts import DIGEST, REPLAY, Post, read_post, serialise_post
from .store import (DeliveryRecord, Subscription, advance_subscription, get_delivery, list_deliveries, record_sending,
                    settle_delivery)

log = logging.getLogger("sagabot.recap")

# Discord checks a nonce's uniqueness "in the past few minutes"; stay well inside that.
NONCE_WINDOW = timedelta(minutes=2)
NONCE_LENGTH = 25  # Discord's limit for a string nonce

# After the nonce window, how far past the post's last possible try a message could still appear
# (Discord may finish a request the bot stopped waiting for).
LOOKUP_MARGIN = timedelta(minutes=1)
# A post's request may be stamped a little before the ledger's clock said it started.
CLOCK_SKEW = timedelta(seconds=5)

# Discord's JSON error codes that matter here.
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
UNKNOWN_CHANNEL = 10003


@dataclass(frozen=True)
class SendResult:
    """What the injected `send` reports: the HTTP status (None when no answer came: timeout,
    connection lost), Discord's error code, a 429's retry_after and whether it is the global
    limit, the new message's id, and the route's rate-limit headers when known."""

    status: int | None
    code: int | None = None
    retry_after: float | None = None
    global_limit: bool = False
    message_id: int | None = None
    remaining: int | None = None
    reset_after: float | None = None


# async def send(channel_id: int, post: Post, nonce: str) -> SendResult
Send = Callable[[int, Post, str], Awaitable[SendResult]]


@dataclass(frozen=True)
class Sought:
    """A post that may already be in its channel: what to look for, and when it could have
    been posted (a message of the bot created between `since` and `until`)."""

    channel_id: int
    post: Post
    nonce: str
    since: datetime
    until: datetime


# async def look_up(sought) -> True: it is there; False: surely not; None: cannot tell
LookUp = Callable[[Sought], Awaitable[bool | None]]
# Messages read, at most, looking for a post a crash interrupted: past them, the channel cannot tell.
LOOKUP_LIMIT = 100


@dataclass(frozen=True)
class SeenMessage:
    """A message of a channel's history, as the look-up reads it."""

    created_at: datetime
    by_bot: bool
    nonce: str | None
    # each embed's title and description
    embeds: tuple[tuple[str | None, str | None], ...]


def judge_history(sought: Sought, history: Iterable[SeenMessage], limit: int = LOOKUP_LIMIT) -> bool | None:
    """Is the post in the channel, judged from its history read oldest first from `sought.since`
    (at most `limit` messages)? A message of the bot with this post's nonce or embed: yes. A
    message past `sought.until`, or the channel's end, without one: surely not. Otherwise (the
    limit reached first) the channel cannot tell."""
    laid = layout_post(sought.post)
    wanted = (laid.title, laid.description)
    read = 0
    for message in history:
        read += 1
        if message.created_at > sought.until:
            return False
        if message.by_bot and (message.nonce == sought.nonce or wanted in message.embeds):
            return True
    return False if read < limit else None

VerdictKind = Literal["sent", "disable", "wait", "retry", "drop"]


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    # disable: the message key of the reason (recap.reason.*); drop: what happened, for the logs
    reason: str | None = None
    # wait: seconds to hold off
    delay: float = 0.0


def classify_result(result: SendResult) -> Verdict:
    """What to do after one attempt."""
    status = result.status
    if status is not None and 200 <= status < 300:
        return Verdict("sent")
    if status == 429:
        return Verdict("wait", "rate limited", max(0.0, result.retry_after if result.retry_after is not None else 1.0))
    if status == 403:
        missing_access = result.code == MISSING_ACCESS
        return Verdict("disable", "recap.reason.missing_access" if missing_access else "recap.reason.missing_permissions")
    if status == 404:
        return Verdict("disable", "recap.reason.unknown_channel")
    if status in (400, 413):
        return Verdict("disable", "recap.reason.rejected")
    if status is None or status == 408 or status >= 500:
        return Verdict("retry", "no answer" if status is None else f"HTTP {status}")
    # 401 (the bot's token) and the like are not this channel's fault: do not disable it.
    return Verdict("drop", f"HTTP {status}")


@dataclass
class RetryPolicy:
    """Capped exponential backoff with jitter (seeded in tests), within the nonce window."""

    base: float = 1.0
    factor: float = 2.0
    cap: float = 30.0
    max_failures: int = 5
    max_rate_limit_waits: int = 5
    send_timeout: float = 30.0
    nonce_window: timedelta = NONCE_WINDOW
    rng: random.Random = field(default_factory=random.Random)

    def compute_backoff(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th failure: half the capped exponential delay,
        plus a random share of the other half, so that many retries do not line up."""
        delay = min(self.cap, self.base * self.factor ** max(0, failures - 1))
        return delay / 2 + self.rng.uniform(0, delay / 2)


@dataclass(frozen=True)
class Attempt:
    """A post about to be sent: its ledger record (nonce, key) and the post itself."""

    record: DeliveryRecord
    post: Post
    # found 'sending' after a restart: this is a resend with the same nonce
    resumed: bool = False
    # ... and its nonce window is over: look for it in the channel before anything else
    stale: bool = False


@dataclass(frozen=True)
class Outcome:
    status: Literal["sent", "uncertain", "failed"]
    attempts: int
    reason: str | None = None
    disable_reason: str | None = None
    message_id: int | None = None


def make_nonce(subscription_id: int, key: str, generation: int = 0) -> str:
    """The same 25 characters for the same subscription, post and generation, every time."""
    digest = hashlib.sha256(f"sagabot-recap:{subscription_id}:{key}:{generation}".encode()).hexdigest()
    return "r" + digest[: NONCE_LENGTH - 1]


def name_route(channel_id: int) -> str:
    """The rate-limit route of posting in a channel."""
    return f"channel:{channel_id}"


def prepare_delivery(db: StateDatabase, subscription: Subscription, post: Post, handled_until: datetime,
                     now: datetime, window: timedelta = NONCE_WINDOW) -> Attempt | None:
    """Record `post` as being sent (before sending it), or say there is nothing to send: the
    post is already out, or may be."""
    with write_lock():  # look and record as one step
        return _prepare(db, subscription, post, handled_until, now, window)


def _prepare(db: StateDatabase, subscription: Subscription, post: Post, handled_until: datetime, now: datetime,
             window: timedelta) -> Attempt | None:
    existing = get_delivery(db, subscription.id, post.key)
    if existing is None or existing.status == "failed":
        # Never sent, or refused for sure: a fresh nonce cannot duplicate anything.
        generation = 0 if existing is None else existing.generation + 1
        record = record_sending(db, subscription_id=subscription.id, key=post.key,
                                nonce=make_nonce(subscription.id, post.key, generation),
                                generation=generation, channel_id=subscription.channel_id, payload=serialise_post(post),
                                handled_until=handled_until, now=now)
        # Lost: another process sharing the database holds this post; it sends and settles it.
        return Attempt(record, post) if record else None
    if existing.status == "sending":
        return _resume(existing, now, window)
    # Already sent (or maybe sent): this occurrence is done, and the subscription moves past it.
    advance_subscription(db, subscription.id, handled_until=handled_until, now=now, posted=True, key=post.key,
                         **_describe_progress(post))
    return None


def recover_deliveries(db: StateDatabase, now: datetime, window: timedelta = NONCE_WINDOW) -> list[Attempt]:
    """At start: the posts left 'sending' by a crash. Those still within the nonce window are
    resent with their nonce (Discord returns the first message if it was posted); the others
    are `stale`: to be looked for in their channel first (`settle_stale`)."""
    return [_resume(record, now, window) for record in list_deliveries(db, "sending")]


def describe_search(record: DeliveryRecord, post: Post, policy: RetryPolicy) -> Sought:
    """Where and when a post interrupted by a crash could have appeared: any try of it left
    within the nonce window after it started, and each waited at most `send_timeout`."""
    until = record.started_at + policy.nonce_window + timedelta(seconds=policy.send_timeout) + LOOKUP_MARGIN
    return Sought(record.channel_id, post, record.nonce, record.started_at - CLOCK_SKEW, until)


def settle_stale(db: StateDatabase, attempt: Attempt, found: bool | None, now: datetime) -> Attempt | None:
    """Decide a stale post by what its channel shows: in it, sent; surely not, a fresh attempt
    (a new generation and nonce) to send it late; cannot tell, uncertain, never sent again."""
    record = attempt.record
    if found:
        log.info("recap: post %s of subscription %s was interrupted by a restart but is in its channel: sent",
                 record.key, record.subscription_id)
        settle_attempt(db, attempt, Outcome("sent", 0, "found in the channel after a restart"), now)
        return None
    if found is None:
        log.warning("recap: post %s of subscription %s was being sent when the bot stopped, too long ago to resend "
                    "safely, and its channel cannot tell whether it is there: marked uncertain", record.key,
                    record.subscription_id)
        settle_attempt(db, attempt, Outcome("uncertain", 0, "interrupted; nonce window over; not found out"), now)
        return None
    log.info("recap: post %s of subscription %s was interrupted by a restart and is not in its channel: sent late",
             record.key, record.subscription_id)
    generation = record.generation + 1
    fresh = record_sending(db, subscription_id=record.subscription_id, key=record.key,
                           nonce=make_nonce(record.subscription_id, record.key, generation), generation=generation,
                           channel_id=record.channel_id, payload=record.payload, handled_until=record.handled_until, now=now)
    return Attempt(fresh, attempt.post) if fresh else None


def settle_attempt(db: StateDatabase, attempt: Attempt, outcome: Outcome, now: datetime) -> None:
    """Write the outcome, and move the subscription on when the post is (or may be) out."""
    posted = outcome.status in ("sent", "uncertain")
    settle_delivery(db, attempt.record, status=outcome.status, now=now, posted=posted, reason=outcome.reason,
                    disable_reason=outcome.disable_reason, message_id=outcome.message_id, attempts=outcome.attempts,
                    **_describe_progress(attempt.post))


def _describe_progress(post: Post) -> dict[str, Any]:
    """How far a post takes its subscription: the replay's last day, the digest's events, the end."""
    return {"replay_day": post.days[-1] if post.mode == REPLAY and post.days else None,
            "event_ids": post.event_ids if post.mode == DIGEST else (), "final": post.final}


async def transmit(send: Send, attempt: Attempt, pacer: Pacer, policy: RetryPolicy, clock: Clock) -> Outcome:
    """Send one post: paced, retried as its failures call for, never beyond its nonce's safety."""
    record = attempt.record
    route = name_route(record.channel_id)
    failures = rate_limited = tries = 0
    # Did some attempt perhaps reach Discord? Then a resend is safe only with a fresh nonce window.
    maybe_posted = attempt.resumed
    while True:
        await pacer.acquire(route)
        tries += 1
        result = await _call(send, record, attempt.post, policy)
        pacer.observe(route, result.remaining, result.reset_after)
        verdict = classify_result(result)
        if verdict.kind == "sent":
            return Outcome("sent", tries, message_id=result.message_id)
        # Refused for sure this time; but an earlier try that got no clear answer may have
        # posted, and then the post must never be tried again: uncertain, not failed.
        refused: Literal["uncertain", "failed"] = "uncertain" if maybe_posted else "failed"
        if verdict.kind == "disable":
            log.warning("recap: channel %s refused a post (%s): subscription disabled", record.channel_id, result.status)
            return Outcome(refused, tries, f"HTTP {result.status}", disable_reason=verdict.reason)
        if verdict.kind == "drop":
            return Outcome(refused, tries, verdict.reason)
        if verdict.kind == "wait":
            rate_limited += 1
            pacer.hold(verdict.delay, None if result.global_limit else route)
            delay = verdict.delay
            if rate_limited > policy.max_rate_limit_waits:
                return Outcome("uncertain" if maybe_posted else "failed", tries, "rate limited too often")
        else:
            failures += 1
            maybe_posted = True
            delay = policy.compute_backoff(failures)
            if failures >= policy.max_failures:
                return Outcome("uncertain", tries, verdict.reason)
        if maybe_posted and clock.now() + timedelta(seconds=delay) - record.started_at >= policy.nonce_window:
            # A resend now could post a second time if an earlier try got through.
            return Outcome("uncertain", tries, f"{verdict.reason}; nonce window over")
        if verdict.kind == "retry":
            await clock.sleep(delay)


async def _call(send: Send, record: DeliveryRecord, post: Post, policy: RetryPolicy) -> SendResult:
    try:
        return await asyncio.wait_for(send(record.channel_id, post, record.nonce), timeout=policy.send_timeout)
    except (TimeoutError, OSError):
        return SendResult(None)


def _resume(record: DeliveryRecord, now: datetime, window: timedelta) -> Attempt:
    return Attempt(record, read_post(record.payload), resumed=True, stale=now - record.started_at >= window)

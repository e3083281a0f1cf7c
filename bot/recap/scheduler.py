"""One scheduler for every recap subscription: it sleeps until the earliest one is due, wakes up
early when subscriptions change, and fans the due posts out through the pacer.

The Discord adapter owns one `RecapScheduler` and runs `run(send)` as a task; `send` is the only
thing that touches Discord (`async send(channel_id, post, nonce) -> SendResult`), with
`look_up(sought)`, which reads a channel's history for a post a crash interrupted; so this module
never imports discord. After a change (subscribe, pause, …) the adapter calls `notify_changed()`.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any


from ..answering.index import SagaIndex
from ..storage import StateDatabase, run_sync
from .clock import Clock, SystemClock
from .compose import accepts_anniversary, compose_next_post
from .delivery import (Attempt, LookUp, Outcome, RetryPolicy, Send, describe_search, prepare_delivery, recover_deliveries,
                       settle_attempt, settle_stale, transmit)
from .pacing import Pacer
from .posts import ANNIVERSARY, DIGEST, Post
from .schedule import DayFilter, compute_due_time, compute_handled_mark
from .store import Subscription, advance_subscription, get_subscription_by_id, list_subscriptions, read_seen

log = logging.getLogger("sagabot.recap")

# Sleep at most this long at once: the wall clock may jump (suspend, NTP) while asyncio sleeps
# on the monotonic clock.
MAX_SLEEP = timedelta(minutes=10)
# Posts sent side by side: enough to keep 45 requests per second going with Discord's latency.
FANOUT_CONCURRENCY = 25
# Reading a channel's history for an interrupted post: past this, the channel cannot tell.
LOOKUP_TIMEOUT = 30.0
# After an unexpected error on a subscription, leave it alone this long instead of looping on it.
ERROR_PAUSE = timedelta(hours=1)


@dataclass(frozen=True)
class DueItem:
    subscription: Subscription
    due_at: datetime


@dataclass(frozen=True)
class Report:
    """What happened to one due subscription (for the logs, the console and the tests)."""

    subscription_id: int
    channel_id: int
    # sent, uncertain, failed; nothing (no post that day); skipped (already out, or no longer active); error
    status: str
    at: datetime
    key: str | None = None
    nonce: str | None = None
    post: Post | None = None
    reason: str | None = None
    disable_reason: str | None = None


class RecapScheduler:
    """Knows every active subscription and when each is next due."""

    def __init__(self, db: StateDatabase, index: SagaIndex, clock: Clock | None = None, pacer: Pacer | None = None,
                 policy: RetryPolicy | None = None, concurrency: int = FANOUT_CONCURRENCY,
                 on_report: Callable[[Report], None] | None = None,
                 owns_guild: Callable[[int], bool] = lambda guild_id: True) -> None:
        self.db = db
        # A process running some of the bot's shards posts for its own guilds only (and settles
        # only their interrupted posts): another process posts the others, never twice.
        self.owns_guild = owns_guild
        self.index = index
        self.clock = clock or SystemClock()
        self.pacer = pacer or Pacer(self.clock)
        self.policy = policy or RetryPolicy()
        self.concurrency = max(1, concurrency)
        self.on_report = on_report
        self._subscriptions: dict[int, Subscription] = {}
        self._due: dict[int, datetime | None] = {}
        self._held: dict[int, datetime] = {}
        self._loaded = False
        self._dirty = False
        self._stopping = False
        self._changed: asyncio.Event | None = None
        self._look_up: LookUp | None = None

    # --- what is due

    def reload(self) -> None:
        """Read the active subscriptions again (sync: call it through run_sync from async code)."""
        self._subscriptions = {sub.id: sub for sub in list_subscriptions(self.db) if sub.active and self.owns_guild(sub.guild_id)}
        self._due.clear()
        self._loaded = True
        self._dirty = False

    def notify_changed(self) -> None:
        """Subscriptions changed: the running loop reloads them and recomputes its wake-up."""
        self._dirty = True
        if self._changed is not None:
            self._changed.set()

    def compute_due(self, subscription: Subscription) -> datetime | None:
        """When `subscription` is next due (in the past: due now, catch-up)."""
        return compute_due_time(subscription.at, subscription.zone, subscription.handled_until, self._pick_days(subscription))

    def next_wakeup(self, now: datetime) -> datetime | None:
        """The earliest due time of all subscriptions (None: nothing is scheduled)."""
        self._ensure_loaded()
        times = [due for sub_id in self._subscriptions if (due := self._find_due(sub_id, now)) is not None]
        return min(times, default=None)

    def due(self, now: datetime) -> list[DueItem]:
        """The subscriptions due at `now`, earliest first."""
        self._ensure_loaded()
        items = [DueItem(sub, due) for sub_id, sub in self._subscriptions.items()
                 if (due := self._find_due(sub_id, now)) is not None and due <= now]
        return sorted(items, key=lambda item: (item.due_at, item.subscription.id))

    # --- the loop

    async def run(self, send: Send, look_up: LookUp | None = None) -> None:
        """Post every recap when it is due, until `stop()`."""
        await self.run_until(send, None, keep_reports=False, look_up=look_up)

    async def run_until(self, send: Send, until: datetime | None, keep_reports: bool = True,
                        look_up: LookUp | None = None) -> list[Report]:
        """Run the loop until the clock reaches `until` (simulated time in tests and the console).
        Without `look_up`, a post interrupted past its nonce window is uncertain, never resent."""
        self._look_up = look_up
        self._stopping = False
        self._changed = asyncio.Event()
        reports: list[Report] = []

        def collect(found: list[Report]) -> None:
            if keep_reports:  # the bot's endless loop keeps none: the logs and `on_report` have them
                reports.extend(found)

        recovered = await run_sync(self._recover, self.clock.now())
        if recovered:
            collect(await self._fan_out([self._resend(attempt, send) for attempt in recovered]))
        # The recovery moved some subscriptions on: read them again.
        await run_sync(self.reload)
        while not self._stopping:
            now = self.clock.now()
            if until is not None and now >= until:
                break
            batch = self.due(now)
            if batch:
                collect(await self._fan_out([self._handle(item, send) for item in batch]))
                continue
            wakeup = self.next_wakeup(now)
            target = min(moment for moment in (wakeup, until, now + MAX_SLEEP) if moment is not None)
            await self._wait((target - now).total_seconds())
            if self._dirty:
                await run_sync(self.reload)
        return reports

    def stop(self) -> None:
        self._stopping = True
        if self._changed is not None:
            self._changed.set()

    async def _wait(self, seconds: float) -> None:
        assert self._changed is not None
        if self._changed.is_set():
            self._changed.clear()
            return
        sleeper = asyncio.ensure_future(self.clock.sleep(max(0.0, seconds)))
        waiter = asyncio.ensure_future(self._changed.wait())
        _, pending = await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        self._changed.clear()

    async def _fan_out(self, jobs: list[Coroutine[Any, Any, Report]]) -> list[Report]:
        """Run the jobs `concurrency` at a time (the pacer keeps their requests under the limits)."""
        queue: asyncio.Queue[Coroutine[Any, Any, Report]] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)
        reports: list[Report] = []

        async def work() -> None:
            while not queue.empty():
                job = queue.get_nowait()
                report = await job
                reports.append(report)
                if self.on_report is not None:
                    self.on_report(report)

        try:
            await asyncio.gather(*(work() for _ in range(min(self.concurrency, len(jobs)))))
        finally:
            # Cancelled (the bot stops): the jobs never started are dropped cleanly; a post
            # already recorded as 'sending' is the restart's to resend or settle.
            while not queue.empty():
                queue.get_nowait().close()
        return reports

    async def _handle(self, item: DueItem, send: Send) -> Report:
        sub = item.subscription
        try:
            attempt, report, fresh = await run_sync(self._prepare, item, self.clock.now())
            self._remember(sub.id, fresh)
            if attempt is None:
                assert report is not None  # _prepare reports whenever it makes no attempt
                return report
            return await self._resend(attempt, send)
        except Exception:  # one broken subscription must not stop the others
            log.exception("recap: subscription %s (channel %s) failed", sub.id, sub.channel_id)
            self._held[sub.id] = self.clock.now() + ERROR_PAUSE
            self._due.pop(sub.id, None)
            return Report(sub.id, sub.channel_id, "error", self.clock.now(), reason="internal error")

    async def _resend(self, attempt: Attempt, send: Send) -> Report:
        if attempt.stale:
            found = await self._find_in_channel(attempt)
            fresh_attempt = await run_sync(settle_stale, self.db, attempt, found, self.clock.now())
            if fresh_attempt is None:
                record = attempt.record
                self._remember(record.subscription_id, await run_sync(get_subscription_by_id, self.db, record.subscription_id))
                return Report(record.subscription_id, record.channel_id, "sent" if found else "uncertain", self.clock.now(),
                              record.key, record.nonce, attempt.post,
                              "found in the channel" if found else "interrupted; the channel cannot tell")
            attempt = fresh_attempt
        record = attempt.record
        try:
            outcome = await transmit(send, attempt, self.pacer, self.policy, self.clock)
        except Exception as error:  # a bug in `send` may have posted: never resend
            log.exception("recap: sending %s to channel %s raised", record.key, record.channel_id)
            outcome = Outcome("uncertain", 1, f"send raised {type(error).__name__}")
        fresh = await run_sync(self._settle, attempt, outcome, self.clock.now())
        self._remember(record.subscription_id, fresh)
        return Report(record.subscription_id, record.channel_id, outcome.status, self.clock.now(), record.key, record.nonce,
                      attempt.post, outcome.reason, outcome.disable_reason)

    async def _find_in_channel(self, attempt: Attempt) -> bool | None:
        """Ask the channel whether the interrupted post is in it; any failure means it cannot tell."""
        if self._look_up is None:
            return None
        sought = describe_search(attempt.record, attempt.post, self.policy)
        try:
            return await asyncio.wait_for(self._look_up(sought), LOOKUP_TIMEOUT)
        except Exception:  # whatever went wrong (logged), the answer is "cannot tell"
            log.warning("recap: could not read channel %s to look for post %s", sought.channel_id, attempt.record.key,
                        exc_info=True)
            return None

    # --- sync steps (run in a worker thread; they return the subscription as it now is, and the
    # event loop's thread alone updates the scheduler's own dictionaries)

    def _prepare(self, item: DueItem, now: datetime) -> tuple[Attempt | None, Report | None, Subscription | None]:
        sub = get_subscription_by_id(self.db, item.subscription.id)
        if sub is None or not sub.active:
            return None, Report(item.subscription.id, item.subscription.channel_id, "skipped", now), None
        due = self.compute_due(sub)
        if due is None or due > now:
            # Handled meanwhile (by the recovery of a post interrupted by a crash, say).
            return None, Report(sub.id, sub.channel_id, "skipped", now), sub
        days = self._pick_days(sub)
        # Past every occurrence that has come: one post after a downtime, not one per missed day.
        mark = compute_handled_mark(sub.at, sub.zone, now, days)
        local_day = mark.astimezone(sub.zone).date()
        seen = read_seen(self.db, sub.id) if sub.mode == DIGEST else frozenset()
        post = compose_next_post(self.index, sub.mode, sub.locale, local_day, sub.replay_day, seen)
        if post is None:
            advance_subscription(self.db, sub.id, handled_until=mark, now=now)
            return None, Report(sub.id, sub.channel_id, "nothing", now), get_subscription_by_id(self.db, sub.id)
        attempt = prepare_delivery(self.db, sub, post, mark, now, self.policy.nonce_window)
        if attempt is None:
            return None, Report(sub.id, sub.channel_id, "skipped", now, post.key), get_subscription_by_id(self.db, sub.id)
        return attempt, None, sub

    def _recover(self, now: datetime) -> list[Attempt]:
        """The posts a crash interrupted, of this process's guilds. One whose subscription is gone
        (unsubscribed meanwhile) is nobody's to send."""
        attempts = recover_deliveries(self.db, now, self.policy.nonce_window)
        subscriptions = {attempt.record.subscription_id: get_subscription_by_id(self.db, attempt.record.subscription_id)
                         for attempt in attempts}
        return [attempt for attempt in attempts
                if (sub := subscriptions[attempt.record.subscription_id]) is not None and self.owns_guild(sub.guild_id)]

    def _settle(self, attempt: Attempt, outcome: Outcome, now: datetime) -> Subscription | None:
        settle_attempt(self.db, attempt, outcome, now)
        return get_subscription_by_id(self.db, attempt.record.subscription_id)

    def _remember(self, subscription_id: int, sub: Subscription | None) -> None:
        if sub is None or not sub.active:
            self._forget(subscription_id)
        else:
            self._subscriptions[subscription_id] = sub
            self._due.pop(subscription_id, None)

    def _forget(self, subscription_id: int) -> None:
        self._subscriptions.pop(subscription_id, None)
        self._due.pop(subscription_id, None)

    def _find_due(self, subscription_id: int, now: datetime) -> datetime | None:
        if subscription_id not in self._due:
            self._due[subscription_id] = self.compute_due(self._subscriptions[subscription_id])
        due = self._due[subscription_id]
        held = self._held.get(subscription_id)
        if held is not None and due is not None:
            if held > now:
                return held
            del self._held[subscription_id]
        return due

    def _pick_days(self, subscription: Subscription) -> DayFilter | None:
        if subscription.mode != ANNIVERSARY:
            return None
        index = self.index

        def accept(day: date) -> bool:
            return accepts_anniversary(index, day)

        return accept

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self.reload()

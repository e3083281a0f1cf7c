"""At-most-once delivery: the ledger's state machine (sending before sent, the same nonce after
a crash within the nonce window, uncertain after it), the failure table, and the retries
(403 never in a loop, 429 honours retry_after, 5xx and timeouts back off) — with a scripted,
hand-written sender and a simulated clock."""
from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.answering.index import SagaIndex, load_index
from bot.recap.clock import ManualClock
from bot.recap.compose import compose_replay_post
from bot.recap.delivery import (NONCE_LENGTH, Attempt, NONCE_WINDOW, Outcome, RetryPolicy, SendResult, classify_result, make_nonce,
                                SeenMessage, describe_search, judge_history, prepare_delivery, recover_deliveries, settle_attempt,
                                settle_stale, transmit)
from bot.recap.layout import layout_post
from bot.recap.pacing import Pacer
from bot.recap.posts import Post
from bot.recap.store import (MIGRATIONS, Subscription, get_delivery, get_subscription_by_id, save_subscription,
                             update_subscription)
from bot.storage import open_state

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


@pytest.fixture
def state() -> sqlite_utils.Database:
    return open_state(":memory:", [MIGRATIONS])


def subscribe(state: sqlite_utils.Database, channel_id: int = 42) -> Subscription:
    subscription, _ = save_subscription(state, guild_id=1, channel_id=channel_id, at=time(9), timezone_name="Europe/Paris",
                                        mode="replay", locale="en", now=START - timedelta(days=1))
    return subscription


class ScriptedSender:
    """Answers each call with the next scripted result (the last one repeats), and remembers the calls."""

    def __init__(self, clock: ManualClock, *results: SendResult | type[BaseException]) -> None:
        self.clock = clock
        self.results = list(results)
        self.calls: list[tuple[float, int, str]] = []

    async def send(self, channel_id: int, post: Post, nonce: str) -> SendResult:
        self.calls.append((self.clock.monotonic(), channel_id, nonce))
        result = self.results.pop(0) if len(self.results) > 1 else self.results[0]
        if isinstance(result, type):
            raise result()
        return result


@pytest.mark.parametrize(("status", "code", "kind", "reason"), [
    (200, None, "sent", None),
    (201, None, "sent", None),
    (403, 50013, "disable", "recap.reason.missing_permissions"),
    (403, None, "disable", "recap.reason.missing_permissions"),
    (403, 50001, "disable", "recap.reason.missing_access"),
    (404, 10003, "disable", "recap.reason.unknown_channel"),
    (404, None, "disable", "recap.reason.unknown_channel"),
    (400, 50035, "disable", "recap.reason.rejected"),
    (413, None, "disable", "recap.reason.rejected"),
    (429, None, "wait", "rate limited"),
    (500, None, "retry", "HTTP 500"),
    (502, None, "retry", "HTTP 502"),
    (503, None, "retry", "HTTP 503"),
    (504, None, "retry", "HTTP 504"),
    (408, None, "retry", "HTTP 408"),
    (None, None, "retry", "no answer"),
    (401, None, "drop", "HTTP 401"),
    (405, None, "drop", "HTTP 405"),
])
def test_every_failure_has_one_response(status: int | None, code: int | None, kind: str, reason: str | None) -> None:
    verdict = classify_result(SendResult(status, code, retry_after=1.5 if status == 429 else None))
    assert (verdict.kind, verdict.reason) == (kind, reason)
    if status == 429:
        assert verdict.delay == 1.5


def test_nonces_are_short_and_deterministic() -> None:
    nonce = make_nonce(7, "replay:2023-11-17")
    assert len(nonce) <= NONCE_LENGTH == 25 and nonce == make_nonce(7, "replay:2023-11-17")
    others = {make_nonce(8, "replay:2023-11-17"), make_nonce(7, "replay:2023-11-18"), make_nonce(7, "replay:2023-11-17", 1)}
    assert nonce not in others and len(others) == 3


def test_a_post_is_recorded_as_sending_before_it_is_sent(state: sqlite_utils.Database, index: SagaIndex) -> None:
    subscription = subscribe(state)
    post = compose_replay_post(index, "en", None)
    attempt = prepare_delivery(state, subscription, post, START, START)
    assert attempt is not None and not attempt.resumed
    record = get_delivery(state, subscription.id, post.key)
    assert record is not None and record.status == "sending" and record.nonce == make_nonce(subscription.id, post.key)


def test_a_crash_between_send_and_confirm_resends_with_the_same_nonce_within_the_window(state: sqlite_utils.Database,
                                                                                        index: SagaIndex) -> None:
    subscription = subscribe(state)
    post = compose_replay_post(index, "en", None)
    first = prepare_delivery(state, subscription, post, START, START)
    # ... the request leaves, the process dies before settling. One minute later it starts again:
    recovered = recover_deliveries(state, START + timedelta(minutes=1))
    assert [attempt.record.nonce for attempt in recovered] == [first.record.nonce]
    assert recovered[0].resumed and recovered[0].post == post
    again = prepare_delivery(state, subscription, post, START, START + timedelta(minutes=1))
    assert again is not None and again.record.nonce == first.record.nonce


def test_past_the_nonce_window_an_interrupted_post_is_looked_for_first(state: sqlite_utils.Database, index: SagaIndex) -> None:
    subscription = subscribe(state)
    post = compose_replay_post(index, "en", None)
    first = prepare_delivery(state, subscription, post, START, START)
    later = START + NONCE_WINDOW + timedelta(seconds=1)
    (stale,) = recover_deliveries(state, later)
    assert stale.stale and stale.resumed and stale.record.nonce == first.record.nonce
    # Nothing is decided before the channel is read.
    assert get_delivery(state, subscription.id, post.key).status == "sending"
    sought = describe_search(stale.record, post, RetryPolicy())
    assert sought.channel_id == subscription.channel_id and sought.nonce == first.record.nonce
    # From just before the post started until any try of it could have landed.
    assert sought.since < START < START + NONCE_WINDOW + timedelta(seconds=30) < sought.until


def test_an_interrupted_post_that_the_channel_cannot_vouch_for_is_uncertain_and_never_resent(state: sqlite_utils.Database,
                                                                                            index: SagaIndex) -> None:
    subscription = subscribe(state)
    post = compose_replay_post(index, "en", None)
    prepare_delivery(state, subscription, post, START, START)
    later = START + NONCE_WINDOW + timedelta(seconds=1)
    (stale,) = recover_deliveries(state, later)
    assert settle_stale(state, stale, None, later) is None
    assert get_delivery(state, subscription.id, post.key).status == "uncertain"
    moved = get_subscription_by_id(state, subscription.id)
    assert moved.replay_day == "2023-11-17" and moved.handled_until == START  # it may be out: the replay moves on
    assert prepare_delivery(state, moved, post, START, later) is None  # and the same post is never tried again


def test_an_interrupted_post_found_in_the_channel_is_sent(state: sqlite_utils.Database, index: SagaIndex) -> None:
    subscription = subscribe(state)
    post = compose_replay_post(index, "en", None)
    prepare_delivery(state, subscription, post, START, START)
    later = START + timedelta(hours=3)
    (stale,) = recover_deliveries(state, later)
    assert settle_stale(state, stale, True, later) is None
    record = get_delivery(state, subscription.id, post.key)
    assert record.status == "sent" and record.reason == "found in the channel after a restart"
    assert get_subscription_by_id(state, subscription.id).replay_day == "2023-11-17"


def test_an_interrupted_post_surely_absent_is_sent_late_with_a_new_nonce(state: sqlite_utils.Database, index: SagaIndex) -> None:
    subscription = subscribe(state)
    post = compose_replay_post(index, "en", None)
    first = prepare_delivery(state, subscription, post, START, START)
    later = START + timedelta(hours=3)
    (stale,) = recover_deliveries(state, later)
    fresh = settle_stale(state, stale, False, later)
    assert fresh is not None and not fresh.stale and not fresh.resumed and fresh.post == post
    assert fresh.record.generation == 1 and fresh.record.nonce != first.record.nonce and fresh.record.started_at == later
    assert get_delivery(state, subscription.id, post.key).status == "sending"
    # Not out yet: the replay stays on its day until the late post is settled.
    assert get_subscription_by_id(state, subscription.id).replay_day is None


def test_a_post_refused_for_sure_may_be_sent_again_with_a_new_nonce(state: sqlite_utils.Database, index: SagaIndex) -> None:
    subscription = subscribe(state)
    post = compose_replay_post(index, "en", None)
    attempt = prepare_delivery(state, subscription, post, START, START)
    settle_attempt(state, attempt, Outcome("failed", 1, "HTTP 403", disable_reason="recap.reason.missing_permissions"), START)
    stopped = get_subscription_by_id(state, subscription.id)
    assert stopped.disabled_reason == "recap.reason.missing_permissions" and stopped.replay_day is None
    retry = prepare_delivery(state, stopped, post, START + timedelta(days=1), START + timedelta(days=1))
    assert retry is not None and retry.record.generation == 1 and retry.record.nonce != attempt.record.nonce
    settle_attempt(state, retry, Outcome("sent", 1, message_id=99), START + timedelta(days=1))
    assert get_delivery(state, subscription.id, post.key).status == "sent"
    assert prepare_delivery(state, stopped, post, START, START + timedelta(days=1)) is None


def transmit_with(sender: ScriptedSender, attempt: Attempt, clock: ManualClock, policy: RetryPolicy | None = None) -> Outcome:
    policy = policy or RetryPolicy(rng=random.Random(1))
    return asyncio.run(transmit(sender.send, attempt, Pacer(clock), policy, clock))


def prepare_attempt(state: sqlite_utils.Database, index: SagaIndex, clock: ManualClock) -> Attempt:
    subscription = subscribe(state)
    attempt = prepare_delivery(state, subscription, compose_replay_post(index, "en", None), clock.now(), clock.now())
    assert attempt is not None
    return attempt


def test_5xx_is_retried_with_backoff_and_the_same_nonce(state: sqlite_utils.Database, index: SagaIndex) -> None:
    clock = ManualClock(START)
    attempt = prepare_attempt(state, index, clock)
    sender = ScriptedSender(clock, SendResult(500), SendResult(502), SendResult(200, message_id=5))
    outcome = transmit_with(sender, attempt, clock)
    assert outcome.status == "sent" and outcome.attempts == 3 and outcome.message_id == 5
    assert {nonce for _, _, nonce in sender.calls} == {attempt.record.nonce}
    first_gap, second_gap = sender.calls[1][0] - sender.calls[0][0], sender.calls[2][0] - sender.calls[1][0]
    assert 0.5 <= first_gap <= 1.0 + 0.1 and 1.0 <= second_gap <= 2.0 + 0.1  # exponential, jittered


@pytest.mark.parametrize(("result", "reason"), [
    (SendResult(403, 50013), "recap.reason.missing_permissions"),
    (SendResult(403, 50001), "recap.reason.missing_access"),
    (SendResult(404, 10003), "recap.reason.unknown_channel"),
    (SendResult(400, 50035), "recap.reason.rejected"),
])
def test_403_404_400_disable_at_once_and_are_never_retried(state: sqlite_utils.Database, index: SagaIndex, result: SendResult,
                                                           reason: str) -> None:
    clock = ManualClock(START)
    attempt = prepare_attempt(state, index, clock)
    sender = ScriptedSender(clock, result)
    outcome = transmit_with(sender, attempt, clock)
    assert (outcome.status, outcome.disable_reason, len(sender.calls)) == ("failed", reason, 1)


def test_429_waits_retry_after(state: sqlite_utils.Database, index: SagaIndex) -> None:
    clock = ManualClock(START)
    attempt = prepare_attempt(state, index, clock)
    sender = ScriptedSender(clock, SendResult(429, retry_after=2.5), SendResult(200))
    outcome = transmit_with(sender, attempt, clock)
    assert outcome.status == "sent" and len(sender.calls) == 2
    assert sender.calls[1][0] - sender.calls[0][0] >= 2.5


def test_429_for_ever_gives_up_as_not_sent(state: sqlite_utils.Database, index: SagaIndex) -> None:
    clock = ManualClock(START)
    attempt = prepare_attempt(state, index, clock)
    sender = ScriptedSender(clock, SendResult(429, retry_after=1.0, global_limit=True))
    outcome = transmit_with(sender, attempt, clock)
    assert outcome.status == "failed" and len(sender.calls) == RetryPolicy().max_rate_limit_waits + 1


def test_timeouts_are_retried_then_the_post_is_uncertain_within_the_nonce_window(state: sqlite_utils.Database,
                                                                                 index: SagaIndex) -> None:
    clock = ManualClock(START)
    attempt = prepare_attempt(state, index, clock)
    sender = ScriptedSender(clock, asyncio.TimeoutError)
    outcome = transmit_with(sender, attempt, clock)
    assert outcome.status == "uncertain" and len(sender.calls) == RetryPolicy().max_failures
    assert clock.now() - attempt.record.started_at < NONCE_WINDOW  # every retry while Discord still dedupes


def test_a_401_is_dropped_without_disabling_the_channel(state: sqlite_utils.Database, index: SagaIndex) -> None:
    clock = ManualClock(START)
    attempt = prepare_attempt(state, index, clock)
    outcome = transmit_with(ScriptedSender(clock, SendResult(401)), attempt, clock)
    assert outcome.status == "failed" and outcome.disable_reason is None


def test_retries_stop_before_the_nonce_window_closes(state: sqlite_utils.Database, index: SagaIndex) -> None:
    clock = ManualClock(START)
    attempt = prepare_attempt(state, index, clock)
    slow = RetryPolicy(base=50.0, cap=50.0, max_failures=10, rng=random.Random(3))
    sender = ScriptedSender(clock, SendResult(503))
    outcome = transmit_with(sender, attempt, clock, slow)
    assert outcome.status == "uncertain" and "nonce window" in (outcome.reason or "")
    assert sender.calls[-1][0] < NONCE_WINDOW.total_seconds()


def test_backoff_is_capped_exponential_with_seeded_jitter() -> None:
    policy = RetryPolicy(base=1.0, factor=2.0, cap=8.0, rng=random.Random(7))
    delays = [policy.compute_backoff(failure) for failure in range(1, 8)]
    for failure, delay in enumerate(delays, start=1):
        ceiling = min(8.0, 2.0 ** (failure - 1))
        assert ceiling / 2 <= delay <= ceiling
    again = RetryPolicy(base=1.0, factor=2.0, cap=8.0, rng=random.Random(7))
    assert [again.compute_backoff(failure) for failure in range(1, 8)] == delays


def test_a_post_already_out_moves_the_subscription_past_it(state: sqlite_utils.Database, index: SagaIndex) -> None:
    subscription = subscribe(state)
    post = compose_replay_post(index, "en", None)
    attempt = prepare_delivery(state, subscription, post, START, START)
    settle_attempt(state, attempt, Outcome("sent", 1, message_id=1), START)
    # Say the replay_day was lost (a re-subscription, a restored backup): the ledger still knows.
    behind = update_subscription(state, subscription.id, START, replay_day=None)
    assert prepare_delivery(state, behind, post, START + timedelta(days=1), START + timedelta(days=1)) is None
    moved = get_subscription_by_id(state, subscription.id)
    assert moved.replay_day == "2023-11-17" and moved.handled_until == START + timedelta(days=1)


def test_a_refusal_after_an_unclear_try_is_uncertain_not_failed(state: sqlite_utils.Database, index: SagaIndex) -> None:
    clock = ManualClock(START)
    attempt = prepare_attempt(state, index, clock)
    sender = ScriptedSender(clock, SendResult(None), SendResult(403, 50013))
    outcome = transmit_with(sender, attempt, clock)
    # The first try may have posted: the channel is disabled, and this post will never be resent.
    assert outcome.status == "uncertain" and outcome.disable_reason == "recap.reason.missing_permissions"


def seen(minutes: float, by_bot: bool = True, nonce: str | None = None, embeds: tuple = ()) -> SeenMessage:
    return SeenMessage(START + timedelta(minutes=minutes), by_bot, nonce, embeds)


@pytest.mark.parametrize(("history", "limit", "expected"), [
    ([], 100, False),  # the channel's end, nothing since: surely not posted
    (["other", "later"], 100, False),  # a message past the span without the post
    (["post"], 100, True),  # the bot's message with this post's embed
    (["nonce"], 100, True),  # ... or its nonce
    (["member-post"], 100, False),  # the same words by someone else are not the bot's post
    (["other", "other"], 2, None),  # the page filled up inside the span: cannot tell
    (["other", "post"], 2, True),
])
def test_the_channels_history_says_whether_an_interrupted_post_went_out(index: SagaIndex, history: list[str], limit: int,
                                                                         expected: bool | None) -> None:
    post = compose_replay_post(index, "en", None)
    laid = layout_post(post)
    state = open_state(":memory:", [MIGRATIONS])
    attempt = prepare_delivery(state, subscribe(state), post, START, START)
    assert attempt is not None
    sought = describe_search(attempt.record, post, RetryPolicy())
    messages = {"other": seen(1, embeds=(("Something else", "…"),)), "later": seen(60 * 24),
                "post": seen(1, embeds=((laid.title, laid.description),)), "nonce": seen(1, nonce=sought.nonce),
                "member-post": seen(1, by_bot=False, embeds=((laid.title, laid.description),))}
    assert judge_history(sought, [messages[name] for name in history], limit) is expected

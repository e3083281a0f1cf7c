"""The /recap commands as the Discord adapter and the console call them: subscribe (with its
checks), unsubscribe, list, pause, resume, preview, the missing-permission sentence; in French
and English."""
from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.answering.index import SagaIndex, load_index
from bot.recap import commands
from bot.recap.clock import ManualClock
from bot.recap.delivery import SendResult
from bot.recap.layout import layout_post
from bot.recap.posts import Post
from bot.recap.scheduler import RecapScheduler
from bot.recap.store import MIGRATIONS, get_subscription, read_seen, save_subscription, update_subscription
from bot.storage import open_state

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # 11:00 in Paris: today's 09:00 has passed


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


@pytest.fixture
def state() -> sqlite_utils.Database:
    return open_state(":memory:", [MIGRATIONS])


def subscribe(state: sqlite_utils.Database, index: SagaIndex, **options: object) -> commands.RecapReply:
    values = {"guild_id": 1, "channel_id": 10, "post_locale": "fr", "reply_locale": "en", "now": NOW, **options}
    return commands.subscribe(state, index, **values)


def test_subscribe_defaults_to_a_replay_at_nine_in_paris(state: sqlite_utils.Database, index: SagaIndex) -> None:
    reply = subscribe(state, index)
    assert reply.ok and reply.subscription is not None
    assert (reply.subscription.time, reply.subscription.timezone, reply.subscription.mode) == ("09:00", "Europe/Paris", "replay")
    assert reply.text == ("Done: the saga day by day (replay), one post a day in <#10>, at 09:00 (Europe/Paris). "
                          "Next post: Tuesday 4 March 2025 at 09:00 (Europe/Paris).")
    assert reply.next_post_at == datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    again = subscribe(state, index, time_text="18h30", timezone_name="America/Los_Angeles", mode="Anniversary", reply_locale="fr")
    assert again.ok and again.text.startswith("Abonnement de <#10> modifié : anniversaire")
    assert "Prochain envoi : lundi 17 novembre 2025 à 18:30 (America/Los_Angeles)" in again.text


@pytest.mark.parametrize("again", [{}, {"channel_id": 10}, {"reply_locale": "fr"}])
def test_subscribing_again_keeps_what_is_not_given(state: sqlite_utils.Database, index: SagaIndex, again: dict[str, object]) -> None:
    first = subscribe(state, index, mode="digest", time_text="18:30", timezone_name="America/Los_Angeles")
    assert first.subscription is not None
    state.execute("delete from recap_seen where event_id = ?", ["board-fires-altman"])  # news the digest has not posted yet
    state.conn.commit()
    reply = subscribe(state, index, **again)
    assert reply.ok and reply.subscription is not None
    kept = reply.subscription
    # a digest is not switched back to replay, nor its time and zone back to the defaults
    assert (kept.mode, kept.time, kept.timezone, kept.id) == ("digest", "18:30", "America/Los_Angeles", first.subscription.id)
    assert "board-fires-altman" not in read_seen(state, kept.id)  # its news is still to come
    switched = subscribe(state, index, mode="replay")
    assert switched.subscription is not None and switched.subscription.mode == "replay"


@pytest.mark.parametrize(("options", "expected"), [
    ({"time_text": "25:00"}, "I can't read the time \"25:00\""),
    ({"timezone_name": "Paris"}, "Unknown timezone \"Paris\""),
    ({"mode": "weekly"}, "Unknown mode \"weekly\""),
])
def test_subscribe_refuses_what_it_cannot_read(state: sqlite_utils.Database, index: SagaIndex, options: dict[str, str],
                                               expected: str) -> None:
    reply = subscribe(state, index, **options)
    assert not reply.ok and expected in reply.text
    assert get_subscription(state, 10) is None


def test_list_pause_resume_unsubscribe(state: sqlite_utils.Database, index: SagaIndex) -> None:
    assert commands.list_recaps(state, index, guild_id=1, reply_locale="fr").text.startswith("Aucun récapitulatif")
    subscribe(state, index)
    subscribe(state, index, channel_id=11, mode="digest")
    listed = commands.list_recaps(state, index, guild_id=1, reply_locale="en")
    assert len(listed.subscriptions) == 2
    # a digest with nothing new says plainly when it looks again, and that it posts only news
    assert ("• <#11> — what is new in the database (digest), on days with news, at 09:00 (Europe/Paris) — nothing new to post "
            "yet: the digest looks again on Tuesday 4 March 2025 at 09:00 (Europe/Paris), and posts only when the database has "
            "new events" in listed.text)
    paused = commands.pause(state, guild_id=1, channel_id=10, reply_locale="en", now=NOW)
    assert paused.ok and paused.subscription.paused
    assert "paused (/recap resume to restart it)" in commands.list_recaps(state, index, guild_id=1, reply_locale="en").text
    later = NOW + timedelta(days=5)
    resumed = commands.resume(state, index, guild_id=1, channel_id=10, reply_locale="en", now=later)
    # Back on at its next time: the five paused days are not posted in a burst.
    assert resumed.ok and resumed.next_post_at == datetime(2025, 3, 9, 8, 0, tzinfo=UTC)
    assert commands.unsubscribe(state, guild_id=1, channel_id=10, reply_locale="en").text == "<#10> will get no more recaps."
    assert not commands.unsubscribe(state, guild_id=1, channel_id=10, reply_locale="en").ok


def test_resume_clears_a_failure(state: sqlite_utils.Database, index: SagaIndex) -> None:
    reply = subscribe(state, index)
    update_subscription(state, reply.subscription.id, NOW, disabled_reason="recap.reason.unknown_channel")
    assert "stopped: the channel no longer exists (404)" in commands.list_recaps(state, index, guild_id=1, reply_locale="en").text
    resumed = commands.resume(state, index, guild_id=1, channel_id=10, reply_locale="fr", now=NOW)
    assert resumed.subscription.active and resumed.text.startswith("Récapitulatif de <#10> repris. Prochain envoi")


def test_another_server_cannot_touch_a_subscription(state: sqlite_utils.Database, index: SagaIndex) -> None:
    subscribe(state, index)
    for reply in (commands.pause(state, guild_id=2, channel_id=10, reply_locale="en", now=NOW),
                  commands.unsubscribe(state, guild_id=2, channel_id=10, reply_locale="en"),
                  commands.resume(state, index, guild_id=2, channel_id=10, reply_locale="en", now=NOW)):
        assert not reply.ok and reply.text == "<#10> has no daily recap."
    assert get_subscription(state, 10).active


def test_preview_a_day(index: SagaIndex) -> None:
    # Sunday is told with Saturday: the preview shows that post and says so (it showed a one-bullet
    # Sunday the replay never sent)
    sunday = commands.preview(None, index, reply_locale="fr", now=NOW, day_text="dimanche")
    assert sunday.ok and sunday.post.title == "La saga, jour par jour — samedi 18 et dimanche 19 novembre 2023"
    assert sunday.text == ("Aperçu (visible par vous seul). Le replay raconte le dimanche 19 novembre 2023 avec d'autres jours "
                           "de peu de nouvelles, dans ce message :")
    assert sunday.post.event_ids[0] == "weekend-negotiations-altman-return" and "murati-sought-rehire" in sunday.post.event_ids
    english = commands.preview(None, index, reply_locale="en", now=NOW, day_text="2023-11-20", post_locale="en")
    assert english.post.title == "The saga, day by day — Monday 20 November 2023"
    assert english.text == "Preview (only you can see it):"
    saturday = commands.preview(None, index, reply_locale="en", now=NOW, day_text="Saturday")
    assert saturday.ok and saturday.post.key == sunday.post.key == "replay:2023-11-18..2023-11-19"
    assert saturday.text.startswith("Preview (only you can see it). The replay tells Saturday 18 November 2023 together with")
    later = commands.preview(None, index, reply_locale="en", now=NOW, day_text="2023-11-25")
    assert later.ok and later.text.startswith("Preview (only you can see it). The articles date nothing to Saturday 25 November "
                                              "2023 itself: what they place after Monday 20 November 2023 is in this post")
    before = commands.preview(None, index, reply_locale="en", now=NOW, day_text="2023-11-10")
    assert before.ok and before.post.final and "comes before the replay's first day" in before.text
    assert not commands.preview(None, index, reply_locale="en", now=NOW, day_text="someday").ok


def run_replay(index: SagaIndex, locale: str) -> list[Post]:
    """The posts a replay subscription really sends: the scheduler run in simulated time until the
    subscription ends, with a hand-written channel that keeps them."""
    state = open_state(":memory:", [MIGRATIONS])
    save_subscription(state, guild_id=1, channel_id=10, at=time(9, 0), timezone_name="Europe/Paris", mode="replay",
                      locale=locale, now=NOW)
    posts: list[Post] = []

    async def send(channel_id: int, post: Post, nonce: str) -> SendResult:
        posts.append(post)
        return SendResult(200, message_id=len(posts))

    asyncio.run(RecapScheduler(state, index, ManualClock(NOW)).run_until(send, NOW + timedelta(days=15)))
    assert posts and posts[-1].final and get_subscription(state, 10) is None
    return posts


@pytest.fixture(scope="module")
def sent_replay(index: SagaIndex) -> dict[str, list[Post]]:
    return {locale: run_replay(index, locale) for locale in ("fr", "en")}


SAGA_DAYS = [date(2023, 11, 17) + timedelta(days=offset) for offset in range(14)]  # the calendar's span, 17 to 30


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("day", SAGA_DAYS, ids=lambda day: day.isoformat())
def test_a_days_preview_matches_what_the_replay_sends(index: SagaIndex, sent_replay: dict[str, list[Post]], locale: str,
                                                      day: date) -> None:
    reply = commands.preview(None, index, reply_locale=locale, now=NOW, day_text=day.isoformat(), post_locale=locale)
    assert reply.ok and reply.post is not None
    sent = sent_replay[locale]
    assert reply.post in sent  # the very post, not a one-day version of it
    # the post that tells the day: the last one before the closing post to start on it or before it
    covering = next(post for post in reversed(sent[:-1]) if post.days[0] <= day.isoformat())
    assert reply.post == covering
    assert layout_post(reply.post) == layout_post(covering)


def test_preview_the_next_post(state: sqlite_utils.Database, index: SagaIndex) -> None:
    first = commands.preview(state, index, reply_locale="en", now=NOW)
    assert first.post.key == "replay:2023-11-17"  # before subscribing: the replay's first post
    anniversary = commands.preview(state, index, reply_locale="en", now=NOW, mode="anniversary")
    assert anniversary.post.key == "anniversary:2025-11-17"
    reply = subscribe(state, index, mode="replay")
    update_subscription(state, reply.subscription.id, NOW, replay_day="2023-11-17")
    assert commands.preview(state, index, reply_locale="en", now=NOW, channel_id=10, guild_id=1).post.key == "replay:2023-11-18..2023-11-19"
    subscribe(state, index, channel_id=11, mode="digest")
    digest = commands.preview(state, index, reply_locale="en", now=NOW, channel_id=11, guild_id=1)
    assert digest.post is None and digest.text.startswith("Nothing new in the database")


def test_a_missing_permission_is_named(index: SagaIndex) -> None:
    assert commands.REQUIRED_PERMISSIONS == ("view_channel", "send_messages", "embed_links")
    assert commands.describe_missing_permissions(["embed_links"], 10, "en") == "I can't post in <#10>: I am missing Embed Links."
    assert commands.describe_missing_permissions(["send_messages", "embed_links"], 10, "fr") == \
        "Je ne peux pas publier dans <#10> : il me manque Envoyer des messages et Intégrer des liens."


def test_the_adapters_other_words_come_from_the_catalogue(index: SagaIndex) -> None:
    assert commands.describe_permission_needed("en") == "Managing recaps takes the Manage Channels permission."
    french = commands.preview(None, index, reply_locale="fr", now=NOW).post
    assert commands.describe_quiz_button(french) == "Question du jour"

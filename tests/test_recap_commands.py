"""The /recap commands as the Discord adapter and the console call them: subscribe (with its
checks), unsubscribe, list, pause, resume, preview, the missing-permission sentence; in French
and English."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.answering.index import SagaIndex, load_index
from bot.recap import commands
from bot.recap.store import MIGRATIONS, get_subscription, update_subscription
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
    assert ("• <#11> — what is new in the database (digest), on days with news, at 09:00 (Europe/Paris) — next post:"
            in listed.text)
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
    sunday = commands.preview(None, index, reply_locale="fr", now=NOW, day_text="dimanche")
    assert sunday.ok and sunday.post.title == "La saga, jour par jour — dimanche 19 novembre 2023"
    assert sunday.post.event_ids == ("murati-sought-rehire",)
    english = commands.preview(None, index, reply_locale="en", now=NOW, day_text="2023-11-20", post_locale="en")
    assert english.post.title == "The saga, day by day — Monday 20 November 2023"
    saturday = commands.preview(None, index, reply_locale="en", now=NOW, day_text="Saturday")
    assert not saturday.ok and saturday.text == "The articles date no event to Saturday 18 November 2023 exactly."
    assert not commands.preview(None, index, reply_locale="en", now=NOW, day_text="someday").ok


def test_preview_the_next_post(state: sqlite_utils.Database, index: SagaIndex) -> None:
    first = commands.preview(state, index, reply_locale="en", now=NOW)
    assert first.post.key == "replay:2023-11-17"  # before subscribing: the replay's first post
    anniversary = commands.preview(state, index, reply_locale="en", now=NOW, mode="anniversary")
    assert anniversary.post.key == "anniversary:2025-11-17"
    reply = subscribe(state, index, mode="replay")
    update_subscription(state, reply.subscription.id, NOW, replay_day="2023-11-17")
    assert commands.preview(state, index, reply_locale="en", now=NOW, channel_id=10, guild_id=1).post.key == "replay:2023-11-18"
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

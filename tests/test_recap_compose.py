"""What each recap mode posts: the replay (merging quiet days, the closing post), the
anniversary, the digest; a day's events only when the articles date them to that day; posts
within Discord's limits in both languages."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.answering.index import Event, SagaIndex, load_index
from bot.recap.commands import pick_post_locale
from bot.recap.compose import (MIN_EVENTS_PER_POST, REPLAY_END_KEY, compose_anniversary_post, compose_closing_post,
                               compose_day_post, compose_digest_post, compose_replay_post, list_anniversary_days,
                               list_day_events, plan_replay)
from bot.recap.layout import DESCRIPTION_LIMIT, TITLE_LIMIT, layout_post, render_post
from bot.recap.posts import Post, read_post, serialise_post
from bot.saga.dates import parse_point


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


def remake_index(index: SagaIndex, events: list[Event]) -> SagaIndex:
    """The same saga with other events (the recap only reads events, names, articles, tenures, disputes)."""
    made = SagaIndex(articles=index.articles, entities=index.entities, events=events, quotes=[], disputes=index.disputes,
                     tenures=index.tenures, roles=index.roles, actions=index.actions)
    made.events_by_id = {event.id: event for event in events}
    return made


def make_events(index: SagaIndex, counts: dict[str, int]) -> list[Event]:
    """`counts[day]` events dated to each day, copied from a real one."""
    model = index.events_by_id["board-fires-altman"]
    events = []
    for day, count in sorted(counts.items()):
        for number in range(count):
            events.append(replace(model, id=f"made-{day}-{number}", date=parse_point(day), position=len(events)))
    return events


def test_the_replay_starts_with_friday_and_merges_the_quiet_weekend(index: SagaIndex) -> None:
    steps = plan_replay(index)
    assert [tuple(day.isoformat() for day in step.days) for step in steps] == [
        ("2023-11-17",), ("2023-11-18", "2023-11-19", "2023-11-20")]
    assert all(len(step.events) >= MIN_EVENTS_PER_POST for step in steps)
    first = compose_replay_post(index, "en", None)
    assert first.key == "replay:2023-11-17" and first.title == "The saga, day by day — Friday 17 November 2023"
    assert "board-fires-altman" in first.event_ids and not first.final
    second = compose_replay_post(index, "fr", "2023-11-17")
    assert second.title == "La saga, jour par jour — du samedi 18 au lundi 20 novembre 2023"
    assert second.days == ("2023-11-18", "2023-11-19", "2023-11-20")
    assert "murati-sought-rehire" in second.event_ids  # Sunday's only event, told with Monday's
    assert any("réunis" in note or "ensemble" in note for note in second.notes)


def test_quiet_days_join_the_next_and_a_quiet_end_joins_the_day_before(index: SagaIndex) -> None:
    events = make_events(index, {"2023-11-17": 5, "2023-11-18": 1, "2023-11-20": 1, "2023-11-21": 4, "2023-11-22": 1})
    made = remake_index(index, events)
    steps = plan_replay(made)
    assert [[day.day for day in step.days] for step in steps] == [[17], [18, 19, 20, 21, 22]]
    assert [len(step.events) for step in steps] == [5, 7]


def test_after_the_last_day_comes_one_closing_post_that_ends_the_subscription(index: SagaIndex) -> None:
    closing = compose_replay_post(index, "en", "2023-11-20")
    assert closing.key == REPLAY_END_KEY and closing.final
    assert closing == compose_closing_post(index, "en")
    ids = closing.event_ids
    # the turning points, in order: fired, Murati, Shear, Microsoft, the return
    story = ["board-fires-altman", "murati-named-interim-ceo", "shear-named-interim-ceo", "nadella-hires-altman-brockman",
             "altman-brockman-return"]
    assert [ids.index(event_id) for event_id in story] == sorted(ids.index(event_id) for event_id in story)
    assert "microsoft-invests-openai" not in ids  # background, not the saga
    text = render_post(closing)
    assert "between Sunday 19 and Monday 20 November 2023" in text  # a range stays a range
    assert "Where it ended: Sam Altman, CEO of OpenAI" in text
    assert "/recap subscribe mode: replay" in text
    french = render_post(compose_closing_post(index, "fr"))
    assert "Où elle s'est arrêtée : Sam Altman, PDG d'OpenAI" in french and "/recap subscribe mode: replay" in french


def test_a_day_holds_only_events_dated_to_that_day(index: SagaIndex) -> None:
    for offset in range(7):
        day = date(2023, 11, 17 + offset)
        for event in list_day_events(index, day):
            assert event.date.precision in ("day", "minute") and event.date.iso[:10] == day.isoformat(), event.id
    ranged = [event for event in index.events if event.date.precision == "range"]
    posted = {event_id for step in plan_replay(index) for event_id in (event.id for event in step.events)}
    assert ranged and not posted & {event.id for event in ranged}
    assert "shear-named-interim-ceo" not in posted  # "between Sunday 19 and Monday 20": on neither day
    assert compose_day_post(index, "en", date(2023, 11, 18)) is None


def test_a_days_lines_give_the_time_actors_summary_and_source(index: SagaIndex) -> None:
    post = compose_day_post(index, "fr", date(2023, 11, 17))
    assert post is not None and post.locale == "fr"
    timed = [line for line in post.lines if line.when]
    assert timed and timed[0].when.startswith("vers 12 h 30 (heure du Pacifique)")
    assert [line.when for line in post.lines].index(None) == len(timed)  # timed lines first, in time order
    brockman = next(line for line in post.lines if line.event_id == "brockman-resigns")
    assert brockman.when == "vers 13 h 30 (heure du Pacifique)" and "Business Insider" in brockman.source
    assert brockman.actors == ("Greg Brockman",)
    fired = next(line for line in post.lines if line.event_id == "board-fires-altman")
    # articles are named for members, by outlet or title, never by file number
    assert "mémo de Kevin Scott" in fired.source and "FredZone" in fired.source and len(fired.articles) == 5
    assert not any(f"00{n}" in fired.source for n in range(5))
    english = compose_day_post(index, "en", date(2023, 11, 19))
    assert english is not None and "(reported, not confirmed)" in english.lines[0].summary


def test_the_anniversary_posts_on_the_saga_days_only(index: SagaIndex) -> None:
    assert list_anniversary_days(index) == {(11, 17), (11, 19), (11, 20)}
    friday = compose_anniversary_post(index, "en", date(2024, 11, 17))
    assert friday is not None and friday.key == "anniversary:2024-11-17"
    assert friday.title == "1 year ago, to the day — Friday 17 November 2023"
    assert set(friday.event_ids) == {event.id for event in list_day_events(index, date(2023, 11, 17))}
    monday = compose_anniversary_post(index, "fr", date(2026, 11, 20))
    assert monday is not None and monday.title == "Il y a 3 ans, jour pour jour — lundi 20 novembre 2023"
    assert compose_anniversary_post(index, "en", date(2025, 11, 18)) is None  # no event dated to Saturday
    assert compose_anniversary_post(index, "en", date(2025, 6, 1)) is None
    assert compose_anniversary_post(index, "en", date(2023, 11, 17)) is None  # the saga itself, not an anniversary


def test_the_digest_posts_what_was_added_since_its_last_post(index: SagaIndex) -> None:
    everything = {event.id for event in index.events}
    assert compose_digest_post(index, "en", everything, date(2025, 1, 2)) is None
    new = ["shear-named-interim-ceo", "board-fires-altman"]
    post = compose_digest_post(index, "en", everything - set(new), date(2025, 1, 2))
    assert post is not None and post.key == "digest:2025-01-02"
    assert list(post.event_ids) == ["board-fires-altman", "shear-named-interim-ceo"]  # in saga order
    assert post.title == "New in the saga database: 2 events"
    assert post.lines[1].when == "between Sunday 19 and Monday 20 November 2023"
    grown = remake_index(index, [*index.events, *make_events(index, {"2023-11-21": 1})])
    added = compose_digest_post(grown, "fr", everything, date(2025, 1, 3))
    assert added is not None and added.event_ids == ("made-2023-11-21-0",)
    assert added.title == "Nouveau dans la base de la saga : 1 événement"


def compose_all_posts(index: SagaIndex) -> list[Post]:
    posts = []
    for locale in ("fr", "en"):
        replay_day = None
        for _ in range(len(plan_replay(index)) + 1):
            post = compose_replay_post(index, locale, replay_day)
            posts.append(post)
            replay_day = post.days[-1] if post.days else replay_day
        posts += [compose_anniversary_post(index, locale, date(2030, 11, day)) for day in (17, 19, 20)]
        posts.append(compose_digest_post(index, locale, set(), date(2030, 1, 1)))
    return posts


def test_every_post_fits_discords_embed_limits(index: SagaIndex) -> None:
    for post in compose_all_posts(index):
        text = layout_post(post)
        assert len(text.title) <= TITLE_LIMIT and len(text.description) <= DESCRIPTION_LIMIT and len(text.footer) <= 2048
        assert len(text.title) + len(text.description) + len(text.footer) <= 6000
        if text.omitted:
            assert ("more" in text.description) or ("de plus" in text.description)


def test_a_cut_post_keeps_the_weightiest_lines_and_one_per_day(index: SagaIndex) -> None:
    post = compose_replay_post(index, "en", "2023-11-17")
    small = layout_post(post, limit=1200)
    assert small.omitted > 0 and len(small.description) <= 1200
    assert "Sunday 19 November 2023" in small.description  # the quiet day is not crowded out
    assert "Microsoft is hiring Sam Altman" in small.description  # a turning point stays
    friday = layout_post(compose_replay_post(index, "en", None), limit=1500)
    assert "fires Sam Altman" in friday.description


def test_the_question_of_the_day_is_a_confirmed_undisputed_event_of_the_post(index: SagaIndex) -> None:
    disputed = {event_id for dispute in index.disputes for event_id in dispute.events}
    for post in compose_all_posts(index):
        if post is None or post.quiz_event_id is None:
            continue
        event = index.events_by_id[post.quiz_event_id]
        assert post.quiz_event_id in post.event_ids
        assert not event.hedged and event.id not in disputed and event.actors
    assert compose_replay_post(index, "en", None).quiz_event_id == "board-fires-altman"


def test_a_post_survives_its_trip_through_the_delivery_ledger(index: SagaIndex) -> None:
    for post in compose_all_posts(index):
        assert read_post(serialise_post(post)) == post


@pytest.mark.parametrize(("guild_locale", "expected"), [("fr", "fr"), ("en-US", "en"), ("en-GB", "en"), ("de", "en"), (None, "en")])
def test_posts_are_french_for_french_servers_english_otherwise(guild_locale: str | None, expected: str) -> None:
    assert pick_post_locale(guild_locale) == expected

"""What each recap mode posts: the replay (every event once, turning points first, quiet days
told together and saying so at the top, what runs past the last day, the closing post), the
anniversary, the digest; posts within Discord's limits in both languages."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.answering.index import SagaIndex, load_index
from bot.recap.commands import pick_post_locale
from bot.recap.compose import (REPLAY_END_KEY, compose_anniversary_post, compose_closing_post, compose_digest_post,
                               compose_replay_post, compose_step_post, find_day_preview, list_anniversary_days,
                               list_day_events)
from bot.recap.layout import DESCRIPTION_LIMIT, TITLE_LIMIT, layout_post, render_post
from bot.recap.plan import plan_replay
from bot.recap.posts import Post, read_post, serialise_post

from .conftest import make_events, remake_index

LOCALES = ("fr", "en")


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


def collect_replay(index: SagaIndex, locale: str) -> list[Post]:
    """Every post of a replay, from the first to the closing one, as a subscription gets them."""
    posts: list[Post] = []
    replay_day = None
    while not posts or not posts[-1].final:
        assert len(posts) < 50, "the replay never ends"
        post = compose_replay_post(index, locale, replay_day)
        posts.append(post)
        replay_day = post.days[-1] if post.days else replay_day
    return posts


def test_the_replay_starts_with_friday_then_the_weekend_monday_what_came_after_and_the_end(index: SagaIndex) -> None:
    posts = collect_replay(index, "en")
    assert [post.key for post in posts] == ["replay:2023-11-17", "replay:2023-11-18..2023-11-19", "replay:2023-11-20", "replay:2023-11-21",
                                            REPLAY_END_KEY]
    assert posts[0].title == "The saga, day by day — Friday 17 November 2023" and not posts[0].final
    assert posts[1].title == "The saga, day by day — Saturday 18 and Sunday 19 November 2023"
    assert posts[3].title == "The saga, day by day — after Monday 20 November 2023"
    french = collect_replay(index, "fr")
    assert french[1].title == "La saga, jour par jour — samedi 18 et dimanche 19 novembre 2023"
    assert french[3].title == "La saga, jour par jour — après le lundi 20 novembre 2023"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_event_of_the_index_is_in_exactly_one_replay_post(index: SagaIndex, locale: str) -> None:
    told = Counter(event_id for post in collect_replay(index, locale) for event_id in post.event_ids)
    assert sorted(set(event.id for event in index.events) - set(told)) == []  # none missing
    assert [event_id for event_id, count in told.items() if count > 1] == []  # none twice
    assert sum(told.values()) == len(index.events)


@pytest.mark.parametrize("locale", LOCALES)
def test_each_replay_post_leads_with_its_turning_points(index: SagaIndex, locale: str) -> None:
    for post in collect_replay(index, locale):
        keys = [line.key for line in post.lines]
        assert keys == sorted(keys, reverse=True), post.key
        assert keys == [index.events_by_id[event_id].key for event_id in post.event_ids]  # the data's `key`
        text = layout_post(post).description
        bullets = [line for line in text.splitlines() if line.startswith("• ")]
        shown_turning = [bullet for bullet in bullets if any(bullet.endswith(f"[{line.source}]") and line.key and line.summary in bullet
                                                             for line in post.lines)]
        assert bullets[:len(shown_turning)] == shown_turning, post.key  # on screen too, and none left out
        assert len(shown_turning) == sum(keys)
    friday = collect_replay(index, locale)[0]
    assert friday.event_ids[0] == "board-fires-altman"  # not Microsoft's executives' warning, the firing


@pytest.mark.parametrize("locale", LOCALES)
def test_a_ranged_event_is_told_on_its_last_day_marked_with_its_range(index: SagaIndex, locale: str) -> None:
    posts = collect_replay(index, locale)
    monday = next(post for post in posts if post.days == ("2023-11-20",))
    shear = next(line for line in monday.lines if line.event_id == "shear-named-interim-ceo")
    assert shear.when == {"en": "between Sunday 19 and Monday 20 November 2023",
                          "fr": "entre le dimanche 19 et le lundi 20 novembre 2023"}[locale]
    assert monday.event_ids[0] == "shear-named-interim-ceo"  # a turning point, and the first of them
    weekend = next(post for post in posts if "2023-11-19" in post.days)
    assert "weekend-negotiations-altman-return" in weekend.event_ids
    assert posts.index(monday) < len(posts) - 1  # before the closing post
    *days, after, _ = posts
    for post in days:  # a range ending on one of the replay's days is told on that day, marked
        for line in post.lines:
            event = index.events_by_id[line.event_id]
            assert event.date.end and event.date.end[:10] in post.days, line.event_id
            assert (event.date.precision == "range") <= bool(line.when), line.event_id
    for line in after.lines:  # after the last day: what runs past it, or is left open
        end = index.events_by_id[line.event_id].date.end
        assert end is None or end[:10] > days[-1].days[-1], line.event_id


def test_a_post_of_several_days_says_so_once_at_the_top(index: SagaIndex) -> None:
    weekend = collect_replay(index, "en")[1]
    text = layout_post(weekend).description
    assert text.splitlines()[0] == "_Little news on these days: they are told together._"
    assert text.count("Little news") == 1 and "Sunday 19 November 2023__" not in text
    sunday = next(line for line in weekend.lines if line.event_id == "murati-sought-rehire")
    assert sunday.when == "Sunday 19" and sunday.day == "2023-11-19"
    assert layout_post(collect_replay(index, "en")[0]).description.count("Little news") == 0


def test_a_day_post_gives_the_time_actors_summary_and_source(index: SagaIndex) -> None:
    step = plan_replay(index).find_step(date(2023, 11, 17))
    assert step is not None
    post = compose_step_post(index, "fr", step)
    assert post.locale == "fr"
    rest = [line for line in post.lines if not line.key]
    timed = [line for line in rest if index.events_by_id[line.event_id].date.precision == "minute"]
    assert timed and timed[0].when.startswith("vers 12 h 30 (heure du Pacifique)")
    assert [line.when for line in rest].index(None) == len(timed)  # the rest: timed lines first, in time order
    brockman = next(line for line in post.lines if line.event_id == "brockman-resigns")
    assert brockman.when == "vers 13 h 30 (heure du Pacifique)" and "Business Insider" in brockman.source
    assert brockman.actors == ("Greg Brockman",) and brockman.key
    fired = next(line for line in post.lines if line.event_id == "board-fires-altman")
    # articles are named for members, by outlet or title, never by file number
    assert "mémo de Kevin Scott" in fired.source and "FredZone" in fired.source and len(fired.articles) == 5
    assert not any(f"00{n}" in fired.source for n in range(5))
    text = layout_post(post).description
    assert text.startswith("**Les tournants**\n• Le conseil d'administration d'OpenAI renvoie Sam Altman")
    assert "**Et aussi**" in text and "Le même jour, sans heure précise dans les articles :" in text


def test_the_closing_post_tells_the_background_and_where_it_ended(index: SagaIndex) -> None:
    closing = compose_replay_post(index, "en", "2023-11-21")
    assert closing.key == REPLAY_END_KEY and closing.final
    assert closing == compose_closing_post(index, "en")
    assert "apple-fires-jobs-1985" in closing.event_ids and "chatgpt-launch" in closing.event_ids
    assert "board-fires-altman" not in closing.event_ids  # told on its day, not again
    text = render_post(closing)
    assert "before Friday 17 November 2023, the replay's first day" in text
    assert "Where it ended: Sam Altman, CEO of OpenAI" in text
    assert "/recap subscribe mode: replay" in text
    french = render_post(compose_closing_post(index, "fr"))
    assert "Où elle s'est arrêtée : Sam Altman, PDG d'OpenAI" in french and "/recap subscribe mode: replay" in french


def test_what_runs_past_the_last_day_comes_after_it(index: SagaIndex) -> None:
    after = compose_replay_post(index, "en", "2023-11-20")
    assert after.key == "replay:2023-11-21" and not after.final
    assert after.event_ids[:2] == ("altman-brockman-return", "openai-new-board")
    assert after.lines[0].when == "between Monday 20 and Thursday 30 November 2023"
    assert "shear-30-day-plan" in after.event_ids
    assert layout_post(after).description.startswith("_The articles give these events no day of their own")


@pytest.mark.parametrize(("day", "telling", "key"), [
    (date(2023, 11, 17), "day", "replay:2023-11-17"),
    (date(2023, 11, 18), "merged", "replay:2023-11-18..2023-11-19"),
    (date(2023, 11, 19), "merged", "replay:2023-11-18..2023-11-19"),
    (date(2023, 11, 25), "after", "replay:2023-11-21"),
    (date(2023, 11, 10), "before", REPLAY_END_KEY),
])
def test_a_days_preview_is_the_post_the_replay_sends(index: SagaIndex, day: date, telling: str, key: str) -> None:
    found = find_day_preview(index, "en", day)
    assert found is not None and found.telling == telling and found.post.key == key
    assert found.post in collect_replay(index, "en")


def test_a_made_up_saga_without_dated_days_still_ends(index: SagaIndex) -> None:
    made = remake_index(index, [replace(index.events_by_id["chatgpt-launch"], position=0)])
    posts = collect_replay(made, "en")
    assert [post.key for post in posts] == [REPLAY_END_KEY] and posts[0].event_ids == ("chatgpt-launch",)


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
    posts: list[Post] = []
    for locale in LOCALES:
        posts += collect_replay(index, locale)
        posts += [post for day in (17, 19, 20) if (post := compose_anniversary_post(index, locale, date(2030, 11, day)))]
        digest = compose_digest_post(index, locale, set(), date(2030, 1, 1))
        assert digest is not None
        posts.append(digest)
    return posts


def test_every_post_fits_discords_embed_limits(index: SagaIndex) -> None:
    for post in compose_all_posts(index):
        text = layout_post(post)
        assert len(text.title) <= TITLE_LIMIT and len(text.description) <= DESCRIPTION_LIMIT and len(text.footer) <= 2048
        assert len(text.title) + len(text.description) + len(text.footer) <= 6000
        if text.omitted:
            assert ("more" in text.description) or ("de plus" in text.description)
        assert re.search(r"\d{4}-\d{2}-\d{2}", text.description) is None  # dates are words, never ISO


def test_a_cut_post_keeps_the_turning_points_and_says_how_many_are_left_out(index: SagaIndex) -> None:
    monday = compose_replay_post(index, "en", "2023-11-19")
    small = layout_post(monday, limit=1500)
    assert small.omitted > 0 and len(small.description) <= 1500
    assert f"… and {small.omitted} more, left out for lack of room" in small.description
    assert "Emmett Shear, co-founder of Twitch, is named interim CEO" in small.description  # a turning point stays
    assert "Microsoft is hiring Sam Altman" in small.description
    weekend = compose_replay_post(index, "en", "2023-11-17")
    tiny = layout_post(weekend, limit=700)
    assert "Sunday 19" in tiny.description  # each day keeps its best line


@pytest.mark.parametrize("locale", LOCALES)
def test_lines_that_do_not_fit_are_counted_never_dropped_silently(index: SagaIndex, locale: str) -> None:
    for post in collect_replay(index, locale):
        text = layout_post(post)
        shown = sum(1 for line in text.description.splitlines() if line.startswith("• "))
        assert shown + text.omitted == len(post.lines), post.key
        assert (text.omitted > 0) == (str(text.omitted) in text.description and "/timeline" in text.description)


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


def test_a_recap_line_names_two_articles_at_most_and_counts_the_rest(index: SagaIndex) -> None:
    from bot.recap.posts import build_line

    widest = max(index.events, key=lambda event: len({source.article for source in event.sources}))
    articles = len({source.article for source in widest.sources})
    assert articles > 2  # the saga has an event every article tells
    assert build_line(index, widest, "en", None).source.endswith(f"; {articles - 2} more")
    assert build_line(index, widest, "fr", None).source.endswith(f" ; {articles - 2} autres")

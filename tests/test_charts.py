"""The pictures /timeline and /role attach, read from their matplotlib Figures: every saga day
on the axis, whole counts, a note for what is left out, rows that name the organisation, a
legend for the hatching, sentence-case titles, and French for French replies."""
from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

import pytest

from bot.answering import engine
from bot.answering.phrasing import phrase_role
from bot.charts import (build_events_per_day_figure, build_role_history_figure, draw_events_per_day, draw_role_history,
                        list_chart_days)
from bot.saga.dates import parse_date

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from bot.answering.index import Event, SagaIndex

SAGA_WEEK = {"en": ["Fri 17", "Sat 18", "Sun 19", "Mon 20", "Tue 21", "Wed 22", "Thu 23"],
             "fr": ["ven 17", "sam 18", "dim 19", "lun 20", "mar 21", "mer 22", "jeu 23"]}


def draw_timeline(index: SagaIndex, locale: str, day: str | None = None) -> Figure:
    """The events chart exactly as the cog draws it for /timeline [day]."""
    answer = engine.timeline(index, locale=locale, day=day)  # type: ignore[arg-type]
    return build_events_per_day_figure(answer.events + answer.possible, answer.locale, index, answer.moment)


def draw_role(index: SagaIndex, text: str, locale: str) -> Figure:
    """The role chart exactly as the cog draws it for /role <text>."""
    answer = engine.role(index, text, locale)  # type: ignore[arg-type]
    title = phrase_role(index, answer.role, answer.of_entity, answer.locale) if answer.role else ""
    return build_role_history_figure(answer.tenures, answer.locale, title, index)


def only_axes(figure: Figure) -> Axes:
    assert len(figure.axes) == 1
    return figure.axes[0]


def read_bars(figure: Figure) -> dict[str, float]:
    axes = only_axes(figure)
    labels = [label.get_text() for label in axes.get_xticklabels()]
    return dict(zip(labels, [bar.get_height() for bar in axes.containers[0]], strict=True))


def read_rows(figure: Figure) -> list[str]:
    # Long labels are wrapped over two lines; the words are what a member reads.
    return [" ".join(label.get_text().split()) for label in only_axes(figure).get_yticklabels()]


def read_notes(figure: Figure) -> str:
    return "\n".join(text.get_text() for text in figure.texts)


# --- events per day ------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_whole_saga_chart_has_every_day_of_the_saga_week_saturday_included(saga_index: SagaIndex, locale: str) -> None:
    labels = list(read_bars(draw_timeline(saga_index, locale)))
    assert labels == SAGA_WEEK[locale]


@pytest.mark.parametrize(("locale", "day", "quiet_days", "busy_days"), [
    ("en", None, ["Sat 18", "Tue 21", "Wed 22", "Thu 23"], ["Fri 17", "Mon 20"]),
    ("fr", None, ["sam 18"], ["ven 17", "dim 19", "lun 20"]),
    ("en", "weekend", ["Sat 18"], ["Sun 19"]),
    ("fr", "samedi", ["sam 18"], []),
])
def test_days_without_events_are_drawn_as_zero_bars(saga_index: SagaIndex, locale: str, day: str | None, quiet_days: list[str],
                                                    busy_days: list[str]) -> None:
    bars = read_bars(draw_timeline(saga_index, locale, day))
    assert [bars[label] for label in quiet_days] == [0] * len(quiet_days)
    assert all(bars[label] >= 1 for label in busy_days)


@pytest.mark.parametrize("day", [None, "samedi", "2023-11-19", "weekend", "lundi"])
def test_the_count_axis_has_whole_numbers_only(saga_index: SagaIndex, day: str | None) -> None:
    figure = draw_timeline(saga_index, "en", day)
    figure.draw_without_rendering()
    axes = only_axes(figure)
    ticks = list(axes.get_yticks())
    assert len(ticks) >= 2
    assert all(float(tick).is_integer() for tick in ticks), ticks
    assert all(re.fullmatch(r"\d+", label.get_text()) for label in axes.get_yticklabels())


@pytest.mark.parametrize(("day", "days"), [("samedi", 1), ("2023-11-19", 1), ("weekend", 2)])
def test_a_chart_of_one_or_two_days_keeps_its_bars_narrow(saga_index: SagaIndex, day: str, days: int) -> None:
    axes = only_axes(draw_timeline(saga_index, "en", day))
    low, high = axes.get_xlim()
    assert len(axes.containers[0]) == days
    # A bar takes at most a fifth of the width, as in a chart of the saga's week.
    assert all(bar.get_width() / (high - low) <= 0.2 for bar in axes.containers[0])


@pytest.mark.parametrize(("locale", "day", "expected"), [
    ("en", None, [r"\d+ more events, before Friday 17 November 2023, are not shown\.", r"\d+ more events, with no exact day"]),
    ("fr", None, [r"\d+ autres événements, avant le vendredi 17 novembre 2023, ne sont pas montrés\.", r"\d+ autres événements, sans jour précis"]),
    ("en", "samedi", [r"\d+ more events, with no exact day"]),
])
def test_the_note_says_what_the_chart_leaves_out(saga_index: SagaIndex, locale: str, day: str | None, expected: list[str]) -> None:
    notes = read_notes(draw_timeline(saga_index, locale, day))
    for pattern in expected:
        assert re.search(pattern, notes), (pattern, notes)


def day_events(index: SagaIndex, day: str) -> list[Event]:
    return [event for event in index.events if event.date.precision == "day" and event.date.iso == day]


@pytest.mark.parametrize(("chart_day", "events_day", "expected"), [
    (None, "2023-11-17", None),
    ("2023-11-20", "2023-11-20", None),
    ("2023-11-17", "2023-11-20", "more events, after Friday 17 November 2023, are not shown."),
    ("2023-11-20", "2023-11-17", "more events, before Monday 20 November 2023, are not shown."),
])
def test_the_note_appears_only_when_events_are_left_out(saga_index: SagaIndex, chart_day: str | None, events_day: str,
                                                        expected: str | None) -> None:
    events = day_events(saga_index, events_day)
    assert len(events) > 1
    moment = parse_date(chart_day) if chart_day else None
    figure = build_events_per_day_figure(events, "en", saga_index, moment)
    if expected is None:
        assert figure.texts == []
        assert sum(read_bars(figure).values()) == len(events)
    else:
        assert read_notes(figure) == f"{len(events)} {expected}"
        assert sum(read_bars(figure).values()) == 0


@pytest.mark.parametrize("day", [None, "samedi", "weekend", "lundi"])
def test_every_event_is_either_drawn_or_counted_in_the_note(saga_index: SagaIndex, day: str | None) -> None:
    answer = engine.timeline(saga_index, locale="en", day=day)
    figure = build_events_per_day_figure(answer.events + answer.possible, "en", saga_index, answer.moment)
    left_out = sum(int(number) for number in re.findall(r"^(\d+) more", read_notes(figure), flags=re.MULTILINE))
    assert sum(read_bars(figure).values()) + left_out == len({event.id for event in answer.events + answer.possible})


@pytest.mark.parametrize(("moment", "first", "count"), [
    (None, "2023-11-17", 7),
    ("2023-11-18", "2023-11-18", 1),
    ({"earliest": "2023-11-18", "latest": "2023-11-19"}, "2023-11-18", 2),
    ({"earliest": "2023-11-20"}, "2023-11-20", 4),
    # A whole year would be 365 thin bars: the saga's week instead.
    ("2023", "2023-11-17", 7),
])
def test_chart_days_come_from_the_moment_or_the_saga_calendar(saga_index: SagaIndex, moment: object, first: str, count: int) -> None:
    days = list_chart_days(saga_index.calendar, parse_date(moment) if moment else None)
    assert (days[0].isoformat(), len(days)) == (first, count)
    assert all((later - earlier).days == 1 for earlier, later in itertools.pairwise(days))


# --- who held which post ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "locale", "rows"), [
    ("CTO", "en", ["Kevin Scott — Microsoft", "Mira Murati — OpenAI"]),
    ("CTO", "fr", ["Kevin Scott — Microsoft", "Mira Murati — OpenAI"]),
    ("CEO", "en", ["Sam Altman — OpenAI (CEO)", "Mira Murati — OpenAI (interim CEO)", "Emmett Shear — OpenAI (interim CEO)",
                   "Emmett Shear — Twitch (CEO)", "Satya Nadella — Microsoft (CEO)",
                   "Sam Altman — Microsoft advanced AI research team (CEO)"]),
    ("CEO", "fr", ["Sam Altman — OpenAI (PDG)", "Mira Murati — OpenAI (PDG par intérim)", "Emmett Shear — OpenAI (PDG par intérim)",
                   "Emmett Shear — Twitch (PDG)", "Satya Nadella — Microsoft (PDG)",
                   "Sam Altman — la nouvelle équipe de recherche en IA avancée de Microsoft (PDG)"]),
])
def test_each_row_names_the_person_and_the_organisation(saga_index: SagaIndex, text: str, locale: str, rows: list[str]) -> None:
    assert read_rows(draw_role(saga_index, text, locale)) == rows


@pytest.mark.parametrize(("text", "locale"), [("CEO", "en"), ("PDG", "fr"), ("Sam Altman", "en"), ("CTO", "en")])
def test_rows_of_one_organisation_come_together(saga_index: SagaIndex, text: str, locale: str) -> None:
    organisations = [row.split(" — ", 1)[1].split(" (")[0] for row in read_rows(draw_role(saga_index, text, locale))]
    blocks = [name for position, name in enumerate(organisations) if position == 0 or organisations[position - 1] != name]
    assert len(blocks) == len(set(blocks)), organisations


def test_the_cto_chart_tells_microsoft_and_openai_apart(saga_index: SagaIndex) -> None:
    figure = draw_role(saga_index, "CTO", "en")
    assert [row.split(" — ")[1] for row in read_rows(figure)] == ["Microsoft", "OpenAI"]
    colours = {bar.get_y() + bar.get_height() / 2: bar.get_facecolor() for bar in only_axes(figure).patches}
    assert colours[0] != colours[1]


@pytest.mark.parametrize(("locale", "words"), [("en", "uncertain"), ("fr", "incertaine")])
@pytest.mark.parametrize("text", ["CEO", "interim CEO", "CTO"])
def test_the_legend_explains_the_hatched_spans(saga_index: SagaIndex, locale: str, words: str, text: str) -> None:
    figure = draw_role(saga_index, text, locale)
    assert len(figure.legends) == 1
    legend = figure.legends[0]
    hatched = [entry.get_text() for entry, handle in zip(legend.get_texts(), legend.legend_handles) if handle and handle.get_hatch()]
    assert len(hatched) == 1 and words in hatched[0].lower()
    # The legend's pattern is the one the uncertain spans are drawn with.
    assert {bar.get_hatch() for bar in only_axes(figure).patches} - {None} <= {legend.legend_handles[1].get_hatch()}


@pytest.mark.parametrize(("text", "locale", "title"), [
    ("CTO", "fr", "Directeur technique"),
    ("interim CEO", "en", "Interim CEO of OpenAI"),
    ("PDG par intérim", "fr", "PDG par intérim d'OpenAI"),
    ("Sam Altman", "en", "Who held which post"),
    ("Sam Altman", "fr", "Qui occupait quel poste"),
])
def test_role_titles_start_with_a_capital(saga_index: SagaIndex, text: str, locale: str, title: str) -> None:
    assert only_axes(draw_role(saga_index, text, locale)).get_title() == title


@pytest.mark.parametrize(("locale", "title", "axis"), [("en", "Events per day", "Number of events"),
                                                        ("fr", "Événements par jour", "Nombre d'événements")])
def test_events_chart_words_are_in_the_reply_language(saga_index: SagaIndex, locale: str, title: str, axis: str) -> None:
    axes = only_axes(draw_timeline(saga_index, locale))
    assert (axes.get_title(), axes.get_ylabel()) == (title, axis)


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_role_chart_days_are_in_the_reply_language(saga_index: SagaIndex, locale: str) -> None:
    axes = only_axes(draw_role(saga_index, "CEO", locale))
    assert [label.get_text() for label in axes.get_xticklabels(minor=True)] == SAGA_WEEK[locale]


# --- the pictures themselves -------------------------------------------------------------------

def test_the_pictures_are_png_and_drawn_once(saga_index: SagaIndex) -> None:
    timeline = engine.timeline(saga_index, locale="fr")
    role = engine.role(saga_index, "CEO", "fr")
    events = draw_events_per_day(timeline.events, "fr", saga_index)
    roles = draw_role_history(role.tenures, "fr", "PDG", saga_index)
    assert events.startswith(b"\x89PNG") and roles.startswith(b"\x89PNG")
    # Cached: the same answer gives back the very same bytes, not a second drawing.
    assert draw_events_per_day(list(reversed(timeline.events)), "fr", saga_index) is events
    assert draw_role_history(role.tenures, "fr", "PDG", saga_index) is roles
    assert draw_role_history(role.tenures, "en", "CEO", saga_index) is not roles

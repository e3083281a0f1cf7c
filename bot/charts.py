"""Pictures for answers people would rather look at: events per day, and who held which post.

Plain Python with matplotlib (no discord import); drawing is CPU work, so the cog calls these
through `run_sync`, and each picture is cached after its first draw (the saga never changes
while the bot runs). `build_*_figure` give the matplotlib Figure before it becomes a PNG, for
the tests to read.

The days a chart covers come from the saga's calendar (data/calendar.yaml) or the moment asked,
never from dates written here.
"""
from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from .answering.index import Event, SagaIndex
from .answering.normalize import Locale
from .answering.phrasing import phrase_role
from .messages import say
from .saga.calendar import SagaCalendar, name_day, shipped_calendar
from .saga.dates import SagaDate
from .saga.roles import Tenure

if TYPE_CHECKING:  # matplotlib itself is imported on first draw
    from matplotlib.figure import Figure

_COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")
_GREY = "#555555"
# A moment longer than a month ("2023") would make bars too thin to read: the saga's week is drawn instead.
_MOST_DAYS = 31
# One or two bars alone would stretch across the whole picture: the axis keeps room for this many.
_FEWEST_SLOTS = 5
_LABEL_WIDTH = 42
_FOOTER_LINE = 0.2  # inches per line of note or legend under a chart

# (first possible start, last possible start, first possible end, last possible end) of one spell
Spell = tuple[str | None, str | None, str | None, str | None]


@dataclass(frozen=True)
class DayCounts:
    """How many events each day of a chart holds, and how many the chart leaves out."""

    days: tuple[date, ...]
    counts: tuple[int, ...]
    before: int = 0
    after: int = 0
    undated: int = 0  # events overlapping the chart's days without being pinned to one of them


@dataclass(frozen=True)
class RoleRow:
    """One line of a role chart: one person in one post at one organisation, with its spells."""

    label: str
    group: int  # rows of one organisation share a group, hence a colour
    spells: tuple[Spell, ...]


def draw_events_per_day(events: Sequence[Event], locale: Locale, index: SagaIndex, moment: SagaDate | None = None) -> bytes:
    """A PNG bar chart: how many of `events` each day of `moment` (the saga's week without one) holds."""
    return _draw_events_per_day(count_events_per_day(events, list_chart_days(index.calendar, moment)), locale)


def build_events_per_day_figure(events: Sequence[Event], locale: Locale, index: SagaIndex, moment: SagaDate | None = None) -> Figure:
    """The Figure `draw_events_per_day` turns into a PNG."""
    return _build_events_figure(count_events_per_day(events, list_chart_days(index.calendar, moment)), locale)


def draw_role_history(tenures: Sequence[Tenure], locale: Locale, title: str, index: SagaIndex) -> bytes:
    """A PNG Gantt chart of who held which post across the saga's days; uncertain starts and ends are hatched."""
    return _draw_role_history(arrange_role_rows(index, tenures, locale), list_chart_days(index.calendar), locale, title)


def build_role_history_figure(tenures: Sequence[Tenure], locale: Locale, title: str, index: SagaIndex) -> Figure:
    """The Figure `draw_role_history` turns into a PNG."""
    return _build_role_figure(arrange_role_rows(index, tenures, locale), list_chart_days(index.calendar), locale, title)


def list_chart_days(calendar: SagaCalendar | None, moment: SagaDate | None = None) -> tuple[date, ...]:
    """Every day a chart covers, empty ones included: those of `moment`, or the saga's week
    from its calendar when no moment is asked or the moment spans more than a month."""
    saga_days = (calendar or shipped_calendar()).days
    if moment is None:
        return saga_days
    # An open end ("after Monday") stops at the saga's own first or last day.
    first = date.fromisoformat(moment.start[:10]) if moment.start else saga_days[0]
    last = date.fromisoformat(moment.end[:10]) if moment.end else saga_days[-1]
    count = (last - first).days + 1
    if not 1 <= count <= _MOST_DAYS:
        return saga_days
    return tuple(first + timedelta(days=offset) for offset in range(count))


def count_events_per_day(events: Sequence[Event], days: tuple[date, ...]) -> DayCounts:
    """Events pinned to one of `days` counted on it; the others counted as before, after, or
    without an exact day, so the chart can say what it leaves out."""
    first, last = days[0].isoformat(), days[-1].isoformat()
    per_day = dict.fromkeys((day.isoformat() for day in days), 0)
    before = after = undated = 0
    for event in {event.id: event for event in events}.values():
        start = event.date.start[:10] if event.date.start else None
        end = event.date.end[:10] if event.date.end else None
        if end is not None and end < first:
            before += 1
        elif start is not None and start > last:
            after += 1
        elif start is not None and start == end:
            per_day[start] += 1
        else:
            undated += 1
    return DayCounts(days, tuple(per_day.values()), before, after, undated)


def arrange_role_rows(index: SagaIndex, tenures: Sequence[Tenure], locale: Locale) -> tuple[RoleRow, ...]:
    """One row per person, post and organisation, labelled « Sam Altman — OpenAI » in `locale`;
    the rows of one organisation together, organisations in the order their spells come."""
    several_posts = len({tenure.role for tenure in tenures}) > 1
    groups: dict[str, dict[tuple[str, str], list[Tenure]]] = {}
    for tenure in tenures:
        groups.setdefault(tenure.of_entity or "", {}).setdefault((tenure.entity_id, tenure.role), []).append(tenure)
    # Posts the data ties to no organisation come last rather than between two organisations.
    ordered = sorted(groups.items(), key=lambda item: item[0] == "")
    rows = []
    for group, (of_entity, people) in enumerate(ordered):
        for (entity_id, role), spells in people.items():
            label = index.name(entity_id, locale)
            if of_entity:
                label = say("chart.holder", locale, name=label, of=index.name(of_entity, locale))
            if several_posts:
                label = say("chart.holder_post", locale, holder=label, post=phrase_role(index, role, None, locale, holder=entity_id))
            rows.append(RoleRow(textwrap.fill(label, _LABEL_WIDTH), group,
                                tuple((s.start_earliest, s.start_latest, s.end_earliest, s.end_latest) for s in spells)))
    return tuple(rows)


@lru_cache(maxsize=128)
def _draw_events_per_day(counts: DayCounts, locale: Locale) -> bytes:
    return _to_png(_build_events_figure(counts, locale))


@lru_cache(maxsize=128)
def _draw_role_history(rows: tuple[RoleRow, ...], days: tuple[date, ...], locale: Locale, title: str) -> bytes:
    return _to_png(_build_role_figure(rows, days, locale, title))


def _build_events_figure(counts: DayCounts, locale: Locale) -> Figure:
    from matplotlib.ticker import MaxNLocator

    notes = _list_left_out(counts, locale)
    height = 3.2 + _FOOTER_LINE * len(notes)
    figure = _make_figure(8, height)
    axes = figure.add_subplot()
    positions = list(range(len(counts.days)))
    bars = axes.bar(positions, counts.counts, width=0.6, color=_COLOURS[0])
    # The count over every bar, 0 included: an empty day reads as empty, not as missing.
    axes.bar_label(bars, fontsize=8, padding=2)
    crowded = len(counts.days) > 10
    axes.set_xticks(positions, [_label_day(day, locale) for day in counts.days], fontsize=8,
                    rotation=60 if crowded else 0, ha="right" if crowded else "center")
    spare = max(_FEWEST_SLOTS - len(positions), 0) / 2
    axes.set_xlim(-0.5 - spare, len(positions) - 0.5 + spare)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max(*counts.counts, 1) * 1.2)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(_capitalise(say("chart.events_per_day", locale)))
    axes.set_ylabel(say("chart.events", locale))
    if notes:
        figure.text(0.5, 0.03, "\n".join(notes), ha="center", va="bottom", fontsize=8, color=_GREY)
    figure.tight_layout(rect=(0, (_FOOTER_LINE * len(notes) + 0.05) / height if notes else 0, 1, 1))
    return figure


def _list_left_out(counts: DayCounts, locale: Locale) -> list[str]:
    notes = []
    for key, count, day in (("chart.before", counts.before, counts.days[0]), ("chart.after", counts.after, counts.days[-1]),
                            ("chart.undated", counts.undated, None)):
        if count:
            wording = f"{key}_one" if count == 1 else f"{key}_many"
            notes.append(say(wording, locale, count=count, day=name_day(day, locale) if day else ""))
    return notes


def _build_role_figure(rows: tuple[RoleRow, ...], days: tuple[date, ...], locale: Locale, title: str) -> Figure:
    from matplotlib.patches import Patch

    start_of_chart = datetime.combine(days[0], time())
    lines = sum(row.label.count("\n") + 1 for row in rows)
    height = 1.2 + 0.3 * max(lines, len(rows) * 1.5, 1) + _FOOTER_LINE * 2
    figure = _make_figure(8, height)
    axes = figure.add_subplot()
    for number, row in enumerate(rows):
        colour = _COLOURS[row.group % len(_COLOURS)]
        for start_earliest, start_latest, end_earliest, end_latest in row.spells:
            # x is in days from the chart's first midnight; no start or end in the data means held
            # from before the saga's first day, or still held after its last.
            maybe_start = _place(start_earliest, start_of_chart, len(days), 0.0)
            sure_start = _place(start_latest, start_of_chart, len(days), maybe_start)
            maybe_end = _place(end_latest, start_of_chart, len(days), float(len(days)))
            sure_end = _place(end_earliest, start_of_chart, len(days), maybe_end)
            if sure_end > sure_start:
                axes.barh(number, sure_end - sure_start, left=sure_start, height=0.6, color=colour)
                uncertain: tuple[tuple[float, float], ...] = ((maybe_start, sure_start), (sure_end, maybe_end))
            else:
                # The windows of the start and the end overlap: no moment of the spell is certain.
                uncertain = ((maybe_start, maybe_end),)
            for left, right in uncertain:
                if right > left:
                    axes.barh(number, right - left, left=left, height=0.6, color="white", edgecolor=colour, hatch="///")
        if number and row.group != rows[number - 1].group:
            axes.axhline(number - 0.5, color="#bbbbbb", linewidth=0.8)
    axes.set_yticks(range(len(rows)), [row.label for row in rows], fontsize=8)
    axes.set_ylim(len(rows) - 0.5, -0.5)  # the first row on top
    axes.set_xlim(0, len(days))
    # Gridlines at midnight, each day's name under its middle.
    axes.set_xticks(range(len(days)), [""] * len(days))
    axes.set_xticks([number + 0.5 for number in range(len(days))], [_label_day(day, locale) for day in days], minor=True,
                    fontsize=8)
    axes.tick_params(axis="x", which="minor", length=0)
    axes.grid(axis="x", which="major", color="#dddddd")
    axes.set_axisbelow(True)
    axes.set_title(_capitalise(title or say("chart.roles", locale)))
    figure.legend(handles=[Patch(color=_GREY, label=say("chart.held", locale)),
                           Patch(facecolor="white", edgecolor=_GREY, hatch="///", label=say("chart.uncertain", locale))],
                  loc="lower center", ncols=2, frameon=False, fontsize=8)
    figure.tight_layout(rect=(0, _FOOTER_LINE * 2 / height, 1, 1))
    return figure


def _place(value: str | None, start_of_chart: datetime, days: int, otherwise: float) -> float:
    """Where a moment of the data falls on a chart of `days` days, in days from its start, kept within it."""
    if value is None:
        return otherwise
    offset = (datetime.fromisoformat(value) - start_of_chart) / timedelta(days=1)
    return min(max(offset, 0.0), float(days))


def _label_day(day: date, locale: Locale) -> str:
    names = {"fr": ("lun", "mar", "mer", "jeu", "ven", "sam", "dim"), "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
    return f"{names.get(locale, names['en'])[day.weekday()]} {day.day}"


def _capitalise(text: str) -> str:
    # Not str.capitalize: it would lower "CEO of OpenAI" to "Ceo of openai".
    return text[:1].upper() + text[1:]


def _make_figure(width: float, height: float) -> Figure:
    # Imported on first draw: matplotlib costs half a second to import, which start-up need not pay.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import figure

    # A Figure of its own rather than pyplot's: pyplot keeps every figure in a global registry
    # that is not safe across the worker threads `run_sync` uses.
    return figure.Figure(figsize=(width, height), dpi=100)


def _to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # Without the "Software" entry, a given picture has the same bytes from draw to draw.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()

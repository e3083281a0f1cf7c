"""Pictures for answers people would rather look at: events per day, and who held which post.

Plain Python with matplotlib (no discord import); drawing is CPU work, so the cog calls these
through `run_sync`, and each picture is cached after its first draw (the saga never changes
while the bot runs).
"""
from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

from .answering.index import Event
from .messages import say
from .saga.roles import Tenure

if TYPE_CHECKING:  # matplotlib itself is imported on first draw
    from matplotlib.figure import Figure

SAGA_FIRST_DAY = date(2023, 11, 16)
SAGA_LAST_DAY = date(2023, 11, 24)
_COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")


def draw_events_per_day(events: tuple[Event, ...], locale: str) -> bytes:
    """A bar chart: how many of `events` each saga day holds (events dated to a day or time only)."""
    return _draw_events_per_day(tuple(sorted({(e.id, e.date.precision, e.date.start or "") for e in events})), locale)


def draw_role_history(tenures: tuple[Tenure, ...], locale: str, title: str) -> bytes:
    """A Gantt chart of who held which post across the saga's days; uncertain ends are hatched."""
    return _draw_role_history(tuple(tenures), locale, title)


@lru_cache(maxsize=128)
def _draw_events_per_day(events: tuple[tuple[str, str, str], ...], locale: str) -> bytes:
    pyplot = _pyplot()
    counts = Counter(start[:10] for _, precision, start in events if precision in ("day", "minute"))
    days = sorted(counts) or [SAGA_FIRST_DAY.isoformat()]
    figure, axes = pyplot.subplots(figsize=(8, 3.2), dpi=100)
    axes.bar([_label_day(day, locale) for day in days], [counts[day] for day in days], color=_COLOURS[0])
    axes.set_title(say("chart.events_per_day", locale))
    axes.set_ylabel(say("chart.events", locale))
    axes.tick_params(axis="x", labelsize=8)
    return _to_png(pyplot, figure)


@lru_cache(maxsize=128)
def _draw_role_history(tenures: tuple[Tenure, ...], locale: str, title: str) -> bytes:
    pyplot = _pyplot()
    start_of_chart = datetime.combine(SAGA_FIRST_DAY, datetime.min.time())
    end_of_chart = datetime.combine(SAGA_LAST_DAY, datetime.min.time())
    figure, axes = pyplot.subplots(figsize=(8, 0.6 + 0.55 * max(len(tenures), 1)), dpi=100)
    for row, tenure in enumerate(tenures):
        colour = _COLOURS[row % len(_COLOURS)]
        sure_start = _moment(tenure.start_latest) or start_of_chart
        sure_end = _moment(tenure.end_earliest) or end_of_chart
        maybe_start = _moment(tenure.start_earliest) or start_of_chart
        maybe_end = _moment(tenure.end_latest) or end_of_chart
        if sure_end > sure_start:
            axes.barh(row, sure_end - sure_start, left=sure_start, color=colour)
        for left, right in ((maybe_start, sure_start), (sure_end, maybe_end)):
            if right > left:
                axes.barh(row, right - left, left=left, color="white", edgecolor=colour, hatch="///")
    axes.set_yticks(range(len(tenures)), [tenure.name for tenure in tenures])
    axes.set_xlim(start_of_chart, end_of_chart)
    days = [SAGA_FIRST_DAY + timedelta(days=n) for n in range((SAGA_LAST_DAY - SAGA_FIRST_DAY).days + 1)]
    axes.set_xticks([datetime.combine(day, datetime.min.time()) for day in days], [_label_day(day.isoformat(), locale) for day in days])
    axes.tick_params(axis="x", labelsize=7)
    axes.invert_yaxis()
    axes.set_title(title or say("chart.roles", locale))
    return _to_png(pyplot, figure)


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    lowest, highest = datetime.combine(SAGA_FIRST_DAY, datetime.min.time()), datetime.combine(SAGA_LAST_DAY, datetime.min.time())
    return min(max(moment, lowest), highest)


def _label_day(day: str, locale: str) -> str:
    parsed = date.fromisoformat(day)
    names = {"fr": ("lun", "mar", "mer", "jeu", "ven", "sam", "dim"), "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
    return f"{names.get(locale, names['en'])[parsed.weekday()]} {parsed.day}"


def _pyplot() -> ModuleType:
    # Imported on first draw: matplotlib costs half a second to import, which start-up need not pay.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def _to_png(pyplot: ModuleType, figure: Figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    # A fixed creation date keeps the bytes of a given picture identical from draw to draw.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    pyplot.close(figure)
    return buffer.getvalue()

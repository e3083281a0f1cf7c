"""A post as text within Discord's embed limits (title 256, description 4096, footer 2048
characters), whatever the data: when a post has more events than fit, the weightiest are kept,
in their order, at least one per day, and a last line says how many more there are.

The Discord adapter builds its embed from `PostText` (title, description, footer); the console
prints the same text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..answering.normalize import Locale
from ..answering.phrasing import phrase_day
from ..messages import say
from .posts import Post, PostLine, join_actor_names

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
# No single line may eat the post, however long a summary grows.
LINE_LIMIT = 600


@dataclass(frozen=True)
class PostText:
    title: str
    description: str
    footer: str
    # how many lines were left out for lack of room
    omitted: int = 0


def format_line(line: PostLine, locale: Locale) -> str:
    """'• **vers 12 h 30 (heure du Pacifique)** — OpenAI board : … [source : 002 Business Insider]'."""
    when = say("recap.line.when", locale, when=line.when) if line.when else ""
    actors = "" if line.names_actors or not line.actors else say("recap.line.actors", locale, actors=join_actor_names(line, locale))
    text = say("recap.line", locale, when=when, actors=actors, summary=line.summary, source=line.source)
    return _clip(text, LINE_LIMIT)


def layout_post(post: Post, limit: int = DESCRIPTION_LIMIT) -> PostText:
    """The post's title, description and footer, each within its limit."""
    texts = [format_line(line, post.locale) for line in post.lines]
    notes = [_clip(note, LINE_LIMIT) for note in post.notes]
    kept = _fit(post, texts, notes, limit)
    body = _arrange(post, texts, kept)
    omitted = len(post.lines) - len(kept)
    if omitted:
        body.append(say("recap.more", post.locale, count=omitted))
    if notes:
        body += ["", *notes]
    description = _clip("\n".join(body), limit)
    footer = _clip(say("recap.footer", post.locale), FOOTER_LIMIT)
    return PostText(_clip(post.title, TITLE_LIMIT), description, footer, omitted)


def render_post(post: Post) -> str:
    """The whole post as plain text (the console's view of the embed)."""
    text = layout_post(post)
    return f"**{text.title}**\n{text.description}\n— {text.footer}"


def _arrange(post: Post, texts: list[str], kept: list[int]) -> list[str]:
    """The kept lines in order, each day headed in a post of several days, and within a day of a
    day's post the untimed lines introduced once after the timed ones."""
    body: list[str] = []
    day: str | None = None
    timed_seen = separated = False
    for position in kept:
        line = post.lines[position]
        if line.day is not None and line.day != day:
            day, timed_seen, separated = line.day, False, False
            body.append(say("recap.day_header", post.locale, day=phrase_day(date.fromisoformat(line.day), post.locale)))
        if post.days and line.when is None and timed_seen and not separated:
            body.append(say("recap.same_day", post.locale))
            separated = True
        timed_seen = timed_seen or line.when is not None
        body.append(texts[position])
    return body


def _fit(post: Post, texts: list[str], notes: list[str], limit: int) -> list[int]:
    """Which lines to keep: all if they fit, else the weightiest that fit (the best of each day
    first, so a quiet day told with a busy one is never crowded out), in their order."""
    days = {line.day for line in post.lines if line.day}
    reserve = sum(len(note) + 1 for note in notes) + 1
    reserve += len(days) * 40 + len(say("recap.same_day", post.locale)) * max(1, len(days)) + 2
    if sum(len(text) + 1 for text in texts) + reserve <= limit:
        return list(range(len(texts)))
    reserve += len(say("recap.more", post.locale, count=len(texts))) + 1
    by_weight = sorted(range(len(texts)), key=lambda p: (-post.lines[p].weight, p))
    best_of_day: dict[str | None, int] = {}
    for position in by_weight:
        best_of_day.setdefault(post.lines[position].day, position)
    order = sorted(best_of_day.values(), key=lambda p: (-post.lines[p].weight, p))
    order += [p for p in by_weight if p not in best_of_day.values()]
    kept: list[int] = []
    used = reserve
    for position in order:
        if used + len(texts[position]) + 1 <= limit:
            kept.append(position)
            used += len(texts[position]) + 1
    return sorted(kept)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

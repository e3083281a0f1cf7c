"""A post as text within Discord's embed limits (title 256, description 4096, footer 2048
characters), whatever the data: its intro, then its turning points and the rest, each group under
a heading when the post has both, then its notes. When a post has more events than fit, the
turning points are kept first, then the weightiest of the rest (at least one per day), in their
order, and a line says how many were left out.

The Discord adapter builds its embed from `PostText` (title, description, footer); the console
prints the same text.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..answering.normalize import Locale
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
    intro = [_clip(note, LINE_LIMIT) for note in post.intro]
    notes = [_clip(note, LINE_LIMIT) for note in post.notes]
    kept = _fit(post, texts, intro + notes, limit)
    body = [*intro, *_arrange(post, texts, kept)]
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
    """The kept lines in order: under two headings when the post has turning points and other
    lines, and in a day's post the untimed lines of the rest introduced once after its timed ones."""
    body: list[str] = []
    headed = len({post.lines[position].key for position in kept}) > 1
    group: bool | None = None
    timed_seen = separated = False
    for position in kept:
        line = post.lines[position]
        if headed and line.key != group:
            body.append(say("recap.section.key" if line.key else "recap.section.rest", post.locale))
            timed_seen = separated = False
        group = line.key
        # Only the rest goes timed lines first; turning points go in story order (see bot.recap.plan).
        if len(post.days) == 1 and not line.key and line.when is None and timed_seen and not separated:
            body.append(say("recap.same_day", post.locale))
            separated = True
        timed_seen = timed_seen or line.when is not None
        body.append(texts[position])
    return body


def _fit(post: Post, texts: list[str], notes: list[str], limit: int) -> list[int]:
    """Which lines to keep: all if they fit, else the turning points, then the weightiest of the
    rest that fit (the best of each day first, so a quiet day told with a busy one is never
    crowded out), in their order."""
    headings = [say(key, post.locale) for key in ("recap.section.key", "recap.section.rest", "recap.same_day")]
    reserve = sum(len(note) + 1 for note in notes) + sum(len(heading) + 1 for heading in headings) + 2
    if sum(len(text) + 1 for text in texts) + reserve <= limit:
        return list(range(len(texts)))
    reserve += len(say("recap.more", post.locale, count=len(texts))) + 1
    by_weight = sorted(range(len(texts)), key=lambda p: (not post.lines[p].key, -post.lines[p].weight, p))
    best_of_day: dict[str | None, int] = {}
    for position in by_weight:
        best_of_day.setdefault(post.lines[position].day, position)
    turning = [p for p in by_weight if post.lines[p].key]
    order = turning + sorted((p for p in best_of_day.values() if p not in turning), key=by_weight.index)
    order += [p for p in by_weight if p not in order]
    kept: list[int] = []
    used = reserve
    for position in order:
        if used + len(texts[position]) + 1 <= limit:
            kept.append(position)
            used += len(texts[position]) + 1
    return sorted(kept)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

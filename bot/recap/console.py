"""/recap in the console: the same commands as on Discord, against an in-memory state database
and a simulated clock, so the scheduler can be tried without waiting for tomorrow.

    /recap preview [day]                         a saga day as the replay sends it, or the next post
    /recap subscribe [time: 09:00] [timezone: Europe/Paris] [mode: replay] [channel: 1]
    /recap list | pause | resume | unsubscribe [channel: 1]
    /recap next                                  when each recap posts next
    /recap run [days: 1]                         let simulated time pass and print every post made

Options take their English or French names (`channel:` or `salon:`); a channel is its id (`123`,
`#123`, `<#123>`). An option a subcommand does not take, or words it cannot place, are refused
with what it expects, never dropped. Times are shown in the recaps' timezone (the first one's,
else Europe/Paris), never in UTC unless that is the zone.

The simulated time starts at `now` (the console's `--now`, or the real time); `now:
2024-11-16T08:00+01:00` on any line moves it there first.
"""
from __future__ import annotations

import asyncio
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

from ..answering.answers import serialise_event
from ..answering.index import SagaIndex
from ..answering.normalize import FALLBACK_LOCALE, Locale, detect_locale
from ..answering.phrasing import join_names, shorten_echo
from ..commands import RECAP, find_action, list_option_names, name_option
from ..envelope import make_envelope
from ..messages import say
from ..storage import open_sqlite_state
from . import commands
from .clock import ManualClock
from .delivery import RetryPolicy, SendResult
from .layout import render_post
from .pacing import Pacer
from .posts import Post
from .schedule import DEFAULT_TIMEZONE
from .scheduler import RecapScheduler, Report
from .store import MIGRATIONS, list_subscriptions

CONSOLE_GUILD = 1
CONSOLE_CHANNEL = 1
# The years a simulated clock may be set to: the saga's anniversaries to come, not year 9999.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
# Discord ids are snowflakes: positive 64-bit integers, as SQLite stores them.
LARGEST_ID = 2**63 - 1
# `/recap run` lets at most this many days pass at once.
LONGEST_RUN = 400
# The options and subcommands as bot.commands declares them (the slash commands' own), plus the
# console's simulation (`next`, `run`, `now:`); each option also answers to its French name, as
# Discord shows it to French members (`salon:`, `heure:`, `fuseau:`, `jour:`).
OPTION_NAMES = list_option_names(RECAP)
_FRENCH_NAMES = {name_option(name, "fr"): name for name in OPTION_NAMES}
_OPTION = re.compile(rf"(?:^|\s)({'|'.join(dict.fromkeys([*OPTION_NAMES, *_FRENCH_NAMES]))}):", re.IGNORECASE)
# What each subcommand takes: its declared options, `now:` everywhere, and the console's extras
# (a preview of the first post of a mode before subscribing).
_ACCEPTED = {sub.action: {option.name for option in sub.options} | {"now"} for sub in RECAP.subcommands}
_ACCEPTED["preview"] = _ACCEPTED.get("preview", set()) | {"mode"}
# The subcommands whose free words mean an option (`/recap preview dimanche`, `/recap run 3`).
_FREE_TEXT = {"preview": "day", "run": "days"}


@dataclass
class RecapLine:
    action: str
    text: str
    options: dict[str, str] = field(default_factory=dict)


def parse_recap_line(line: str) -> RecapLine:
    """'/recap subscribe time: 18:30 salon: 3' → RecapLine('subscribe', '', {'time': '18:30', 'channel': '3'})."""
    rest = re.sub(r"^\s*/?r[ée]cap(?=\s|$)", "", line.strip(), flags=re.IGNORECASE).strip()
    typed, _, rest = rest.partition(" ")
    pieces = _OPTION.split(" " + rest)
    options = {_FRENCH_NAMES.get(pieces[i].lower(), pieces[i].lower()): pieces[i + 1].strip() for i in range(1, len(pieces) - 1, 2)}
    return RecapLine(find_action(RECAP, typed) or typed.lower(), pieces[0].strip(), options)


def check_options(parsed: RecapLine, locale: Locale) -> str | None:
    """Why the line's options cannot be honoured (an option the subcommand does not take, words
    it cannot place), or None when they all can."""
    accepted = _ACCEPTED.get(parsed.action)
    if accepted is None:
        return None  # an unknown subcommand: the usage says what exists
    unknown = next((name for name in parsed.options if name not in accepted), None)
    stray = parsed.text if parsed.text and parsed.action not in _FREE_TEXT else None
    if unknown is None and stray is None:
        return None
    names = [name_option(name, locale) for name in sorted(accepted)]
    asked = f"{unknown}:" if unknown is not None else stray or ""
    return say("recap.error.option", locale, action=parsed.action, asked=shorten_echo(asked), options=join_names(names, locale))


def parse_now(text: str) -> datetime | None:
    """An ISO 8601 instant with its offset ('2024-11-17T08:00+01:00', '…Z'), in UTC; else None."""
    try:
        typed = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        moment = typed.astimezone(UTC) if typed.tzinfo else None
    except (ValueError, OverflowError):
        return None
    # A clock set near year 9999 leaves no room for the next post's date (it overflows).
    return moment if moment is not None and EARLIEST_YEAR <= moment.year <= LATEST_YEAR else None


class _Place(TypedDict):
    """Where a console command acts, as the keyword arguments of `commands`."""

    guild_id: int
    channel_id: int
    reply_locale: Locale
    label: commands.ChannelLabel


class RecapConsole:
    """A console session: its own state database, clock and scheduler."""

    def __init__(self, index: SagaIndex, now: datetime | None = None) -> None:
        self.index = index
        self.clock = ManualClock(now or datetime.now(UTC))
        self.db = open_sqlite_state(":memory:", [MIGRATIONS])
        self.scheduler = RecapScheduler(self.db, index, self.clock, Pacer(self.clock), RetryPolicy(rng=random.Random(0)))
        self.timezone = DEFAULT_TIMEZONE

    def handle(self, line: str, locale: Locale | None = None) -> dict[str, Any]:
        """One /recap line in, one reply of the console's JSON contract out."""
        parsed = parse_recap_line(line)
        reply_locale = locale or (detect_locale(parsed.text) if parsed.text else FALLBACK_LOCALE)
        text, ok, post = self._answer(parsed, reply_locale)
        known = self.index.events_by_id
        events = [known[event_id] for event_id in (post.event_ids if post else ()) if event_id in known]
        return make_envelope("recap", ok, reply_locale, text, kind="recap" if ok else "error",
                             events=[serialise_event(self.index, event) for event in events])

    def _answer(self, parsed: RecapLine, locale: Locale) -> tuple[str, bool, Post | None]:
        refusal = check_options(parsed, locale)
        if refusal is not None:
            return refusal, False, None
        if parsed.options.get("now"):
            moment = parse_now(parsed.options["now"])
            if moment is None:
                return say("recap.error.now", locale, asked=parsed.options["now"]), False, None
            self._move_clock(moment)
        now = self.clock.now()
        typed_channel = parsed.options.get("channel")
        channel = _read_channel(typed_channel) if typed_channel else CONSOLE_CHANNEL
        if channel is None:
            return say("recap.error.channel", locale, asked=typed_channel or ""), False, None
        place: _Place = {"guild_id": CONSOLE_GUILD, "channel_id": channel, "reply_locale": locale, "label": _label_channel}
        if parsed.action == "preview":
            reply = commands.preview(self.db, self.index, reply_locale=locale, now=now,
                                     day_text=parsed.options.get("day") or parsed.text or None, channel_id=channel,
                                     guild_id=CONSOLE_GUILD, mode=parsed.options.get("mode"))
            text = reply.text if reply.post is None else f"{reply.text}\n{render_post(reply.post)}"
            return text, reply.ok, reply.post
        if parsed.action == "subscribe":
            reply = commands.subscribe(self.db, self.index, post_locale=locale, now=now, time_text=parsed.options.get("time"),
                                       timezone_name=parsed.options.get("timezone"), mode=parsed.options.get("mode"), **place)
        elif parsed.action == "list":
            reply = commands.list_recaps(self.db, self.index, guild_id=CONSOLE_GUILD, reply_locale=locale, label=_label_channel)
        elif parsed.action == "pause":
            reply = commands.pause(self.db, now=now, **place)
        elif parsed.action == "resume":
            reply = commands.resume(self.db, self.index, now=now, **place)
        elif parsed.action == "unsubscribe":
            reply = commands.unsubscribe(self.db, **place)
        elif parsed.action == "next":
            return self._describe_next(locale), True, None
        elif parsed.action == "run":
            typed_days = parsed.options.get("days") or parsed.text or None
            days = _read_days(typed_days)
            if days is None:
                return say("recap.error.days", locale, asked=shorten_echo(typed_days or ""), most=LONGEST_RUN), False, None
            return self._run(timedelta(days=days), locale), True, None
        else:
            return say("recap.error.usage", locale), False, None
        self.scheduler.notify_changed()
        return reply.text, reply.ok, None

    def _move_clock(self, moment: datetime) -> None:
        if moment >= self.clock.now():
            self.clock.advance_to(moment)
            return
        # Back in time: a new clock (a clock itself never goes back, the pacer relies on it),
        # same subscriptions.
        self.clock = ManualClock(moment)
        self.scheduler = RecapScheduler(self.db, self.index, self.clock, Pacer(self.clock), RetryPolicy(rng=random.Random(0)))

    def _describe_next(self, locale: Locale) -> str:
        """The simulated time, and when each recap posts next, in its own timezone."""
        self.scheduler.reload()
        lines = [say("recap.console.now", locale, now=self._describe(self.clock.now(), locale))]
        replies = commands.list_recaps(self.db, self.index, guild_id=CONSOLE_GUILD, reply_locale=locale, label=_label_channel)
        if not replies.subscriptions:
            return "\n".join([*lines, _capitalise(say("recap.state.none", locale)) + "."])
        # The list's lines, without its title: one per recap, each with its next post.
        return "\n".join([*lines, *replies.text.splitlines()[1:]])

    def _run(self, span: timedelta, locale: Locale) -> str:
        until = self.clock.now() + span
        shown: list[str] = []
        self._pick_timezone()  # now, while the subscriptions a closing post may end are there
        # A closing post ends its subscription: remember each one's zone to word its reports.
        zones = {subscription.id: subscription.timezone for subscription in list_subscriptions(self.db)}
        posted = False

        async def send(channel_id: int, post: Post, nonce: str) -> SendResult:
            return SendResult(200, message_id=len(shown) + 1)

        reports: list[Report] = asyncio.run(self.scheduler.run_until(send, until))
        for report in reports:
            zones.setdefault(report.subscription_id, self._pick_timezone())
            when = commands.describe_instant(report.at, zones[report.subscription_id], locale)
            if report.status in ("sent", "uncertain") and report.post is not None:
                posted = True
                shown.append(say("recap.console.posted", locale, when=when, channel=report.channel_id))
                shown.append(render_post(report.post))
            elif report.status == "nothing":
                shown.append(say("recap.console.nothing_new", locale, when=when, channel=report.channel_id))
            elif report.status in ("failed", "error"):
                reason = say(report.disable_reason, locale) if report.disable_reason else report.reason or report.status
                shown.append(say("recap.console.failed", locale, when=when, channel=report.channel_id, reason=reason))
        self.clock.advance_to(until)
        if not posted:
            shown.append(say("recap.console.nothing", locale, until=self._describe(until, locale)))
            # ... and when the next one comes, plainly (a digest: when it looks again).
            shown += self._describe_next(locale).splitlines()[1:]
        return "\n".join([say("recap.console.now", locale, now=self._describe(self.clock.now(), locale)), *shown])

    def _pick_timezone(self) -> str:
        """The zone the console words its own times in: the first recap's, else the last one's (a
        replay that just ended), else the default."""
        subscriptions = list_subscriptions(self.db, CONSOLE_GUILD)
        if subscriptions:
            self.timezone = subscriptions[0].timezone
        return self.timezone

    def _describe(self, instant: datetime, locale: Locale) -> str:
        return commands.describe_instant(instant, self._pick_timezone(), locale)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label_channel(channel_id: int) -> str:
    return f"#{channel_id}"


def _read_channel(text: str) -> int | None:
    """A channel id, as typed (`123…`), as the console shows it (`#123`) or as Discord shows a
    mention (`<#123…>`); None if it is not one."""
    digits = text.strip().removeprefix("<#").removesuffix(">").removeprefix("#")
    if not (digits.isascii() and digits.isdecimal()):
        return None
    value = int(digits)
    return value if 0 < value <= LARGEST_ID else None


def _read_days(text: str | None) -> int | None:
    """How many days `/recap run` lets pass (1 when not given), or None when that is not a number it takes."""
    if not text:
        return 1
    digits = text.strip()
    if not (digits.isascii() and digits.isdecimal()) or len(digits) > 3:
        return None
    days = int(digits)
    return days if days <= LONGEST_RUN else None

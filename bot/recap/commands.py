"""The /recap commands as plain functions, for the Discord adapter and the console alike:
subscribe, unsubscribe, list, pause, resume, preview. Each checks what the member typed,
changes the state database, and returns a `RecapReply` worded in the member's language.

Sync functions taking the state database: async callers go through `bot.storage.run_sync`,
then call `RecapScheduler.notify_changed()` after a change.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime


from ..storage import StateDatabase
from ..answering.index import SagaIndex
from ..answering.moments import parse_moment
from ..answering.normalize import Locale
from ..answering.phrasing import join_names, phrase_day, shorten_echo
from ..messages import say
from .compose import accepts_anniversary, compose_next_post, find_day_preview
from .plan import plan_replay
from .posts import ANNIVERSARY, DIGEST, MODES, REPLAY, Post
from .schedule import (DEFAULT_TIME, DEFAULT_TIMEZONE, compute_due_time, describe_local, format_time_of_day, load_timezone,
                       parse_time_of_day)
from .store import (Subscription, delete_subscription, get_subscription, list_subscriptions, read_seen, save_subscription,
                    update_subscription)

# What the bot needs in a channel to post a recap (discord.Permissions attribute names).
REQUIRED_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
ChannelLabel = Callable[[int], str]
# How a member's own words are shown back in an error: shortened; on Discord, also made inert.
Echo = Callable[[str], str]


def mention_channel(channel_id: int) -> str:
    """How Discord shows a channel: '<#123>'."""
    return f"<#{channel_id}>"


@dataclass(frozen=True)
class RecapReply:
    """The reply to one /recap command: `text` to show, `ok` False when the input was refused."""

    ok: bool
    text: str
    subscription: Subscription | None = None
    subscriptions: list[Subscription] = field(default_factory=list)
    post: Post | None = None
    # when the subscription posts next (UTC), for a Discord timestamp (<t:…:R>) if the adapter likes
    next_post_at: datetime | None = None


def pick_post_locale(guild_locale: str | None) -> Locale:
    """A server's posts are in French when its locale is French, in English otherwise."""
    return "fr" if (guild_locale or "").lower().startswith("fr") else "en"


def subscribe(db: StateDatabase, index: SagaIndex, *, guild_id: int, channel_id: int, post_locale: Locale,
              reply_locale: Locale, now: datetime, time_text: str | None = None, timezone_name: str | None = None,
              mode: str | None = None, created_by: int | None = None, label: ChannelLabel = mention_channel,
              echo: Echo = shorten_echo) -> RecapReply:
    """`/recap subscribe [channel] [time] [timezone] [mode]`: one subscription per channel. On a
    channel already subscribed, what is not given stays as it was (a digest stays a digest).
    Permissions are the adapter's to check first (`describe_missing_permissions`)."""
    existing = get_subscription(db, channel_id, guild_id)
    at = parse_time_of_day(time_text) if time_text else existing.at if existing else DEFAULT_TIME
    if at is None:
        return RecapReply(False, say("recap.error.time", reply_locale, asked=echo(time_text or "")))
    zone_name = (timezone_name or (existing.timezone if existing else DEFAULT_TIMEZONE)).strip()
    if load_timezone(zone_name) is None:
        return RecapReply(False, say("recap.error.timezone", reply_locale, asked=echo(timezone_name or "")))
    chosen = (mode or (existing.mode if existing else REPLAY)).strip().lower()
    if chosen not in MODES:
        return RecapReply(False, say("recap.error.mode", reply_locale, asked=echo(mode or "")))
    # A new digest tells what comes *after* it starts: today's events count as already seen. One
    # that goes on keeps what it has not posted yet.
    starts = existing is None or existing.mode != chosen
    seen = [event.id for event in index.events] if chosen == DIGEST and starts else []
    subscription, created = save_subscription(db, guild_id=guild_id, channel_id=channel_id, at=at, timezone_name=zone_name,
                                              mode=chosen, locale=post_locale, now=now, created_by=created_by, seen_event_ids=seen)
    next_at = find_next_post(index, subscription)
    state = describe_state(index, subscription, reply_locale, next_at, _has_news(db, index, subscription))
    text = say("recap.subscribed" if created else "recap.updated", reply_locale, mode=say(f"recap.mode.{chosen}", reply_locale),
               channel=label(channel_id), time=subscription.time, timezone=subscription.timezone, state=_capitalise(state))
    return RecapReply(True, text, subscription, next_post_at=next_at)


def unsubscribe(db: StateDatabase, *, guild_id: int, channel_id: int, reply_locale: Locale,
                label: ChannelLabel = mention_channel) -> RecapReply:
    """`/recap unsubscribe [channel]`."""
    subscription = get_subscription(db, channel_id, guild_id)
    if subscription is None:
        return RecapReply(False, say("recap.not_subscribed", reply_locale, channel=label(channel_id)))
    delete_subscription(db, subscription.id)
    return RecapReply(True, say("recap.unsubscribed", reply_locale, channel=label(channel_id)), subscription)


def list_recaps(db: StateDatabase, index: SagaIndex, *, guild_id: int, reply_locale: Locale,
                label: ChannelLabel = mention_channel) -> RecapReply:
    """`/recap list`: every subscription of the server, its next post, or why it stopped."""
    subscriptions = list_subscriptions(db, guild_id)
    if not subscriptions:
        return RecapReply(True, say("recap.list.empty", reply_locale))
    lines = [say("recap.list.title", reply_locale)]
    for subscription in subscriptions:
        lines.append(say("recap.list.line", reply_locale, channel=label(subscription.channel_id),
                         mode=say(f"recap.mode.{subscription.mode}", reply_locale), time=subscription.time,
                         timezone=subscription.timezone,
                         state=describe_state(index, subscription, reply_locale, find_next_post(index, subscription),
                                              _has_news(db, index, subscription))))
    return RecapReply(True, "\n".join(lines), subscriptions=subscriptions)


def pause(db: StateDatabase, *, guild_id: int, channel_id: int, reply_locale: Locale, now: datetime,
          label: ChannelLabel = mention_channel) -> RecapReply:
    """`/recap pause [channel]`: no post until resumed."""
    subscription = get_subscription(db, channel_id, guild_id)
    if subscription is None:
        return RecapReply(False, say("recap.not_subscribed", reply_locale, channel=label(channel_id)))
    updated = update_subscription(db, subscription.id, now, paused=1)
    return RecapReply(True, say("recap.paused", reply_locale, channel=label(channel_id)), updated)


def resume(db: StateDatabase, index: SagaIndex, *, guild_id: int, channel_id: int, reply_locale: Locale, now: datetime,
           label: ChannelLabel = mention_channel) -> RecapReply:
    """`/recap resume [channel]`: back on after a pause or a failure; next post at its next time
    (what was missed meanwhile is not posted in a burst; a replay goes on where it was)."""
    subscription = get_subscription(db, channel_id, guild_id)
    if subscription is None:
        return RecapReply(False, say("recap.not_subscribed", reply_locale, channel=label(channel_id)))
    updated = update_subscription(db, subscription.id, now, paused=0, disabled_reason=None,
                                  handled_until=max(now, subscription.handled_until))
    assert updated is not None
    next_at = find_next_post(index, updated)
    text = say("recap.resumed", reply_locale, channel=label(channel_id),
               state=_capitalise(describe_state(index, updated, reply_locale, next_at, _has_news(db, index, updated))))
    return RecapReply(True, text, updated, next_post_at=next_at)


def preview(db: StateDatabase | None, index: SagaIndex, *, reply_locale: Locale, now: datetime, day_text: str | None = None,
            channel_id: int | None = None, guild_id: int | None = None, mode: str | None = None,
            post_locale: Locale | None = None, echo: Echo = shorten_echo) -> RecapReply:
    """`/recap preview [day]`: the very post the replay sends for a saga day (and whether it tells
    the day with others, after the last day, or in the closing post); without a day, the next post
    of the channel's subscription, or the first post of `mode` (replay by default) before subscribing."""
    locale = post_locale or reply_locale
    if day_text:
        moment = parse_moment(day_text)
        if moment is None or moment.precision not in ("day", "minute"):
            return RecapReply(False, say("recap.error.day", reply_locale, asked=echo(day_text)))
        day = date.fromisoformat(moment.iso[:10])
        found = find_day_preview(index, locale, day)
        if found is None:
            return RecapReply(False, say("recap.error.no_events_day", reply_locale, day=phrase_day(day, reply_locale)))
        headers = {"day": "recap.preview.header", "merged": "recap.preview.merged", "after": "recap.preview.after",
                   "before": "recap.preview.before"}
        last = plan_replay(index).last_day
        header = say(headers[found.telling], reply_locale, day=phrase_day(day, reply_locale),
                     last=phrase_day(last, reply_locale) if last else "")
        return RecapReply(True, header, post=found.post)
    subscription = get_subscription(db, channel_id, guild_id) if db is not None and channel_id is not None else None
    if subscription is not None and db is not None:
        return _preview_subscription(db, index, subscription, reply_locale, now)
    chosen = (mode or REPLAY).strip().lower()
    if chosen not in MODES:
        return RecapReply(False, say("recap.error.mode", reply_locale, asked=echo(mode or "")))
    zone = load_timezone(DEFAULT_TIMEZONE)
    assert zone is not None
    due = compute_due_time(DEFAULT_TIME, zone, now, (lambda day: accepts_anniversary(index, day)) if chosen == ANNIVERSARY else None)
    today = due.astimezone(zone).date() if due else now.astimezone(zone).date()
    seen = {event.id for event in index.events}
    post = compose_next_post(index, chosen, locale, today, None, seen)
    if post is None:
        return RecapReply(True, say("recap.preview.nothing_new", reply_locale))
    return RecapReply(True, say("recap.preview.header", reply_locale), post=post, next_post_at=due)


def describe_missing_permissions(missing: list[str], channel_id: int, reply_locale: Locale,
                                 label: ChannelLabel = mention_channel) -> str:
    """'I can't post in <#1>: I am missing Send Messages and Embed Links.' (`missing`: names
    from REQUIRED_PERMISSIONS)."""
    names = [say(f"recap.permission.{name}", reply_locale) for name in missing]
    return say("recap.error.missing_permissions", reply_locale, channel=label(channel_id),
               permissions=join_names(names, reply_locale))


def describe_permission_needed(reply_locale: Locale) -> str:
    """What a member without Manage Channels is told (the adapter checks it in the command too)."""
    return say("recap.error.manage_channels", reply_locale)


def describe_quiz_button(post: Post) -> str:
    """The label of a post's "question of the day" button, in the post's language."""
    return say("recap.quiz_button", post.locale)


def find_next_post(index: SagaIndex, subscription: Subscription) -> datetime | None:
    """When the subscription posts next (None when it is paused, stopped, or has no day to post on)."""
    if not subscription.active:
        return None
    accept = (lambda day: accepts_anniversary(index, day)) if subscription.mode == ANNIVERSARY else None
    return compute_due_time(subscription.at, subscription.zone, subscription.handled_until, accept)


def describe_state(index: SagaIndex, subscription: Subscription, locale: Locale, next_at: datetime | None,
                   has_news: bool = True) -> str:
    """'next post: Tuesday 5 March 2024 at 09:00 (Europe/Paris)', 'paused …', 'stopped: <reason> …';
    a digest with nothing new (`has_news` False) says when it looks again and that it posts only news."""
    if subscription.disabled_reason:
        return say("recap.state.disabled", locale, reason=say(subscription.disabled_reason, locale))
    if subscription.paused:
        return say("recap.state.paused", locale)
    if next_at is None:
        return say("recap.state.none", locale)
    when = describe_instant(next_at, subscription.timezone, locale)
    if subscription.mode == DIGEST and not has_news:
        return say("recap.state.digest_waiting", locale, when=when)
    return say("recap.state.next", locale, when=when)


def describe_instant(instant: datetime, timezone_name: str, locale: Locale) -> str:
    """'mardi 5 mars 2024 à 09:00 (Europe/Paris)'."""
    zone = load_timezone(timezone_name)
    assert zone is not None
    day, at = describe_local(instant, zone)
    return say("recap.when", locale, day=phrase_day(day, locale), time=format_time_of_day(at), timezone=timezone_name)


def _preview_subscription(db: StateDatabase, index: SagaIndex, subscription: Subscription, reply_locale: Locale,
                          now: datetime) -> RecapReply:
    due = find_next_post(index, subscription) if subscription.active else None
    moment = max(due, now) if due else now
    today = moment.astimezone(subscription.zone).date()
    seen = read_seen(db, subscription.id) if subscription.mode == DIGEST else frozenset()
    post = compose_next_post(index, subscription.mode, subscription.locale, today, subscription.replay_day, seen)
    if post is None:
        return RecapReply(True, say("recap.preview.nothing_new", reply_locale), subscription)
    return RecapReply(True, say("recap.preview.header", reply_locale), subscription, post=post, next_post_at=due)


def _has_news(db: StateDatabase, index: SagaIndex, subscription: Subscription) -> bool:
    """Has a digest something to post (an event it has not posted or started from)? Other modes always have."""
    if subscription.mode != DIGEST:
        return True
    seen = read_seen(db, subscription.id)
    return any(event.id not in seen for event in index.events)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]

"""Which Discord shards this process runs, and so which guilds are its own.

Discord splits a bot's guilds over `count` shards: a guild belongs to shard
`(guild_id >> 22) % count`. A process runs some of them (`SAGABOT_SHARDS`, a range such as
`0-3` or a list such as `0,2`, out of `SAGABOT_SHARD_COUNT`); its background work (quiz driver,
recap scheduler) acts only on the guilds of its shards, so that two processes never act on
the same guild. Without either variable, the bot is one connection, as Discord allows up to
2,500 guilds.
"""
from __future__ import annotations

from dataclasses import dataclass

from .recap.pacing import GLOBAL_BURST, GLOBAL_RATE

# Discord's limit for one connection; far more shards than this process could ever need.
MAX_SHARDS = 4096
# Discord allows 50 requests per second per bot, whatever the number of processes. Each
# process's pacer lets a burst through on top of its rate, so the processes' rates and bursts
# together stay at 49 or under (one to spare for the jitter of the network): one process paces
# at 45/s with a burst of 3, as always (issue #6); a process sharing the limit keeps nearly to
# its pace, a burst of 1.25: each burst costs rate, in every process, but a burst of exactly 1
# would lose the time each timer fires late (two processes: 23.25/s each).
BOT_REST_LIMIT = 49.0
SHARED_BURST = 1.25
# A process always gets some pace, even as one of very many.
MIN_REST_BUDGET = 0.5


@dataclass(frozen=True)
class ShardPlan:
    """The shards of the whole bot (`count`) and those this process runs (`ids`)."""

    count: int
    ids: tuple[int, ...]

    def owns_guild(self, guild_id: int) -> bool:
        """Whether the guild is on one of this process's shards."""
        return find_shard(guild_id, self.count) in self.ids


def find_shard(guild_id: int, count: int) -> int:
    """The shard a guild belongs to, by Discord's rule."""
    return (guild_id >> 22) % count


def parse_shard_plan(count_text: str | None, ids_text: str | None) -> ShardPlan | None:
    """The plan from SAGABOT_SHARD_COUNT and SAGABOT_SHARDS; None when neither is set (one
    connection). ValueError, saying what is expected, when they are wrong."""
    count_text, ids_text = (count_text or "").strip(), (ids_text or "").strip()
    if not count_text and not ids_text:
        return None
    if not count_text:
        raise ValueError("SAGABOT_SHARDS needs SAGABOT_SHARD_COUNT: the number of shards of the whole bot, e.g. 2")
    if not (count_text.isascii() and count_text.isdecimal()) or not 1 <= int(count_text) <= MAX_SHARDS:
        raise ValueError(f"SAGABOT_SHARD_COUNT wants a whole number from 1 to {MAX_SHARDS}; got {count_text!r}")
    count = int(count_text)
    ids = _read_ids(ids_text, count) if ids_text else tuple(range(count))
    return ShardPlan(count, ids)


def _read_ids(text: str, count: int) -> tuple[int, ...]:
    expected = f"SAGABOT_SHARDS wants shard numbers from 0 to {count - 1}, as a range (0-3) or a list (0,2); got {text!r}"
    ids: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        numbers = [first.strip(), last.strip()] if last else [first.strip()]
        if not all(number.isascii() and number.isdecimal() for number in numbers):
            raise ValueError(expected)
        low, high = int(numbers[0]), int(numbers[-1])
        if not 0 <= low <= high < count:
            raise ValueError(expected)
        ids += [shard for shard in range(low, high + 1) if shard not in ids]
    return tuple(sorted(ids))


@dataclass(frozen=True)
class RestBudget:
    """How fast this process's recap fan-out may send: its pacer's rate (requests per second)
    and the burst it lets through on top."""

    rate: float = GLOBAL_RATE
    burst: float = GLOBAL_BURST


def compute_rest_budget(plan: ShardPlan | None, budget_text: str | None) -> RestBudget:
    """This process's budget. A process alone paces as ever and may burst; one sharing the
    bot's limit keeps nearly to its pace, at SAGABOT_REST_BUDGET when set, else at its shards'
    share of the bot's limit less its burst: whatever the split of the shards, the processes'
    rates and bursts add up to BOT_REST_LIMIT at most, as long as each runs a twenty-eighth of
    the shards or more (a smaller share is its burst alone: put a REST proxy in front, or set
    the budgets)."""
    alone = plan is None or len(plan.ids) == plan.count
    burst = GLOBAL_BURST if alone else SHARED_BURST
    text = (budget_text or "").strip()
    if text:
        try:
            budget = float(text)
        except ValueError:
            budget = 0.0
        if not text.isascii() or not 0 < budget <= 50:
            raise ValueError(f"SAGABOT_REST_BUDGET wants requests per second, above 0 and at most 50; got {text!r}")
        return RestBudget(budget, burst)
    if plan is None or alone:
        return RestBudget(GLOBAL_RATE, burst)
    return RestBudget(max(MIN_REST_BUDGET, len(plan.ids) / plan.count * BOT_REST_LIMIT - burst), burst)

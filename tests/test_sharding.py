"""Which shards a process runs (SAGABOT_SHARD_COUNT, SAGABOT_SHARDS) and which guilds are its own."""
from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.sharding import ShardPlan, compute_rest_budget, find_shard, parse_shard_plan


@pytest.mark.parametrize(("count", "shards", "expected"), [
    (None, None, None),
    ("", " ", None),
    ("2", None, ShardPlan(2, (0, 1))),
    ("2", "1", ShardPlan(2, (1,))),
    ("8", "0-3", ShardPlan(8, (0, 1, 2, 3))),
    ("8", "6,0,2", ShardPlan(8, (0, 2, 6))),
    ("8", "0-1, 1-2", ShardPlan(8, (0, 1, 2))),
    (" 4 ", " 3 ", ShardPlan(4, (3,))),
])
def test_a_plan_reads_a_count_and_a_range_or_a_list(count: str | None, shards: str | None, expected: ShardPlan | None) -> None:
    assert parse_shard_plan(count, shards) == expected


@pytest.mark.parametrize(("count", "shards", "says"), [
    (None, "1", "SAGABOT_SHARDS needs SAGABOT_SHARD_COUNT"),
    ("0", None, "SAGABOT_SHARD_COUNT wants a whole number from 1 to 4096"),
    ("two", None, "SAGABOT_SHARD_COUNT wants a whole number"),
    ("²", None, "SAGABOT_SHARD_COUNT wants a whole number"),
    ("2", "2", "SAGABOT_SHARDS wants shard numbers from 0 to 1"),
    ("4", "3-1", "as a range (0-3) or a list (0,2)"),
    ("4", "-1", "got '-1'"),
    ("4", "0,,1", "SAGABOT_SHARDS wants"),
])
def test_a_wrong_plan_says_what_is_expected(count: str | None, shards: str | None, says: str) -> None:
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse_shard_plan(count, shards)


def test_a_guild_belongs_to_the_shard_discord_gives_it() -> None:
    # Discord's own example: guild 197038439483310086 on shard 0 of 1, and its creation time in the high bits.
    assert find_shard(197038439483310086, 1) == 0
    assert find_shard(4 << 22, 3) == 1 and ShardPlan(3, (1,)).owns_guild(4 << 22)
    assert not ShardPlan(3, (0, 2)).owns_guild(4 << 22)


@given(guild=st.integers(min_value=1, max_value=2**63 - 1), count=st.integers(min_value=1, max_value=64))
def test_every_guild_has_exactly_one_owner_among_processes_covering_all_shards(guild: int, count: int) -> None:
    plans = [ShardPlan(count, (shard,)) for shard in range(count)]
    assert sum(plan.owns_guild(guild) for plan in plans) == 1


@pytest.mark.parametrize(("plan", "budget", "expected"), [
    (None, None, 45.0),  # one process: as always
    (ShardPlan(2, (0, 1)), None, 45.0),  # both shards in one process
    (ShardPlan(2, (1,)), None, 23.25),  # one of two processes: rates and bursts of both stay at 49
    (ShardPlan(8, (0, 1)), None, 11.0),  # a quarter of the shards
    (ShardPlan(4, (0, 1, 2)), None, 35.5),  # three quarters: its partner, with one shard, gets 11
    (ShardPlan(2, (1,)), "30", 30.0),  # said outright
    (None, " 12.5 ", 12.5),
])
def test_each_process_paces_at_its_share_of_the_bots_limit(plan: ShardPlan | None, budget: str | None, expected: float) -> None:
    assert compute_rest_budget(plan, budget).rate == expected


@given(sizes=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=16))
def test_the_processes_together_never_exceed_discords_limit(sizes: list[int]) -> None:
    # Processes running `sizes` shards each, in any uneven split of the bot's shards where each
    # has a twenty-eighth of them at least (below, its burst alone is its share: see compute_rest_budget).
    count, starts = sum(sizes), [sum(sizes[:i]) for i in range(len(sizes))]
    assume(all(size * 28 >= count for size in sizes))
    plans = [ShardPlan(count, tuple(range(start, start + size))) for start, size in zip(starts, sizes)]
    # every process's rate over a second, plus its burst, against Discord's 50
    budgets = [compute_rest_budget(plan, None) for plan in plans]
    assert sum(budget.rate + budget.burst for budget in budgets) <= 49 + 1e-9


@pytest.mark.parametrize("budget", ["0", "-3", "51", "fast", "٣٠"])
def test_a_wrong_budget_says_what_is_expected(budget: str) -> None:
    with pytest.raises(ValueError, match="SAGABOT_REST_BUDGET wants requests per second, above 0 and at most 50"):
        compute_rest_budget(None, budget)

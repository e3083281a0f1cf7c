"""The container set-up says what the README promises: one service, token from an env file,
a named volume for the state database, a restart policy and a health check."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from bot.answering.index import SagaIndex
from bot.health import MAX_AGE_SECONDS, check_health
from bot.settings import PROJECT_ROOT, Settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_compose_has_one_bot_service_with_token_volume_restart_and_health() -> None:
    singles = [name for name, service in COMPOSE["services"].items() if "single" in service.get("profiles", [])]
    assert singles == ["bot"]
    bot = COMPOSE["services"]["bot"]
    assert bot["env_file"] == ".env"
    volume, mount = bot["volumes"][0].split(":")
    assert volume in COMPOSE["volumes"] and mount == "/app/var"
    assert bot["environment"]["SAGABOT_STATE_DB"].startswith(mount)
    assert bot["restart"] in ("always", "unless-stopped")
    assert bot["healthcheck"]["test"][-3:] == ["-m", "bot", "health"]
    assert "DISCORD_TOKEN" not in str(bot.get("environment"))


def test_every_service_belongs_to_one_profile_and_env_example_picks_single() -> None:
    # A service without a profile would start beside the cluster's processes: a second bot.
    assert all(len(service.get("profiles", [])) == 1 for service in COMPOSE["services"].values())
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    assert "\nCOMPOSE_PROFILES=single\n" in example


def test_the_cluster_profile_runs_postgres_and_processes_covering_every_shard_once() -> None:
    from bot.postgres import describe_url
    from bot.sharding import parse_shard_plan

    cluster = {name: service for name, service in COMPOSE["services"].items() if service.get("profiles") == ["cluster"]}
    postgres = cluster.pop("postgres")
    volume, _ = postgres["volumes"][0].split(":")
    assert volume in COMPOSE["volumes"] and "pg_isready" in postgres["healthcheck"]["test"]
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${")  # from .env, never written here
    assert len(cluster) >= 2
    plans = []
    for service in cluster.values():
        environment = service["environment"]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["restart"] == "unless-stopped" and service["healthcheck"]["test"][-3:] == ["-m", "bot", "health"]
        assert describe_url(environment["SAGABOT_STATE_URL"]) == "postgresql://sagabot@postgres/sagabot"
        assert "${POSTGRES_PASSWORD}" in environment["SAGABOT_STATE_URL"]
        plans.append(parse_shard_plan(environment["SAGABOT_SHARD_COUNT"], environment["SAGABOT_SHARDS"]))
    counts = {plan.count for plan in plans if plan is not None}
    assert len(counts) == 1
    shards = sorted(shard for plan in plans if plan is not None for shard in plan.ids)
    assert shards == list(range(counts.pop()))  # every shard, each in one process


def test_dockerfile_runs_the_bot_with_a_health_check() -> None:
    assert 'CMD ["python", "-m", "bot", "run"]' in DOCKERFILE
    assert 'HEALTHCHECK' in DOCKERFILE and '"bot", "health"' in DOCKERFILE
    for folder in ("bot", "data", "seeds"):
        assert f"COPY {folder} ./{folder}" in DOCKERFILE


def settings_with(tmp_path: Path) -> Settings:
    return Settings(tmp_path, tmp_path, tmp_path, tmp_path / "saga.db", health_file=tmp_path / "health.json")


def test_health_needs_a_fresh_connected_heartbeat(tmp_path: Path) -> None:
    settings = settings_with(tmp_path)
    assert check_health(settings) == 1
    settings.health_file.write_text(f'{{"ready": true, "at": {time.time():f}, "latency": 0.05}}', encoding="utf-8")
    assert check_health(settings) == 0
    assert check_health(settings, now=time.time() + MAX_AGE_SECONDS + 5) == 1
    settings.health_file.write_text(f'{{"ready": false, "at": {time.time():f}}}', encoding="utf-8")
    assert check_health(settings) == 1


def test_health_fails_while_a_background_loop_is_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_with(tmp_path)
    loops = {"quiz driver": {"running": True, "restarts": 0, "last_error": None},
             "recap scheduler": {"running": False, "restarts": 3, "last_error": "OperationalError: database is locked"}}
    beat = {"ready": True, "at": time.time(), "latency": 0.05, "loops": loops}
    settings.health_file.write_text(json.dumps(beat), encoding="utf-8")
    assert check_health(settings) == 1
    assert "the recap scheduler is down (3 restarts; last error: OperationalError: database is locked)" in capsys.readouterr().err
    loops["recap scheduler"]["running"] = True
    settings.health_file.write_text(json.dumps(beat), encoding="utf-8")
    assert check_health(settings) == 0


def test_health_fails_while_the_state_database_is_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_with(tmp_path)
    beat = {"ready": True, "at": time.time(), "latency": 0.05, "loops": {}, "state_problem": "var/state.db: file is not a database"}
    settings.health_file.write_text(json.dumps(beat), encoding="utf-8")
    assert check_health(settings) == 1
    assert "quizzes and recaps are off: var/state.db: file is not a database" in capsys.readouterr().err


def test_health_reports_each_shards_latency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_with(tmp_path)
    beat = {"ready": True, "at": time.time(), "latency": 0.06, "loops": {}, "shards": {"10": 0.05, "2": float("inf"), "3": 0.07}}
    settings.health_file.write_text(json.dumps(beat), encoding="utf-8")
    assert check_health(settings) == 0
    assert "gateway latency 60 ms (shard 2 unknown, shard 3 70 ms, shard 10 50 ms)" in capsys.readouterr().out


async def test_the_heartbeat_of_a_sharded_bot_has_each_shard(tmp_path: Path, saga_index: SagaIndex) -> None:
    from bot.client import make_bot
    from bot.cogs.health import Health
    from bot.sharding import ShardPlan

    settings = settings_with(tmp_path)
    bot = make_bot(settings, saga_index, None, "no state here", ShardPlan(4, (1, 3)))
    Health(bot).beat()
    beat = json.loads(settings.health_file.read_text(encoding="utf-8"))
    assert set(beat["shards"]) == {"1", "3"} and beat["ready"] is False
    unsharded = make_bot(settings, saga_index, None, "no state here")
    Health(unsharded).beat()
    assert "shards" not in json.loads(settings.health_file.read_text(encoding="utf-8"))

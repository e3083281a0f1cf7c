"""`python -m bot health`: is the running bot's heartbeat (cogs/health.py) fresh and connected?"""
from __future__ import annotations

import json
import sys
import time

from .settings import Settings

# Three missed heartbeats (every 30 s) mean the bot is stuck or disconnected.
MAX_AGE_SECONDS = 100


def check_health(settings: Settings, now: float | None = None) -> int:
    """0 when healthy; 1 with a one-line reason otherwise."""
    try:
        beat = json.loads(settings.health_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(f"unhealthy: no heartbeat at {settings.health_file}", file=sys.stderr)
        return 1
    age = (now if now is not None else time.time()) - float(beat.get("at", 0))
    if age > MAX_AGE_SECONDS:
        print(f"unhealthy: last heartbeat {age:.0f} s ago", file=sys.stderr)
        return 1
    if not beat.get("ready"):
        print("unhealthy: not connected to the gateway", file=sys.stderr)
        return 1
    if beat.get("state_problem"):
        print(f"unhealthy: answering questions, but quizzes and recaps are off: {beat['state_problem']}", file=sys.stderr)
        return 1
    for name, loop in (beat.get("loops") or {}).items():
        if not loop.get("running"):
            # restarted with a growing pause: a loop caught between two attempts keeps failing
            print(f"unhealthy: the {name} is down ({loop.get('restarts', 0)} restarts; last error: {loop.get('last_error')})",
                  file=sys.stderr)
            return 1
    shards = beat.get("shards") or {}
    latencies = ", ".join(f"shard {shard} {_in_ms(latency)}" for shard, latency in sorted(shards.items(), key=lambda item: int(item[0])))
    print(f"healthy: heartbeat {age:.0f} s ago, gateway latency {_in_ms(beat.get('latency', 0))}"
          + (f" ({latencies})" if latencies else ""))
    return 0


def _in_ms(seconds: float | None) -> str:
    # discord.py reports an infinite latency for a shard that has not heard a heartbeat ACK yet
    return "unknown" if seconds is None or seconds != seconds or seconds == float("inf") else f"{seconds * 1000:.0f} ms"

"""The command line, run as a member of the team would: a real subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_data_check_exits_zero_on_the_shipped_data() -> None:
    result = run("data", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check: ok: 0 problems, 0 uncited sentences" in result.stdout


def test_data_build_writes_the_database(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "saga.db"
    result = run("data", "build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists() and "events" in result.stdout


@pytest.mark.parametrize("args", [(), ("data",), ("data", "build"), ("fly",)])
def test_bad_usage_exits_2_with_a_usage_line(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_data_gives_located_messages_not_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "articles.yaml").write_text("- seed: [unclosed\n", encoding="utf-8")
    result = run("data", "check", env={"SAGABOT_DATA": str(data), "SAGABOT_SEEDS": str(PROJECT_ROOT / "seeds")})
    assert result.returncode == 1
    assert "articles.yaml:2: this is not valid YAML" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr

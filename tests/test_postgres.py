"""The PostgreSQL state database (bot.postgres), against a real server: placeholders, a lost
connection taken up again, an unreachable server at start, and no password in any message."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from bot.postgres import PostgresDatabase, describe_url, translate_placeholders
from bot.quiz import store as quiz_store
from bot.settings import PROJECT_ROOT
from bot.storage import close_state, open_state, retry_write


@pytest.mark.parametrize(("sql", "expected"), [
    ("select ? , '?' , \"a?\"", "select %s , '?' , \"a?\""),
    ("select 5 % 2 where x = ?", "select 5 %% 2 where x = %s"),
    ("select 'it''s ?' , ?", "select 'it''s ?' , %s"),
])
def test_placeholders_become_psycopgs_outside_quotes(sql: str, expected: str) -> None:
    assert translate_placeholders(sql) == expected


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://sagabot:s3cret@db.example:5432/saga", "postgresql://sagabot@db.example/saga"),
    ("postgresql://postgres:@/postgres?host=/tmp/x", "postgresql://postgres@/tmp/x/postgres"),
    ("postgresql://u:pw@h/d?password=other", "postgresql://u@h/d"),
    ("postgresql://broken url", "postgresql://(unreadable URL)"),
])
def test_a_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert describe_url(url) == shown


def test_postgres_a_lost_connection_is_taken_up_again(postgres_url: str) -> None:
    db = open_state(postgres_url, [quiz_store.migrations])
    assert isinstance(db, PostgresDatabase)
    (pid,) = db.execute("select pg_backend_pid()").fetchone()
    with psycopg.connect(postgres_url, autocommit=True) as admin:  # the server drops the bot's connection
        admin.execute("select pg_terminate_backend(%s)", [pid])
    # The next write fails once on the dead connection, and its retry goes through a new one.
    count = retry_write(lambda: db.execute("select count(*) from quizzes").fetchone()[0], delays=(0.01,))
    assert count == 0
    assert db.execute("select pg_backend_pid()").fetchone()[0] != pid
    close_state(db)


def test_postgres_out_of_reach_at_start_leaves_questions_working(tmp_path: Path) -> None:
    # In a fresh interpreter: psycopg is loaded only when a PostgreSQL database is opened, and
    # its errors must still be caught then.
    url = f"postgresql://sagabot:hunter2@/sagabot?host={tmp_path}&connect_timeout=1"  # no server listens there
    script = ("import sys; from bot.client import try_bot_state; from bot.settings import Settings; "
              "assert 'psycopg' not in sys.modules; db, problem = try_bot_state(Settings.from_environment()); "
              "assert db is None; print(problem)")
    env = {**os.environ, "SAGABOT_STATE_URL": url}
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"postgresql://sagabot@{tmp_path}/sagabot: ")
    assert "hunter2" not in result.stdout + result.stderr
    assert "quizzes and recaps are off" in result.stderr and "SAGABOT_STATE_URL" in result.stderr


def test_the_state_databases_password_is_redacted_from_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from bot.postgres import find_url_secrets
    from bot.secrets_filter import TokenRedactor

    secrets = find_url_secrets("postgresql://sagabot:p%40ss-w0rd@db/saga")
    assert secrets == ["p@ss-w0rd"]
    redactor = TokenRedactor(secrets)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "could not connect with p@ss-w0rd", None, None)
    redactor.filter(record)
    assert "p@ss-w0rd" not in record.getMessage()
    assert find_url_secrets(None) == [] and find_url_secrets("postgresql://u@h/d") == []

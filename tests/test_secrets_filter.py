"""The token never reaches a log line or stderr, nor do interaction tokens."""
from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from bot.secrets_filter import REDACTED, TokenRedactor

TOKEN = "MTAx.secret.token-value"


@pytest.mark.parametrize(("text", "hidden"), [
    (f"Authorization: Bot {TOKEN}", TOKEN),
    ("POST https://discord.com/api/v10/interactions/1234/aW50ZXJhY3Rpb246c2VjcmV0/callback", "aW50ZXJhY3Rpb246c2VjcmV0"),
    ("PATCH /webhooks/900000000000000001/token-950000000000000002/messages/@original", "token-950000000000000002"),
])
def test_secrets_and_interaction_tokens_are_redacted(text: str, hidden: str) -> None:
    record = logging.LogRecord("discord.http", logging.DEBUG, __file__, 1, "%s", (text,), None)
    TokenRedactor([TOKEN]).filter(record)
    assert hidden not in record.getMessage() and REDACTED in record.getMessage()


def test_a_traceback_that_escapes_to_the_interpreter_is_redacted() -> None:
    program = ("from bot.secrets_filter import protect_logs\n"
               f"protect_logs({TOKEN!r})\n"
               f"raise RuntimeError('connecting with ' + {TOKEN!r})\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "RuntimeError: connecting with [token redacted]" in result.stderr and TOKEN not in result.stderr

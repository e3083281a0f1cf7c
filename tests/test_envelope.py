"""The console's JSON contract is made in one place, and a failing line still gets one."""
from __future__ import annotations

from typing import Any

import pytest

from bot.envelope import guard_line, make_envelope
from bot.messages import say

KEYS = {"command", "ok", "locale", "text", "answer"}
ANSWER_KEYS = {"kind", "people", "date", "figures", "events"}


def test_an_envelope_without_engine_data_has_the_contracts_empty_answer() -> None:
    reply = make_envelope("quiz", True, "fr", "Quiz lancé.", kind="quiz")
    assert set(reply) == KEYS and set(reply["answer"]) == ANSWER_KEYS
    assert reply["answer"]["kind"] == "quiz" and reply["answer"]["events"] == []
    assert make_envelope("recap", False, "en", "Expected: …")["answer"]["kind"] == "error"


def test_a_line_that_fails_gets_the_internal_error_and_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> dict[str, Any]:
        raise RuntimeError("disk full")

    reply = guard_line("recap", "/recap run", "fr", broken)
    assert reply["ok"] is False and reply["text"] == say("error.internal", "fr") and set(reply) == KEYS
    error = capsys.readouterr().err
    assert "disk full" in error and "Traceback" not in error

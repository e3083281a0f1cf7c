"""The console's JSON contract: one object per line, made in one place for every command.

`{"command", "ok", "locale", "text", "answer": {"kind", "people", "date", "figures", "events"}}`;
question commands fill `answer` from the engine's data (`serialise_answer`), quiz and recap lines
give their kind and, for recap posts, the events they tell.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .answering.normalize import Locale
from .messages import say


def make_envelope(command: str, ok: bool, locale: Locale, text: str, answer: dict[str, Any] | None = None,
                  kind: str | None = None, events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One reply of the contract; `answer` as the engine serialised it, or an empty one of `kind`."""
    if answer is None:
        answer = {"kind": kind or ("error" if not ok else command), "people": [], "date": None, "figures": [],
                  "events": events or []}
    return {"command": command, "ok": ok, "locale": locale, "text": text, "answer": answer}


def guard_line(command: str, line: str, locale: Locale, reply: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`reply()`, or, if it fails, the contract's internal error: a member's line never ends in a
    traceback (the error goes to standard error for whoever runs the console)."""
    try:
        return reply()
    except Exception as error:  # noqa: BLE001 - any failure becomes a clear reply, and is reported on stderr
        print(f"sagabot: internal error on {line[:200]!r}: {error!r}", file=sys.stderr)
        return make_envelope(command, False, locale, say("error.internal", locale))

"""The console: the lines a member types in Discord (`/who qui a viré Altman ?`,
`/timeline day: dimanche entity: Murati`), answered without Discord.

A line is parsed into a command and its arguments, one engine function answers it, and the
answer is worded (`text`) or given as the JSON contract (`--json`, one object per line). The
console holds no logic of its own: Discord will call the same engine functions.
"""
from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from .answering import engine
from .answering.answers import Answer, serialise_answer
from .answering.index import SagaIndex, load_index
from .answering.normalize import FALLBACK_LOCALE, Locale
from .answering.replies import render
from .curation.checks import fold
from .messages import command_name, say
from .settings import Settings

# The option names of each command, as the Discord slash commands will name them.
OPTIONS: dict[str, tuple[str, ...]] = {
    "who": ("description",),
    "when": ("description",),
    "what": ("entity", "name"),
    "timeline": ("day", "entity"),
    "role": ("role", "date"),
    "quote": ("words", "person"),
    "source": ("event",),
    "ask": ("question",),
    "help": (),
}
EXIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit"})
# A command typed by its French name, as Discord shows it to French members (`/aide`, `/qui`,
# `/récap`): the catalogue's `cmd.<command>.name`, with or without accents.
FRENCH_NAMES = {fold(command_name(command, "fr")): command
                for command in (*engine.COMMANDS, "quiz", "recap") if fold(command_name(command, "fr")) != command}


@dataclass(frozen=True)
class Line:
    """A typed line: the command, its free text, and its named options (`day: dimanche`)."""

    command: str
    text: str
    options: dict[str, str] = field(default_factory=dict)
    # the language the command's own name is in, when it tells (`/aide` is French)
    locale: Locale | None = None


def parse_line(line: str) -> Line:
    """'/when description: Brockman démissionne' → Line('when', '', {'description': 'Brockman démissionne'}).
    A line without a slash command is a question for /ask."""
    stripped = line.strip()
    if not stripped.startswith("/"):
        return Line("ask", stripped)
    name, _, rest = stripped[1:].partition(" ")
    typed = name.lower().rstrip(":")
    command = FRENCH_NAMES.get(fold(typed), typed)
    locale: Locale | None = "fr" if command != typed else None
    names = OPTIONS.get(command, ())
    if not names:
        return Line(command, rest.strip(), locale=locale)
    pattern = re.compile(rf"(?:^|\s)({'|'.join(names)}):", re.IGNORECASE)
    pieces = pattern.split(" " + rest)
    options = {pieces[i].lower(): pieces[i + 1].strip() for i in range(1, len(pieces) - 1, 2)}
    return Line(command, pieces[0].strip(), options, locale)


def answer_line(index: SagaIndex, line: str, locale: Locale | None = None) -> Answer:
    """Parse one line and answer it with the engine function of its command."""
    parsed = parse_line(line)
    if not line.strip():
        return Answer("ask", "error", locale or FALLBACK_LOCALE, ok=False, reason="error.empty")
    handler = _HANDLERS.get(parsed.command)
    locale = locale or parsed.locale
    if handler is None:
        commands = ", ".join(f"/{name}" for name in engine.COMMANDS)
        return Answer(parsed.command, "error", locale or _guess(parsed.text), ok=False, reason="error.unknown_command",
                      detail={"command": f"/{parsed.command}", "commands": commands})
    return handler(index, parsed, locale)


def handle_line(index: SagaIndex, line: str, locale: Locale | None = None) -> dict[str, Any]:
    """One line in, one JSON object out (the contract of `python -m bot shell --json`)."""
    if parse_line(line).command == "recap":
        # Daily recaps keep a session (state database, simulated clock): see bot.recap.console.
        from .recap.console import handle_recap_line

        return handle_recap_line(index, line, locale)
    try:
        answer = answer_line(index, line, locale)
    except Exception as error:  # noqa: BLE001 - a member's line must never end in a traceback
        print(f"sagabot: internal error on {line!r}: {error!r}", file=sys.stderr)
        answer = Answer(parse_line(line).command, "error", locale or FALLBACK_LOCALE, ok=False, reason="error.internal")
    return {
        "command": answer.command,
        "ok": answer.ok,
        "locale": answer.locale,
        "text": render(index, answer),
        "answer": serialise_answer(index, answer),
    }


def open_index(settings: Settings, err: TextIO, ensure: bool = True) -> SagaIndex | None:
    """The index of the saga database, rebuilt first when data/ changed; None if there is none."""
    from .curation.build import ensure_database
    from .curation.problems import DataError

    try:
        if ensure:
            ensure_database(settings.data_dir, settings.seeds_dir, settings.saga_db)
    except (DataError, OSError):
        # Someone may be mid-edit in data/: answer from the last good database meanwhile.
        if not settings.saga_db.exists():
            print(say("console.no_database", "en"), file=err)
            return None
        print(say("console.stale_database", "en", path=settings.saga_db), file=err)
    return load_index(settings.saga_db)


@dataclass
class ShellSession:
    """One console session: questions go to the engine; quiz lines to the quiz, whose state
    (scores, a running quiz) lives in the bot's state database, opened at the first quiz line."""

    settings: Settings
    index: SagaIndex
    locale: Locale | None = None
    quiz: Any = None

    def reply(self, line: str) -> dict[str, Any]:
        if parse_line(line).command == "quiz" or (self.quiz is not None and self._is_quiz(line)):
            return self._reply_quiz(line)
        return handle_line(self.index, line, self.locale)

    def _is_quiz(self, line: str) -> bool:
        from .quiz.console import is_quiz_line

        return is_quiz_line(self.quiz, line)

    def _reply_quiz(self, line: str) -> dict[str, Any]:
        from .quiz import store
        from .quiz.console import handle_quiz_line, open_console_quiz
        from .storage import open_state

        locale = self.locale or _guess(line)
        if self.quiz is None:
            self.quiz = open_console_quiz(self.index, open_state(self.settings.state_db, [store.migrations]), locale)
        text = handle_quiz_line(self.quiz, line) or ""
        empty: dict[str, Any] = {"kind": "quiz", "people": [], "date": None, "figures": [], "events": []}
        return {"command": "quiz", "ok": True, "locale": self.quiz.locale, "text": text, "answer": empty}


def run_shell(settings: Settings, lines: list[str] | None = None, as_json: bool = False, locale: Locale | None = None,
              stdin: TextIO | None = None, out: TextIO | None = None, err: TextIO | None = None, hint: str | None = None,
              ensure: bool = True) -> int:
    """Answer the `-c` lines, or the lines of standard input, or an interactive prompt."""
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    index = open_index(settings, err, ensure)
    if index is None:
        return 1
    session = ShellSession(settings, index, locale)
    interactive = lines is None and stdin.isatty() and not as_json
    if interactive:
        return _prompt(session, out, hint)
    if hint:
        print(hint, file=err)
    for line in lines if lines is not None else _read(stdin):
        if not line.strip():
            continue
        reply = session.reply(line)
        print(json.dumps(reply, ensure_ascii=False) if as_json else reply["text"] + "\n", file=out, flush=True)
    return 0


def _prompt(session: ShellSession, out: TextIO, hint: str | None) -> int:
    try:
        import readline  # noqa: F401 - arrow keys and history at the prompt
    except ImportError:
        pass
    shown = session.locale or FALLBACK_LOCALE
    print(say("console.welcome", shown), file=out)
    if hint:
        print(hint, file=out)
    while True:
        try:
            line = input("saga> ")
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return 0
        if line.strip().lower() in EXIT_WORDS:
            return 0
        if line.strip():
            print(session.reply(line)["text"] + "\n", file=out, flush=True)


def _read(stdin: TextIO) -> Iterable[str]:
    for line in stdin:
        yield line.rstrip("\n")


def _guess(text: str) -> Locale:
    from .answering.normalize import detect_locale

    return detect_locale(text) if text else FALLBACK_LOCALE


def _pick_text(parsed: Line, *names: str) -> str:
    """The command's main argument: its named option, or the free text."""
    for name in names:
        if parsed.options.get(name):
            return parsed.options[name]
    return parsed.text


_Handler = Callable[[SagaIndex, Line, "Locale | None"], Answer]
_HANDLERS: dict[str, _Handler] = {
    "who": lambda index, line, locale: engine.who(index, _pick_text(line, "description"), locale),
    "when": lambda index, line, locale: engine.when(index, _pick_text(line, "description"), locale),
    "what": lambda index, line, locale: engine.what(index, _pick_text(line, "entity", "name"), locale),
    "timeline": lambda index, line, locale: engine.timeline(index, line.text, locale, day=line.options.get("day"),
                                                            entity=line.options.get("entity")),
    "role": lambda index, line, locale: engine.role(index, _pick_text(line, "role"), locale, date=line.options.get("date")),
    "quote": lambda index, line, locale: engine.quote(index, _pick_text(line, "words", "person"), locale),
    "source": lambda index, line, locale: engine.source(index, _pick_text(line, "event"), locale),
    "ask": lambda index, line, locale: engine.ask(index, _pick_text(line, "question"), locale),
    "help": lambda index, line, locale: engine.help_answer(locale or _guess(line.text)),
}

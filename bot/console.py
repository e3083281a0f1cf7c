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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from .answering.answers import Answer, serialise_answer
from .answering.index import SagaIndex, load_index
from .answering.normalize import FALLBACK_LOCALE, Locale, fold
from .answering.replies import render
from .commands import BY_NAME, COMMANDS, QUESTION_COMMANDS, QUIZ, Command, find_action
from .envelope import guard_line, make_envelope
from .messages import say
from .settings import Settings

if TYPE_CHECKING:  # both open a state database: imported only when a quiz or recap line comes
    from .quiz.console import ConsoleQuiz
    from .recap.console import RecapConsole

# The option names of each question command, as its declaration (and so Discord) names them.
OPTIONS: dict[str, tuple[str, ...]] = {
    command.name: tuple(name for option in command.options for name in option.names) for command in QUESTION_COMMANDS
}
EXIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit"})
# The longest line the console reads (a question, with its options).
MAX_LINE = 1000
# A command typed by its French name, as Discord shows it to French members (`/aide`, `/qui`,
# `/récap`): the catalogue's `cmd.<command>.name`, with or without accents.
FRENCH_NAMES = {fold(command.title("fr")): command.name for command in COMMANDS}


@dataclass(frozen=True)
class Line:
    """A typed line: the command, its free text, and its named options (`day: dimanche`)."""

    command: str
    text: str
    options: dict[str, str] = field(default_factory=dict)
    # the language the command's own name is in, when it tells (`/aide`, `/quiz lancer` are French)
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
    locale: Locale | None = "fr" if command != typed or _names_french_subcommand(command, rest) else None
    names = OPTIONS.get(command, ())
    if not names:
        return Line(command, rest.strip(), locale=locale)
    pattern = re.compile(rf"(?:^|\s)({'|'.join(names)}):", re.IGNORECASE)
    pieces = pattern.split(" " + rest)
    options = {pieces[i].lower(): pieces[i + 1].strip() for i in range(1, len(pieces) - 1, 2)}
    return Line(command, pieces[0].strip(), options, locale)


def answer_line(index: SagaIndex, line: str, locale: Locale | None = None) -> Answer:
    """Parse one line and answer it with the engine function of its command."""
    if len(line) > MAX_LINE:
        # Discord caps an option at a few hundred characters; a console line gets the same courtesy.
        return Answer("ask", "error", locale or _guess(line[:MAX_LINE]), ok=False, reason="error.too_long",
                      detail={"limit": str(MAX_LINE)})
    parsed = parse_line(line)
    if not line.strip():
        return Answer("ask", "error", locale or FALLBACK_LOCALE, ok=False, reason="error.empty")
    declared = BY_NAME.get(parsed.command)
    handler = declared.handler if declared is not None else None
    locale = locale or parsed.locale
    if declared is None or handler is None:
        commands = ", ".join(f"/{command.name}" for command in COMMANDS)
        return Answer(parsed.command, "error", locale or _guess(parsed.text), ok=False, reason="error.unknown_command",
                      detail={"command": f"/{parsed.command[:40]}", "commands": commands})
    return handler(index, _read_values(declared, parsed), locale)


def handle_line(index: SagaIndex, line: str, locale: Locale | None = None) -> dict[str, Any]:
    """One question line in, one JSON object out (the contract of `python -m bot shell --json`)."""
    def reply() -> dict[str, Any]:
        answer = answer_line(index, line, locale)
        return make_envelope(answer.command, answer.ok, answer.locale, render(index, answer), serialise_answer(index, answer))

    return guard_line(parse_line(line).command, line, locale or FALLBACK_LOCALE, reply)


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
    # the simulated time recaps start from (`--now`), else the clock's
    now: datetime | None = None
    quiz: ConsoleQuiz | None = None
    recap: RecapConsole | None = None

    def reply(self, line: str) -> dict[str, Any]:
        if len(line) > MAX_LINE:
            return handle_line(self.index, line, self.locale)
        command = parse_line(line).command
        if command == "recap":
            return guard_line("recap", line, self.locale or FALLBACK_LOCALE, lambda: self._reply_recap(line))
        if command == "quiz" or (self.quiz is not None and self._is_quiz(line)):
            return guard_line("quiz", line, self.locale or FALLBACK_LOCALE, lambda: self._reply_quiz(line))
        return handle_line(self.index, line, self.locale)

    def _reply_recap(self, line: str) -> dict[str, Any]:
        from .recap.console import RecapConsole

        if self.recap is None:
            # Recaps keep a session of their own: a state database in memory and a simulated clock.
            self.recap = RecapConsole(self.index, self.now)
        return self.recap.handle(line, self.locale or parse_line(line).locale)

    def _is_quiz(self, line: str) -> bool:
        from .quiz.console import is_quiz_line

        return self.quiz is not None and is_quiz_line(self.quiz, line)

    def _reply_quiz(self, line: str) -> dict[str, Any]:
        from .quiz import store
        from .quiz.console import handle_quiz_line, open_console_quiz
        from .storage import open_sqlite_state

        locale = self.locale or parse_line(line).locale or _guess(line)
        if self.quiz is None:
            self.quiz = open_console_quiz(self.index, open_sqlite_state(self.settings.console_state_db, [store.migrations]), locale)
        elif line.lstrip().startswith("/"):
            self.quiz.locale = locale  # `/quiz lancer` after `/quiz start`: French from now on (a bare number says nothing)
        text = handle_quiz_line(self.quiz, line) or ""
        words = line.split()
        # `/quiz bogus`: the usage, as a line not understood
        understood = len(words) < 2 or not words[0].startswith("/") or find_action(QUIZ, words[1]) is not None
        return make_envelope("quiz", understood and bool(text), self.quiz.locale, text, kind="quiz")


def run_shell(settings: Settings, lines: list[str] | None = None, as_json: bool = False, locale: Locale | None = None,
              stdin: TextIO | None = None, out: TextIO | None = None, err: TextIO | None = None, hint: str | None = None,
              ensure: bool = True, now: datetime | None = None) -> int:
    """Answer the `-c` lines, or the lines of standard input, or an interactive prompt."""
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    index = open_index(settings, err, ensure)
    if index is None:
        return 1
    session = ShellSession(settings, index, locale, now)
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


def _names_french_subcommand(command: str, rest: str) -> bool:
    """`/quiz lancer`, `/récap aperçu`: the subcommand typed by its French name."""
    declared = BY_NAME.get(command)
    typed = rest.split(maxsplit=1)[0] if rest.strip() else ""
    action = find_action(declared, typed) if declared is not None and declared.subcommands else None
    return action is not None and fold(typed) != action


def _guess(text: str) -> Locale:
    from .answering.normalize import detect_locale

    return detect_locale(text) if text else FALLBACK_LOCALE


def _read_values(command: Command, parsed: Line) -> dict[str, str]:
    """The option values of a line by the declaration's names: a named option (or one of its
    console aliases), else the free text for the command's main option."""
    values = {"": parsed.text}
    for option in command.options:
        typed = next((parsed.options[name] for name in option.names if parsed.options.get(name)), None)
        if typed is None and option.name == command.main:
            typed = parsed.text
        if typed is not None:
            values[option.name] = typed
    return values

"""Every command, declared once: its names, options (kind, length or range, choices, default),
help text and handler. The slash commands (bot.cogs), the console's parser (bot.console), /help
and the README's command table are all made from these declarations.

Names, descriptions and help come from the message catalogue (`cmd.<name>.name`,
`opt.<option>.name`, `help.<name>`), in French and English. Plain Python: no discord import.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .answering import engine
from .answering.answers import Answer
from .answering.index import SagaIndex
from .answering.normalize import Locale
from .answering.normalize import fold
from .messages import has, say
from .quiz.generator import DEFAULT_QUESTIONS, MAX_QUESTIONS, MIN_QUESTIONS
from .quiz.questions import DIFFICULTIES, KIND_CHOICES, Difficulty, KindChoice
from .quiz.store import PERIODS, Period
from .recap.posts import MODES

# What fills an option as a member types (bot.answering.autocomplete).
Completion = Literal["entities", "days", "roles", "events"]


@dataclass(frozen=True)
class Option:
    """One option of a command. Text options have a length, number options a range."""

    name: str
    kind: Literal["text", "number", "member", "channel"] = "text"
    required: bool = False
    low: int = 1
    high: int = 300
    choices: tuple[str, ...] = ()
    default: str | int | None = None
    complete: Completion | None = None
    # other names the console accepts for it (`/what name: Murati`)
    aliases: tuple[str, ...] = ()
    # only the console has it (the recap simulation's `now:`); not a slash command option
    console_only: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def name_option(name: str, locale: Locale) -> str:
    """An option's name as members of `locale` read it (`salon` for `channel`); a console-only
    option (`now`, `days`) has no other name."""
    key = f"opt.{name}.name"
    return say(key, locale) if has(key) else name


# A question command's handler: the saga, the option values typed, the asker's language if known.
Handler = Callable[[SagaIndex, dict[str, str], "Locale | None"], Answer]


@dataclass(frozen=True)
class Command:
    name: str
    options: tuple[Option, ...] = ()
    # the option a console line's free text goes to (`/who qui a viré Altman ?`)
    main: str | None = None
    # answers a question (None: a command with a session of its own, quiz or recap)
    handler: Handler | None = None
    subcommands: tuple[Command, ...] = ()
    # only the console has it (`/quiz next`, `/recap run`): a simulation, not a slash command
    console_only: bool = False

    @property
    def action(self) -> str:
        """A subcommand's own name: "start" for quiz_start."""
        return self.name.partition("_")[2] or self.name

    def title(self, locale: Locale) -> str:
        return say(f"cmd.{self.name}.name", locale) if not self.console_only else self.action

    def describe(self, locale: Locale) -> str:
        return say(f"help.{self.name}", locale)


def _text(name: str, required: bool = False, high: int = 300, complete: Completion | None = None,
          aliases: tuple[str, ...] = ()) -> Option:
    return Option(name, required=required, high=high, complete=complete, aliases=aliases)


QUESTION_COMMANDS: tuple[Command, ...] = (
    Command("who", (_text("description", required=True),), "description",
            lambda index, values, locale: engine.who(index, values.get("description", ""), locale)),
    Command("when", (_text("description", required=True),), "description",
            lambda index, values, locale: engine.when(index, values.get("description", ""), locale)),
    Command("what", (_text("entity", required=True, high=200, complete="entities", aliases=("name",)),), "entity",
            lambda index, values, locale: engine.what(index, values.get("entity", ""), locale)),
    Command("timeline", (_text("day", high=100, complete="days"), _text("entity", high=200, complete="entities")), None,
            lambda index, values, locale: engine.timeline(index, values.get("", ""), locale, day=values.get("day"),
                                                          entity=values.get("entity"))),
    Command("role", (_text("role", required=True, high=100, complete="roles"), _text("date", high=100, complete="days")), "role",
            lambda index, values, locale: engine.role(index, values.get("role", ""), locale, date=values.get("date"))),
    Command("quote", (_text("words", required=True, aliases=("person",)),), "words",
            lambda index, values, locale: engine.quote(index, values.get("words", ""), locale)),
    Command("source", (_text("event", required=True, complete="events"),), "event",
            lambda index, values, locale: engine.source(index, values.get("event", ""), locale)),
    Command("ask", (_text("question", required=True),), "question",
            lambda index, values, locale: engine.ask(index, values.get("question", ""), locale)),
    Command("help", (), None, lambda index, values, locale: engine.help_answer(locale or "en")),
)

# The defaults, typed for the handlers that take them.
DEFAULT_DIFFICULTY: Difficulty = "medium"
DEFAULT_KIND: KindChoice = "mixed"
DEFAULT_PERIOD: Period = "all"
QUIZ = Command("quiz", subcommands=(
    Command("quiz_start", (
        Option("questions", "number", low=MIN_QUESTIONS, high=MAX_QUESTIONS, default=DEFAULT_QUESTIONS),
        Option("difficulty", choices=DIFFICULTIES, default=DEFAULT_DIFFICULTY),
        Option("kind", choices=KIND_CHOICES, default=DEFAULT_KIND),
    )),
    Command("quiz_stop"),
    Command("quiz_next", console_only=True),
    Command("quiz_help", console_only=True),
    Command("quiz_leaderboard", (Option("period", choices=PERIODS, default=DEFAULT_PERIOD),)),
    Command("quiz_stats", (Option("member", "member"),)),
))

RECAP = Command("recap", subcommands=(
    Command("recap_subscribe", (Option("channel", "channel"), _text("time", high=10), _text("timezone", high=64),
                                Option("mode", choices=MODES))),
    Command("recap_unsubscribe", (Option("channel", "channel"),)),
    Command("recap_list"),
    Command("recap_pause", (Option("channel", "channel"),)),
    Command("recap_resume", (Option("channel", "channel"),)),
    Command("recap_preview", (_text("day", high=100),)),
    # the console's simulation: a clock to set (`now:`), and days to run through
    Command("recap_next", (Option("now", console_only=True),), console_only=True),
    Command("recap_run", (Option("days", "number", low=1, high=366, default=1), Option("now", console_only=True)),
            console_only=True),
))

COMMANDS: tuple[Command, ...] = (*QUESTION_COMMANDS, QUIZ, RECAP)
BY_NAME = {command.name: command for command in COMMANDS}


def find_option(command: Command, name: str) -> Option:
    """The option `name` of `command` (a declaration the cogs read their ranges and choices from)."""
    return next(option for option in command.options if option.name == name)


def find_subcommand(command: Command, name: str) -> Command:
    return next(sub for sub in command.subcommands if sub.name == name)


def find_action(command: Command, typed: str) -> str | None:
    """The subcommand a console line names, in English or French (`/quiz lancer`, `/récap aperçu`)."""
    wanted = fold(typed)
    return next((sub.action for sub in command.subcommands if wanted in (sub.action, fold(sub.title("fr")))), None)


def list_option_names(command: Command) -> tuple[str, ...]:
    """Every option name a console line of `command` may use, its subcommands' included."""
    names = [name for part in (command, *command.subcommands) for option in part.options for name in option.names]
    return tuple(dict.fromkeys(names))


def write_command_table() -> str:
    """The README's table of slash commands, from the declarations (tests/test_readme.py fails
    when the README drifts from it)."""
    rows = ["| command | in French | options | what it does |", "| --- | --- | --- | --- |"]
    for command in COMMANDS:
        usage, _, does = command.describe("en").partition(" — ")
        options = {option.name: option for part in (command, *command.subcommands) if not part.console_only
                   for option in part.options if not option.console_only}
        shown = ", ".join(f"`{_describe_option(option)}`" for option in options.values())
        cells = [f"`{usage}`", f"`/{command.title('fr')}`", shown, does]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


def _describe_option(option: Option) -> str:
    if option.kind == "number":
        return f"{option.name} ({option.low}–{option.high}, {option.default})"
    if option.choices:
        return f"{option.name}: {'|'.join(option.choices)}"
    return option.name

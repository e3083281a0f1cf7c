"""Command line: `python -m bot data check`, `python -m bot data build --out PATH`, `python -m bot run`,
`python -m bot sync [--guild ID]`, `python -m bot shell [--json] [-c LINE ...] [--locale fr|en]`,
`python -m bot quiz sample [--count N] [--seed S] [--difficulty D] [--locale fr|en] [--json]`."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .curation.commands import run_build, run_check
from .settings import Settings


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="sagabot: the OpenAI November 2023 saga, for Discord.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = commands.add_parser("data", help="check or build the curated saga database")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    check = data_commands.add_parser("check", help="validate data/ against seeds/ and print the coverage report")
    check.add_argument("--quiet", action="store_true", help="print only problems and the summary line")
    build = data_commands.add_parser("build", help="build the SQLite saga database")
    build.add_argument("--out", type=Path, required=True, help="path of the database to write, e.g. var/saga.db")
    commands.add_parser("run", help="start the bot: on Discord when DISCORD_TOKEN is set (environment or .env), else the console")
    sync = commands.add_parser("sync", help="register the slash commands with Discord (needs DISCORD_TOKEN)")
    sync.add_argument("--guild", type=int, metavar="ID", help="register on this guild only (instant), instead of globally")
    commands.add_parser("health", help="exit 0 when the running bot's heartbeat is fresh (the container's health check)")
    shell = commands.add_parser("shell", help="ask questions from the console, as members will on Discord")
    shell.add_argument("-c", dest="lines", action="append", metavar="LINE",
                       help='a line to answer, e.g. "/who qui a viré Altman ?" (repeatable; otherwise lines are read from standard input)')
    shell.add_argument("--json", action="store_true", help="print one JSON object per line (the contract in the README)")
    shell.add_argument("--locale", choices=("fr", "en"), help="answer in this language instead of the asker's")
    shell.add_argument("--now", metavar="ISO", help="the recap scheduler's clock, e.g. 2024-11-17T08:59+01:00 (default: now)")
    quiz = commands.add_parser("quiz", help="read generated quiz questions before members do")
    quiz_commands = quiz.add_subparsers(dest="quiz_command", required=True, metavar="ACTION")
    sample = quiz_commands.add_parser("sample", help="print a batch of generated questions, as quizzes would draw them")
    sample.add_argument("--count", type=int, default=20, help="how many questions (default 20)")
    sample.add_argument("--seed", type=int, default=0, help="the first quiz's seed (default 0): the same seed, the same batch")
    sample.add_argument("--difficulty", choices=("easy", "medium", "hard"), default="medium")
    sample.add_argument("--kind", choices=("who", "when", "quote", "role", "order", "figures", "mixed"), default="mixed")
    sample.add_argument("--locale", choices=("fr", "en"), help="one language (default: French and English in turn)")
    sample.add_argument("--json", action="store_true", help="one JSON object per line: kind, difficulty, locale, stem, "
                        "choices [{text, date}], answer, events, explanation")
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = make_parser().parse_args(argv)
    settings = Settings.from_environment()
    if args.command == "data" and args.data_command == "check":
        return run_check(settings, quiet=args.quiet)
    if args.command == "data" and args.data_command == "build":
        return run_build(settings, args.out)
    if args.command == "run":
        from .runner import run

        return run(settings)
    if args.command == "sync":
        from .launcher import find_token, run_command_sync

        token = find_token(settings)
        if not token:
            print("sync needs DISCORD_TOKEN (in the environment or a .env file)", file=sys.stderr)
            return 2
        return run_command_sync(settings, token, args.guild)
    if args.command == "health":
        from .health import check_health

        return check_health(settings)
    if args.command == "quiz" and args.quiz_command == "sample":
        return run_sample(settings, args)
    if args.command == "shell":
        from .console import run_shell

        moment = None
        if args.now:
            from .recap.console import parse_now

            moment = parse_now(args.now)
            if moment is None:
                print(f"--now wants an ISO date and time with its offset, e.g. 2024-11-17T08:59+01:00; got {args.now!r}", file=sys.stderr)
                return 2
        return run_shell(settings, args.lines, as_json=args.json, locale=args.locale, now=moment)
    return 2


def run_sample(settings: Settings, args: argparse.Namespace) -> int:
    if not 1 <= args.count <= 10_000:
        print(f"--count wants a number from 1 to 10000; got {args.count}", file=sys.stderr)
        return 2
    from .answering.normalize import Locale
    from .console import open_index
    from .quiz.sample import sample_questions

    index = open_index(settings, sys.stderr)
    if index is None:
        return 1
    locales: tuple[Locale, ...] = (args.locale,) if args.locale else ("fr", "en")
    for question in sample_questions(index, args.count, args.seed, args.difficulty, args.kind, locales):
        print(question.to_json() if args.json else question.to_text() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

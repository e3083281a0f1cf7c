"""`python -m bot run`: make sure the saga database is current, then start the bot.

With DISCORD_TOKEN (environment or .env) the bot connects to Discord; without it, it is the
question console (`python -m bot shell`), with one line saying how to connect to Discord.
"""
from __future__ import annotations

import logging
import sys

from .curation.build import ensure_database
from .curation.problems import DataError
from .messages import say
from .settings import Settings

log = logging.getLogger("sagabot")


def run(settings: Settings) -> int:
    """Refresh the saga database from data/ when it changed, then start the console."""
    try:
        rebuilt = ensure_database(settings.data_dir, settings.seeds_dir, settings.saga_db)
    except DataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        if not settings.saga_db.exists():
            print("The saga database was not built: fix the data above (python -m bot data check).", file=sys.stderr)
            return 1
        print(say("console.stale_database", "en", path=settings.saga_db), file=sys.stderr)
        rebuilt = False
    log.info("saga database %s: %s", settings.saga_db, "rebuilt from data/" if rebuilt else "up to date")
    from .launcher import find_token

    token = find_token(settings)
    if token:
        from .launcher import run_discord

        return run_discord(settings, token)
    hint = say("discord.no_token", "en")
    from .console import run_shell

    # The database was just made current above: the console need not check it again.
    return run_shell(settings, hint=hint, ensure=False)

"""`python -m bot run`: make sure the saga database is current, then start the bot."""
from __future__ import annotations

import logging
import os
import sys

from .curation.build import ensure_database
from .curation.problems import DataError
from .settings import Settings

log = logging.getLogger("sagabot")


def run(settings: Settings) -> int:
    """Refresh the saga database from data/ when it changed, then report what is available."""
    try:
        rebuilt = ensure_database(settings.data_dir, settings.seeds_dir, settings.saga_db)
    except DataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("The saga database was not built: fix the data above (python -m bot data check).", file=sys.stderr)
        return 1
    log.info("saga database %s: %s", settings.saga_db, "rebuilt from data/" if rebuilt else "up to date")
    import sqlite_utils

    db = sqlite_utils.Database(settings.saga_db)
    counts = {name: db[name].count for name in ("events", "quotes", "entities", "disputes")}
    db.conn.close()
    print(
        f"sagabot: saga database ready at {settings.saga_db} "
        f"({counts['events']} events, {counts['quotes']} quotes, {counts['entities']} entities, {counts['disputes']} disputes)."
    )
    if os.environ.get("DISCORD_TOKEN"):
        print("DISCORD_TOKEN is set, but the Discord adapter is not built yet (issue #4); nothing connects.")
    else:
        print("The question console (issue #3) is not built yet. Explore the database meanwhile with:")
        print(f"  .venv/bin/sqlite-utils tables {settings.saga_db} --counts")
    return 0

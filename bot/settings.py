"""Where things are: the project's folders and the databases, overridable by environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    root: Path
    data_dir: Path
    seeds_dir: Path
    saga_db: Path
    state_db: Path = Path("var/state.db")
    health_file: Path = Path("var/health.json")
    # How long a quiz question stays open, and the pause after its reveal (seconds).
    quiz_question_seconds: float = 20.0
    quiz_reveal_seconds: float = 8.0
    # The console's own state (its quizzes and scores): never the Discord bot's, so a quiz
    # played in `python -m bot shell` cannot reach the bot's channels or its driver.
    console_state_db: Path = Path("var/console-state.db")
    # SAGABOT_SHARD_COUNT and SAGABOT_SHARDS as typed; bot.sharding reads them when the bot starts
    shard_count: str | None = None
    shards: str | None = None
    # SAGABOT_REST_BUDGET as typed: the requests per second of this process's recap fan-out
    rest_budget: str | None = None
    # SAGABOT_STATE_URL: the bot's state in PostgreSQL (postgresql://…), shared by processes
    state_url: str | None = None

    @property
    def state_location(self) -> str | Path:
        """Where the bot's state is: the PostgreSQL URL when set, else the SQLite file."""
        return self.state_url or self.state_db

    @property
    def state_name(self) -> str:
        """The state database as logs and messages may name it: never with its password."""
        from .postgres import describe_url

        return describe_url(self.state_url) if self.state_url else str(self.state_db)

    @classmethod
    def from_environment(cls) -> Settings:
        root = Path(os.environ.get("SAGABOT_ROOT", PROJECT_ROOT))
        return cls(
            root=root,
            data_dir=Path(os.environ.get("SAGABOT_DATA", root / "data")),
            seeds_dir=Path(os.environ.get("SAGABOT_SEEDS", root / "seeds")),
            saga_db=Path(os.environ.get("SAGABOT_SAGA_DB", root / "var" / "saga.db")),
            state_db=Path(os.environ.get("SAGABOT_STATE_DB", root / "var" / "state.db")),
            health_file=Path(os.environ.get("SAGABOT_HEALTH_FILE", root / "var" / "health.json")),
            quiz_question_seconds=float(os.environ.get("SAGABOT_QUIZ_SECONDS", 20)),
            quiz_reveal_seconds=float(os.environ.get("SAGABOT_QUIZ_REVEAL_SECONDS", 8)),
            console_state_db=Path(os.environ.get("SAGABOT_CONSOLE_STATE_DB", root / "var" / "console-state.db")),
            shard_count=os.environ.get("SAGABOT_SHARD_COUNT"),
            shards=os.environ.get("SAGABOT_SHARDS"),
            rest_budget=os.environ.get("SAGABOT_REST_BUDGET"),
            state_url=os.environ.get("SAGABOT_STATE_URL") or None,
        )

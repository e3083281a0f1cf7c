"""Shared fixtures: the project's settings, the built saga database, an in-memory database,
and a tiny valid data set that tests break one way at a time."""
from __future__ import annotations

import hashlib
import itertools
import shutil
import tempfile
import warnings
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from bot.answering.index import Event, SagaIndex
from bot.curation.build import build_database
from bot.saga.dates import parse_point
from bot.settings import PROJECT_ROOT, Settings

ROOT = PROJECT_ROOT


@pytest.fixture(scope="session")
def project() -> Settings:
    """The real data/ and seeds/ of the repository."""
    return Settings(root=ROOT, data_dir=ROOT / "data", seeds_dir=ROOT / "seeds", saga_db=ROOT / "var" / "saga.db")


@pytest.fixture(scope="session")
def saga_db_path(project: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The saga database built once from the shipped data."""
    path = tmp_path_factory.mktemp("saga") / "saga.db"
    build_database(project.data_dir, project.seeds_dir, path, project.root)
    return path


@pytest.fixture(scope="session")
def saga_index(saga_db_path: Path) -> SagaIndex:
    """The in-memory index of the built saga database, as the bot and the console load it."""
    from bot.answering.index import load_index

    return load_index(saga_db_path)


@pytest.fixture
def saga_db(saga_db_path: Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(saga_db_path)
    yield db
    db.conn.close()


@pytest.fixture
def memory_db() -> sqlite_utils.Database:
    return sqlite_utils.Database(memory=True)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL 16 server for the whole run, from the pgserver wheel the tests install:
    started in a temporary folder, reached over its Unix socket, stopped at the end. Its URL."""
    # Unix sockets take paths of about 100 bytes at most: a short folder of its own.
    folder = Path(tempfile.mkdtemp(prefix="sagapg-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR in CI, nothing to do with the server
        import pgserver

        server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


_DATABASE_NUMBERS = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """An empty database of its own on the test server, for one test; its URL."""
    import psycopg

    name = f"test_{_DATABASE_NUMBERS.__next__()}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"create database {name}")
    yield postgres_server.replace("/postgres?", f"/{name}?", 1)
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"drop database {name} with (force)")


@pytest.fixture(params=["sqlite", "postgres"])
def state_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a state database goes, once in each dialect: an SQLite file, then a PostgreSQL
    database (those tests are named [postgres], so that `pytest -k postgres` selects them)."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")
    return tmp_path / "state" / "bot.db"


TINY_ARTICLE = "Le conseil d’administration a renvoyé Sam Altman le vendredi 17 novembre.\nSatya Nadella a recruté Altman lundi.\n"

TINY_FILES = {
    "articles.yaml": """\
- seed: 900_tiny.txt
  sha256: TINY_SHA256
  outlet: Test
  outlet_basis: "made for the tests"
  language: fr
  published: "2023-11-20"
  published_basis: "made for the tests"
  title: null
  short: {fr: Essai, en: Test}
  label: {fr: Essai, en: Test}
""",
    "entities.yaml": """\
- id: sam-altman
  name: Sam Altman
  kind: person
  aliases: [Sam Altman, Altman]
  description: {fr: Patron., en: Boss.}
  roles:
    - role: ceo
      of: openai
      until: board-fires-altman
      source: {article: 900_tiny.txt, quote: "a renvoyé Sam Altman"}
- id: openai
  name: OpenAI
  kind: organisation
  aliases: [OpenAI]
  description: {fr: Entreprise., en: Company.}
- id: openai-board
  name: OpenAI board
  kind: group
  aliases: [conseil d'administration]
  description: {fr: Le conseil., en: The board.}
- id: satya-nadella
  name: Satya Nadella
  kind: person
  aliases: [Satya Nadella, Nadella]
  description: {fr: PDG de Microsoft., en: Microsoft CEO.}
""",
    "roles.yaml": """\
ceo:
  label: {fr: PDG, en: CEO}
  aliases: [patron]
""",
    "actions.yaml": """\
fired:
  label: {fr: a renvoyé, en: fired}
  words: [viré, fired]
hired:
  label: {fr: a recruté, en: hired}
  words: [recruté, hired]
""",
    "events/1.yaml": """\
- id: board-fires-altman
  when: "2023-11-17"
  action: fired
  actors: [openai-board]
  targets: [sam-altman]
  summary: {fr: "Le conseil renvoie Altman.", en: "The board fires Altman."}
  sources:
    - article: 900_tiny.txt
      quote: "Le conseil d’administration a renvoyé Sam Altman le vendredi 17 novembre."
- id: nadella-hires-altman
  when: "2023-11-20"
  action: hired
  actors: [satya-nadella]
  targets: [sam-altman]
  summary: {fr: "Nadella recrute Altman.", en: "Nadella hires Altman."}
  sources:
    - article: 900_tiny.txt
      quote: "Satya Nadella a recruté Altman lundi."
""",
    "quotes/1.yaml": "[]\n",
    "calendar.yaml": """\
anchor: "2023-11-17"
anchor_source: {article: 900_tiny.txt, quote: "le vendredi 17 novembre"}
span: {earliest: "2023-11-17", latest: "2023-11-30"}
weekend: {earliest: "2023-11-18", latest: "2023-11-19"}
""",
}
# The tiny article's checksum, as articles.yaml records it for every seed.
TINY_FILES["articles.yaml"] = TINY_FILES["articles.yaml"].replace(
    "TINY_SHA256", hashlib.sha256(TINY_ARTICLE.encode("utf-8")).hexdigest())


def append_to_seed(settings: Settings, seed: str, sentence: str) -> None:
    """Add a sentence to an article as a maintainer would: the text and its recorded checksum."""
    path = settings.seeds_dir / seed
    old = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text(path.read_text(encoding="utf-8") + sentence, encoding="utf-8")
    articles = settings.data_dir / "articles.yaml"
    articles.write_text(articles.read_text(encoding="utf-8").replace(old, hashlib.sha256(path.read_bytes()).hexdigest()),
                        encoding="utf-8")


@pytest.fixture
def tiny(tmp_path: Path) -> Settings:
    """A minimal valid project in a temporary folder: one article, four entities, two events."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "900_tiny.txt").write_text(TINY_ARTICLE, encoding="utf-8")
    for name, text in TINY_FILES.items():
        path = tmp_path / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Settings(root=tmp_path, data_dir=tmp_path / "data", seeds_dir=tmp_path / "seeds", saga_db=tmp_path / "saga.db")


def copy_project(project: Settings, destination: Path) -> Settings:
    """A writable copy of the real data and seeds."""
    shutil.copytree(project.data_dir, destination / "data")
    shutil.copytree(project.seeds_dir, destination / "seeds")
    return Settings(root=destination, data_dir=destination / "data", seeds_dir=destination / "seeds", saga_db=destination / "saga.db")


class FailOnce:
    """A hand-written fault: the first call raises "database is locked", later calls go through."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.failures = 0

    def __call__(self, *args: Any) -> Any:
        if not self.failures:
            self.failures += 1
            raise sqlite3.OperationalError("database is locked")
        return self.function(*args)


def remake_index(index: SagaIndex, events: list[Event]) -> SagaIndex:
    """The same saga with other events (the recap and its replay only read events, names,
    articles, tenures and disputes)."""
    made = SagaIndex(articles=index.articles, entities=index.entities, events=events, quotes=[], disputes=index.disputes,
                     tenures=index.tenures, roles=index.roles, actions=index.actions)
    made.events_by_id = {event.id: event for event in events}
    return made


def make_events(index: SagaIndex, counts: dict[str, int], model_id: str = "board-fires-altman") -> list[Event]:
    """`counts[day]` events dated to each day, copied from the real event `model_id`."""
    model = index.events_by_id[model_id]
    events = []
    for day, count in sorted(counts.items()):
        for number in range(count):
            events.append(replace(model, id=f"made-{day}-{number}", date=parse_point(day), position=len(events)))
    return events

"""The saga database: tables, full-text search, deterministic and atomic builds, rebuild on change."""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from bot.curation.build import TABLES, build_database, ensure_database
from bot.settings import Settings

from .conftest import copy_project


def dump(path: Path) -> dict[str, list[tuple]]:
    db = sqlite_utils.Database(path)
    rows = {name: sorted(db.execute(f"select * from [{name}]").fetchall(), key=repr) for name in db.table_names()}
    db.conn.close()
    return rows


def test_two_builds_give_identical_rows(project: Settings, tmp_path: Path) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    build_database(project.data_dir, project.seeds_dir, first, project.root)
    build_database(project.data_dir, project.seeds_dir, second, project.root)
    assert dump(first) == dump(second)
    assert first.read_bytes() == second.read_bytes()


def test_every_documented_table_exists_with_its_columns(saga_db: sqlite_utils.Database) -> None:
    for name, (columns, _, _) in TABLES.items():
        assert saga_db[name].exists(), name
        assert set(saga_db[name].columns_dict) == set(columns), name


def test_the_database_holds_the_saga(saga_db: sqlite_utils.Database) -> None:
    assert saga_db["events"].count >= 100
    unsourced = saga_db.execute("select id from events where id not in (select event_id from sources)").fetchall()
    assert unsourced == []
    assert saga_db["articles"].count == 5
    roles = {row["role"] for row in saga_db.query("select role from event_entities")}
    assert roles == {"actor", "target"}


def test_foreign_keys_hold(saga_db: sqlite_utils.Database) -> None:
    assert saga_db.execute("pragma foreign_key_check").fetchall() == []


def test_full_text_search_finds_summaries_and_quotes_without_accents(saga_db: sqlite_utils.Database) -> None:
    events = [row["id"] for row in saga_db["events"].search("interim Murati")]
    assert "murati-named-interim-ceo" in events
    quotes = [row["id"] for row in saga_db["quotes"].search("regrette profondement")]
    assert quotes, "the regret quote should be found without its accent"
    assert all("regrette profondément" in saga_db["quotes"].get(q)["text"] for q in quotes)


def test_events_are_in_date_order(saga_db: sqlite_utils.Database) -> None:
    starts = [row[0] or row[1] for row in saga_db.execute("select date_start, date_end from events order by position")]
    assert starts == sorted(starts)


def test_ensure_database_rebuilds_only_when_data_changes(project: Settings, tmp_path: Path) -> None:
    copy = copy_project(project, tmp_path)
    out = tmp_path / "var" / "saga.db"
    assert ensure_database(copy.data_dir, copy.seeds_dir, out) is True
    assert ensure_database(copy.data_dir, copy.seeds_dir, out) is False
    entities = copy.data_dir / "entities.yaml"
    entities.write_text(entities.read_text(encoding="utf-8").replace("Sam Altmann]", "Sam Altmann, Sammy]"), encoding="utf-8")
    assert ensure_database(copy.data_dir, copy.seeds_dir, out) is True
    aliases = {row["alias"] for row in sqlite_utils.Database(out)["aliases"].rows_where("entity_id = ?", ["sam-altman"])}
    assert "Sammy" in aliases


def test_ensure_database_replaces_a_corrupt_file(project: Settings, tmp_path: Path) -> None:
    out = tmp_path / "saga.db"
    out.write_bytes(b"not a database")
    assert ensure_database(project.data_dir, project.seeds_dir, out) is True
    assert sqlite_utils.Database(out)["events"].count >= 100

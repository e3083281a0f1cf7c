"""The state schema is written twice, for SQLite and for PostgreSQL (bot.quiz.schema,
bot.recap.schema): these tests hold the two equal — the same migrations under the same names,
the same tables, columns, nullability, keys and indexes — so a change made to one dialect only
fails here. What each refuses is tested through the stores, in both (tests/test_*_store.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.postgres import PostgresDatabase
from bot.quiz import schema as quiz_schema
from bot.recap import schema as recap_schema
from bot.storage import Schema, close_state, open_state

SCHEMAS = [quiz_schema.migrations, recap_schema.MIGRATIONS]
TABLES = {"quizzes", "quiz_questions", "quiz_answers", "recap_subscriptions", "recap_seen", "recap_deliveries"}
# How each dialect spells a column's kind of value.
FAMILIES = {"integer": "integer", "bigint": "integer", "text": "text", "real": "real", "float": "real",
            "double precision": "real"}


def describe_sqlite(db: Any) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for table in TABLES:
        # A key's columns count as not null, as PostgreSQL makes them (SQLite would let a
        # composite key hold a null; the stores never write one).
        columns = {row[1]: (FAMILIES[row[2].lower()], bool(row[3]) or bool(row[5]))
                   for row in db.execute(f"pragma table_info({table})").fetchall()}
        key = tuple(row[1] for row in sorted(db.execute(f"pragma table_info({table})").fetchall(), key=lambda r: r[5]) if row[5])
        indexes = {}
        for _, name, unique, origin, partial in db.execute(f"pragma index_list({table})").fetchall():
            if origin == "pk":
                continue
            cols = tuple(row[2] for row in db.execute(f"pragma index_info({name})").fetchall())
            indexes[cols] = (bool(unique), bool(partial))
        tables[table] = {"columns": columns, "key": key, "indexes": indexes}
    return tables


def describe_postgres(db: PostgresDatabase) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for table in TABLES:
        columns = {name: (FAMILIES[kind], nullable == "NO") for name, kind, nullable in db.execute(
            "select column_name, data_type, is_nullable from information_schema.columns where table_name = ?", [table])}
        key = tuple(name for (name,) in db.execute(
            """select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
               where i.indrelid = ?::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)""", [table]))
        indexes = {}
        for index_oid, unique, partial in db.execute(
                """select i.indexrelid, i.indisunique, i.indpred is not null from pg_index i
                   where i.indrelid = ?::regclass and not i.indisprimary""", [table]).fetchall():
            cols = tuple(name for (name,) in db.execute(
                """select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                   where i.indexrelid = ? order by array_position(i.indkey, a.attnum)""", [index_oid]))
            indexes[cols] = (bool(unique), bool(partial))
        tables[table] = {"columns": columns, "key": key, "indexes": indexes}
    return tables


def test_each_feature_has_the_same_migrations_in_both_dialects() -> None:
    for schema in SCHEMAS:
        assert isinstance(schema, Schema)
        assert [migration.name for migration in schema.sqlite._migrations] == schema.postgres.names  # type: ignore[attr-defined]
        assert schema.sqlite.name == schema.postgres.name


def test_both_dialects_build_the_same_tables_columns_keys_and_indexes(tmp_path: Path, postgres_url: str) -> None:
    sqlite_db = open_state(tmp_path / "state.db", SCHEMAS)
    postgres_db = open_state(postgres_url, SCHEMAS)
    assert isinstance(postgres_db, PostgresDatabase)
    sqlite_side, postgres_side = describe_sqlite(sqlite_db), describe_postgres(postgres_db)
    for table in sorted(TABLES):
        assert sqlite_side[table] == postgres_side[table], table
    assert all(schema.list_applied(sqlite_db) == schema.list_applied(postgres_db) for schema in SCHEMAS)
    close_state(sqlite_db)
    close_state(postgres_db)


def test_two_processes_migrating_one_postgres_database_at_once_both_start(postgres_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        opened = list(pool.map(lambda _: open_state(postgres_url, SCHEMAS), range(4)))
    assert all(schema.list_applied(opened[0]) == schema.postgres.names for schema in SCHEMAS)
    for db in opened:
        close_state(db)

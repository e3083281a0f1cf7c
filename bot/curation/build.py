"""Build the read-only saga database from the checked data, deterministically.

The database is written to a temporary file beside the target and renamed over it only
when complete, so a failed build never leaves a half-built database behind.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

from ..saga import meaning
from ..saga.dates import SagaDate
from .checks import check_dataset, fold
from .coverage import measure_coverage
from .dataset import Dataset, load_dataset
from .problems import DataError

# Bump when the tables change, so that existing databases are rebuilt.
SCHEMA_VERSION = 5
FTS_TOKENIZER = "unicode61 remove_diacritics 2"

# Every table with its columns, primary key and foreign keys: the documented schema
# (README, "The saga database"). Tables are created from this before any row is written.
TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...], list[tuple[str, str, str]]]] = {
    "meta": ({"key": str, "value": str}, "key", []),
    "articles": ({"seed": str, "outlet": str, "outlet_basis": str, "language": str, "published": str,
                  "published_precision": str, "published_start": str, "published_end": str, "published_basis": str,
                  "title": str, "short_fr": str, "short_en": str, "label_fr": str, "label_en": str, "text": str}, "seed", []),
    "entities": ({"id": str, "name": str, "name_fr": str, "feminine": bool, "kind": str, "description_fr": str, "description_en": str}, "id", []),
    "aliases": ({"entity_id": str, "alias": str, "folded": str}, ("entity_id", "alias"), [("entity_id", "entities", "id")]),
    # names members use that the articles never write (read in questions only)
    "nicknames": ({"entity_id": str, "nickname": str, "folded": str}, ("entity_id", "nickname"), [("entity_id", "entities", "id")]),
    # data/lexicon.yaml: `list` is the field, `key` the group (measure_synonyms) or unit (asked_units)
    "lexicon": ({"list": str, "key": str, "position": int, "word": str}, ("list", "key", "position"), []),
    # data/calendar.yaml: anchor, span, weekend, as dates of the data
    "calendar": ({"key": str, "date": str, "date_precision": str, "date_start": str, "date_end": str}, "key", []),
    "role_kinds": ({"id": str, "label_fr": str, "label_fr_feminine": str, "label_en": str, "lasting": bool}, "id", []),
    "role_aliases": ({"role": str, "alias": str, "folded": str}, ("role", "alias"), [("role", "role_kinds", "id")]),
    "actions": ({"id": str, "label_fr": str, "label_en": str}, "id", []),
    "action_words": ({"action": str, "word": str, "folded": str}, ("action", "word"), [("action", "actions", "id")]),
    "action_related": ({"action": str, "related": str}, ("action", "related"), [("action", "actions", "id"), ("related", "actions", "id")]),
    "events": ({"id": str, "position": int, "date": str, "date_precision": str, "date_start": str, "date_end": str,
                "approximate": bool, "date_basis": str, "action": str, "hedged": bool, "key": bool, "summary_fr": str, "summary_en": str},
               "id", [("action", "actions", "id")]),
    "role_spells": ({"id": str, "entity_id": str, "role": str, "of_entity": str, "from_event": str, "until_event": str,
                     "start_earliest": str, "start_latest": str, "end_earliest": str, "end_latest": str,
                     "dispute_id": str, "source_article": str, "source_quote": str}, "id",
                    [("entity_id", "entities", "id"), ("role", "role_kinds", "id"), ("of_entity", "entities", "id"),
                     ("from_event", "events", "id"), ("until_event", "events", "id"), ("dispute_id", "disputes", "id"),
                     ("source_article", "articles", "seed")]),
    "event_entities": ({"event_id": str, "entity_id": str, "role": str, "position": int}, ("event_id", "entity_id", "role"),
                       [("event_id", "events", "id"), ("entity_id", "entities", "id")]),
    "sources": ({"event_id": str, "position": int, "article": str, "quote": str}, ("event_id", "position"),
                [("event_id", "events", "id"), ("article", "articles", "seed")]),
    # `value` has INTEGER affinity: whole numbers stay whole, fractions are still stored as REAL.
    "figures": ({"event_id": str, "position": int, "measure": str, "value": int, "unit": str, "approximate": bool,
                 "bound": str, "hedged": bool, "article": str, "quote": str}, ("event_id", "position"),
                [("event_id", "events", "id"), ("article", "articles", "seed")]),
    "quotes": ({"id": str, "position": int, "event_id": str, "date": str, "date_precision": str, "date_start": str,
                "date_end": str, "article": str, "text": str, "en": str, "medium": str, "fragment": bool, "speakers": str}, "id",
               [("event_id", "events", "id"), ("article", "articles", "seed")]),
    "quote_speakers": ({"quote_id": str, "entity_id": str, "position": int}, ("quote_id", "entity_id"),
                       [("quote_id", "quotes", "id"), ("entity_id", "entities", "id")]),
    "disputes": ({"id": str, "topic_fr": str, "topic_en": str}, "id", []),
    "dispute_claims": ({"dispute_id": str, "position": int, "article": str, "quote": str, "claim_fr": str, "claim_en": str},
                       ("dispute_id", "position"), [("dispute_id", "disputes", "id"), ("article", "articles", "seed")]),
    "dispute_events": ({"dispute_id": str, "event_id": str}, ("dispute_id", "event_id"),
                       [("dispute_id", "disputes", "id"), ("event_id", "events", "id")]),
    "ignored_sentences": ({"article": str, "sentence": str, "reason": str}, ("article", "sentence"), [("article", "articles", "seed")]),
    # What each event, quote and entity means, as sentence vectors (bot.saga.meaning): one row
    # per text (`field`: summary_fr, summary_en, source, text, en, description_fr, description_en).
    "vectors": ({"owner": str, "id": str, "position": int, "field": str, "vector": bytes}, ("owner", "id", "position"), []),
}


def fingerprint(data_dir: Path, seeds_dir: Path) -> str:
    """A hash of everything a build reads: any edit to data/ or seeds/ changes it."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for folder in (data_dir, seeds_dir):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".yaml", ".txt"}):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_checked(data_dir: Path, seeds_dir: Path, root: Path | None = None) -> Dataset:
    """The dataset, if it has no problem at all; otherwise a DataError listing them."""
    loaded = load_dataset(data_dir, seeds_dir, root)
    problems = loaded.problems + check_dataset(loaded.dataset)
    if problems:
        raise DataError(problems)
    return loaded.dataset


def build_database(data_dir: Path, seeds_dir: Path, out: Path, root: Path | None = None) -> dict[str, int]:
    """Check the data, then write the database to `out` atomically; returns the row counts."""
    dataset = load_checked(data_dir, seeds_dir, root)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    try:
        db = sqlite_utils.Database(temporary)
        write_tables(db, dataset, fingerprint(data_dir, seeds_dir))
        counts = {name: db[name].count for name in db.table_names() if not _is_fts_shadow(name)}
        db.conn.execute("VACUUM")
        db.conn.close()
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


def ensure_database(data_dir: Path, seeds_dir: Path, out: Path) -> bool:
    """Rebuild `out` when it is missing or older than data/ and seeds/; True when it rebuilt."""
    wanted = fingerprint(data_dir, seeds_dir)
    if out.exists():
        try:
            db = sqlite_utils.Database(out)
            current = db.execute("select value from meta where key = 'fingerprint'").fetchone()
            db.conn.close()
            if current and current[0] == wanted:
                return False
        except Exception:  # noqa: BLE001 - any unreadable database is simply rebuilt
            pass
    build_database(data_dir, seeds_dir, out)
    return True


def _is_fts_shadow(name: str) -> bool:
    return "_fts" in name


def _date_columns(prefix: str, date: SagaDate) -> dict[str, Any]:
    return {prefix: date.iso, f"{prefix}_precision": date.precision, f"{prefix}_start": date.start, f"{prefix}_end": date.end}


def write_tables(db: sqlite_utils.Database, dataset: Dataset, data_fingerprint: str) -> None:
    """Create and fill every table; rows are inserted in a fixed order so builds are identical."""
    events = sorted(dataset.events, key=lambda event: (event.when.sort_key(), event.id))
    event_dates = {event.id: event.when for event in events}
    entity_names = {entity.id: entity.name for entity in dataset.entities}

    db.conn.execute("PRAGMA foreign_keys = ON")
    _create_tables(db)
    _insert(db, "meta", [
        {"key": "fingerprint", "value": data_fingerprint},
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
    ])
    _insert(db, "articles", [
        {"seed": a.seed, "outlet": a.outlet, "outlet_basis": a.outlet_basis, "language": a.language,
         **_date_columns("published", a.published), "published_basis": a.published_basis,
         "title": a.title, "short_fr": a.short.fr, "short_en": a.short.en, "label_fr": a.label.fr, "label_en": a.label.en, "text": dataset.texts[a.seed]}
        for a in sorted(dataset.articles, key=lambda a: a.seed)
    ])
    _insert(db, "entities", [
        {"id": e.id, "name": e.name, "name_fr": e.name_fr or e.name, "feminine": e.feminine, "kind": e.kind, "description_fr": e.description.fr, "description_en": e.description.en}
        for e in sorted(dataset.entities, key=lambda e: e.id)
    ])
    _insert(db, "aliases", [
        {"entity_id": e.id, "alias": alias, "folded": fold(alias)}
        for e in sorted(dataset.entities, key=lambda e: e.id) for alias in sorted(set([e.name, *e.aliases]))
    ])
    _insert(db, "nicknames", [
        {"entity_id": e.id, "nickname": nickname, "folded": fold(nickname)}
        for e in sorted(dataset.entities, key=lambda e: e.id) for nickname in sorted(set(e.nicknames))
    ])
    _insert(db, "lexicon", _lexicon_rows(dataset))
    if dataset.calendar is not None:
        _insert(db, "calendar", [{"key": key, **_date_columns("date", getattr(dataset.calendar, key))}
                                 for key in ("anchor", "span", "weekend")])
    _insert(db, "role_kinds", [
        {"id": key, "label_fr": kind.label.fr, "label_fr_feminine": kind.feminine or kind.label.fr, "label_en": kind.label.en,
         "lasting": kind.lasting}
        for key, kind in sorted(dataset.roles.items())
    ])
    _insert(db, "role_aliases", [
        {"role": key, "alias": alias, "folded": fold(alias)}
        for key, kind in sorted(dataset.roles.items()) for alias in sorted({kind.label.fr, kind.label.en, *kind.aliases})
    ])
    _insert(db, "actions", [
        {"id": key, "label_fr": kind.label.fr, "label_en": kind.label.en} for key, kind in sorted(dataset.actions.items())
    ])
    _insert(db, "action_words", [
        {"action": key, "word": word, "folded": fold(word)}
        for key, kind in sorted(dataset.actions.items()) for word in sorted(set(kind.words))
    ])
    _insert(db, "action_related", [
        {"action": key, "related": related}
        for key, kind in sorted(dataset.actions.items()) for related in sorted(set(kind.related))
    ])
    _insert(db, "events", [
        {"id": e.id, "position": position, **_date_columns("date", e.when), "approximate": e.approximate,
         "date_basis": e.when_basis, "action": e.action, "hedged": e.hedged, "key": e.key,
         "summary_fr": e.summary.fr, "summary_en": e.summary.en}
        for position, e in enumerate(events)
    ])
    disputes = sorted(dataset.disputes, key=lambda d: d.id)
    _insert(db, "disputes", [{"id": d.id, "topic_fr": d.topic.fr, "topic_en": d.topic.en} for d in disputes])
    _insert(db, "dispute_claims", [
        {"dispute_id": d.id, "position": position, "article": c.article, "quote": c.quote, "claim_fr": c.claim.fr, "claim_en": c.claim.en}
        for d in disputes for position, c in enumerate(d.claims)
    ])
    _insert(db, "dispute_events", [
        {"dispute_id": d.id, "event_id": event} for d in disputes for event in d.events
    ])
    _insert(db, "role_spells", [
        _spell_row(e.id, index, spell, event_dates)
        for e in sorted(dataset.entities, key=lambda e: e.id) for index, spell in enumerate(e.roles)
    ])
    _insert(db, "event_entities", [
        {"event_id": e.id, "entity_id": entity, "role": role, "position": position}
        for e in events for role, ids in (("actor", e.actors), ("target", e.targets)) for position, entity in enumerate(ids)
    ])
    _insert(db, "sources", [
        {"event_id": e.id, "position": position, "article": s.article, "quote": s.quote}
        for e in events for position, s in enumerate(e.sources)
    ])
    _insert(db, "figures", [
        {"event_id": e.id, "position": position, "measure": f.measure, "value": f.value, "unit": f.unit,
         "approximate": f.approximate, "bound": f.bound, "hedged": f.hedged, "article": f.article, "quote": f.quote}
        for e in events for position, f in enumerate(e.figures)
    ])
    quotes = sorted(dataset.quotes, key=lambda q: (q.when.sort_key(), q.id))
    _insert(db, "quotes", [
        {"id": q.id, "position": position, "event_id": q.event, **_date_columns("date", q.when), "article": q.article,
         "text": q.text, "en": q.en, "medium": q.medium, "fragment": q.fragment, "speakers": ", ".join(entity_names[s] for s in q.speakers if s in entity_names)}
        for position, q in enumerate(quotes)
    ])
    _insert(db, "quote_speakers", [
        {"quote_id": q.id, "entity_id": speaker, "position": position}
        for q in quotes for position, speaker in enumerate(q.speakers)
    ])
    coverage = measure_coverage(dataset)
    _insert(db, "ignored_sentences", [
        {"article": i.article, "sentence": i.sentence, "reason": i.reason} for i in dataset.ignored
    ])
    db.table("meta").insert_all([
        {"key": "coverage_naming", "value": str(coverage.naming)},
        {"key": "coverage_uncited", "value": str(len(coverage.uncited))},
    ])
    _insert(db, "vectors", _encode_rows(events, quotes, sorted(dataset.entities, key=lambda e: e.id)))
    db.table("events").enable_fts(["summary_fr", "summary_en"], tokenize=FTS_TOKENIZER)
    db.table("quotes").enable_fts(["text", "en"], tokenize=FTS_TOKENIZER)
    db.table("sources").enable_fts(["quote"], tokenize=FTS_TOKENIZER)
    for table, columns in (("event_entities", ["entity_id"]), ("sources", ["article"]), ("figures", ["measure"]),
                           ("role_spells", ["role"]), ("aliases", ["folded"]), ("events", ["date_start"])):
        db.table(table).create_index(columns)


def _lexicon_rows(dataset: Dataset) -> list[dict[str, Any]]:
    lexicon = dataset.lexicon
    if lexicon is None:
        return []
    rows: list[dict[str, Any]] = []
    for name in ("replace_words", "replace_nouns", "replace_phrases", "quantity_phrases", "speech_words", "profile_phrases", "everyday_words", "filler_words", "becoming_words",
                 "attribution_phrases", "attribution_sources", "exact_words",
                 "generic_measure_words"):
        rows += [{"list": name, "key": "", "position": i, "word": word} for i, word in enumerate(getattr(lexicon, name))]
    for variant, word in sorted(lexicon.spellings.items()):
        rows.append({"list": "spellings", "key": variant, "position": 0, "word": word})
    for group, words in enumerate(lexicon.measure_synonyms):
        rows += [{"list": "measure_synonyms", "key": str(group), "position": i, "word": word} for i, word in enumerate(words)]
    for unit, words in sorted(lexicon.asked_units.items()):
        rows += [{"list": "asked_units", "key": unit, "position": i, "word": word} for i, word in enumerate(words)]
    return rows


def _encode_rows(events: list[Any], quotes: list[Any], entities: list[Any]) -> list[dict[str, Any]]:
    """Every text a question may be compared with by meaning, and its vector."""
    texts: list[tuple[str, str, str, str]] = []
    for e in events:
        texts += [("event", e.id, "summary_fr", e.summary.fr), ("event", e.id, "summary_en", e.summary.en)]
        texts += [("event", e.id, "source", s.quote) for s in e.sources]
    for q in quotes:
        texts += [("quote", q.id, "text", q.text)] + ([("quote", q.id, "en", q.en)] if q.en else [])
    for n in entities:
        texts += [("entity", n.id, "description_fr", f"{n.name} : {n.description.fr}"),
                  ("entity", n.id, "description_en", f"{n.name}: {n.description.en}")]
    vectors = meaning.encode([text for *_, text in texts])
    rows: list[dict[str, Any]] = []
    counters: dict[tuple[str, str], int] = {}
    for (owner, key, field, _), vector in zip(texts, vectors):
        position = counters.get((owner, key), 0)
        counters[(owner, key)] = position + 1
        rows.append({"owner": owner, "id": key, "position": position, "field": field, "vector": meaning.pack(vector)})
    return rows


def _spell_row(entity_id: str, index: int, spell: Any, event_dates: dict[str, SagaDate]) -> dict[str, Any]:
    start = event_dates.get(spell.from_event) if spell.from_event else None
    end = event_dates.get(spell.until) if spell.until else None
    return {
        "id": f"{entity_id}#{index}", "entity_id": entity_id, "role": spell.role, "of_entity": spell.of,
        "from_event": spell.from_event, "until_event": spell.until,
        # The spell starts somewhere within its opening event's date and ends within its
        # closing event's; null bounds mean before or after the saga as the articles tell it.
        "start_earliest": start.start if start else None, "start_latest": start.end if start else None,
        "end_earliest": end.start if end else None, "end_latest": end.end if end else None, "dispute_id": spell.dispute,
        "source_article": spell.source.article, "source_quote": spell.source.quote,
    }


def _create_tables(db: sqlite_utils.Database) -> None:
    """Create every table after the tables its foreign keys point to."""
    pending = dict(TABLES)
    while pending:
        ready = [name for name, (_, _, fks) in pending.items() if all(other == name or other not in pending for _, other, _ in fks)]
        if not ready:
            raise RuntimeError(f"circular foreign keys among {sorted(pending)}")
        for name in ready:
            columns, pk, foreign_keys = pending.pop(name)
            db.table(name).create(columns, pk=pk, foreign_keys=foreign_keys, not_null=_not_null(name, columns))


def _not_null(table: str, columns: dict[str, type]) -> set[str]:
    pk = TABLES[table][1]
    return set(pk if isinstance(pk, tuple) else (pk,))


def _insert(db: sqlite_utils.Database, table: str, rows: Iterable[dict[str, Any]]) -> None:
    db.table(table).insert_all(rows)

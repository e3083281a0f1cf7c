"""How often `/ask` is right on questions written blind, per kind and language.

    .venv/bin/python benchmarks/eval_answers.py              # the frozen test split
    .venv/bin/python benchmarks/eval_answers.py --split holdout  # a second frozen split (2026-12-03)
    .venv/bin/python benchmarks/eval_answers.py --split dev  # the split the engine is tuned on
    .venv/bin/python benchmarks/eval_answers.py --split dev --show wrong,refused

The questions (benchmarks/questions/*.jsonl) were written by a helper that saw only the five
articles and the answer format, never the engine, its tests or its outputs; their format is
in benchmarks/questions/README.md. Each answer is graded from the JSON contract's data:

- right: who / who_said — the first person of the answer is an expected one; when — the
  answer's date is the expected one (or lies within it); how_many — an expected number is
  among the figures; what / why / where — one of the first three events (or quotes, figures, or
  the posts of a role answer) cites the expected passage; unanswerable — "the articles don't say";
- wrongly refused: "the articles don't say" to an answerable question;
- wrong: any other answer; for an unanswerable question, any answer at all.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import engine
from bot.answering.answers import Answer
from bot.answering.index import SagaIndex, load_index
from bot.answering.names import resolve_entity
from bot.curation.build import ensure_database
from bot.saga.dates import SagaDate, parse_date

QUESTIONS = ROOT / "benchmarks" / "questions"
OUTCOMES = ("right", "wrongly refused", "wrong", "correctly refused")
KIND_GROUPS = {"who": "who", "who_said": "who said", "when": "when", "how_many": "how many", "what": "what/why/where",
               "why": "what/why/where", "where": "what/why/where", "unanswerable": "unanswerable"}


@dataclass(frozen=True)
class Graded:
    question: dict[str, Any]
    outcome: str
    answer: Answer
    seconds: float


def load_questions(split: str) -> list[dict[str, Any]]:
    path = QUESTIONS / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def grade(index: SagaIndex, question: dict[str, Any], answer: Answer) -> str:
    refused = answer.kind in ("unknown", "error")
    if question["kind"] == "unanswerable":
        return "correctly refused" if refused else "wrong"
    if refused:
        return "wrongly refused"
    return "right" if _is_right(index, question, answer) else "wrong"


def _is_right(index: SagaIndex, question: dict[str, Any], answer: Answer) -> bool:
    kind, expected = question["kind"], question.get("expected", {})
    if kind in ("who", "who_said"):
        wanted = {resolve_entity(index, name) or name for name in expected.get("people", [])}
        people = list(answer.people) or [t.entity_id for t in answer.tenures if t.certain]
        if answer.kind == "quote" and answer.quotes:
            people = list(answer.quotes[0].speakers) or people
        return bool(people) and people[0] in wanted
    if kind == "when":
        date = answer.date or (answer.events[0].date if answer.events else None)
        wanted = [expected["date"], *expected.get("also", [])]
        return date is not None and any(_same_time(date, _parse(iso)) for iso in wanted)
    if kind == "how_many":
        wanted_numbers = {float(expected["number"]), *(float(n) for n in expected.get("also", []))}
        return any(float(figure.value) in wanted_numbers for figure in answer.figures)
    return _cites(answer, question.get("evidence", []))


def _parse(iso: str) -> SagaDate:
    """'2023-11-17', '2023-11-17T12:30-08:00', or a range '2023-11-19/2023-11-20'."""
    if "/" in iso:
        first, last = iso.split("/", 1)
        return parse_date({"earliest": first if first != ".." else None, "latest": last if last != ".." else None})
    return parse_date(iso)


def _same_time(said: SagaDate, wanted: SagaDate) -> bool:
    """The answer's date is the one asked, or lies within it ("2023-11-17" for "2023-11")."""
    if not (said.start and said.end and wanted.start and wanted.end):
        return said.iso == wanted.iso
    inside = wanted.start[:10] <= said.start[:10] and said.end[:10] <= wanted.end[:10]
    return inside or (said.start[:10] == wanted.start[:10] and said.end[:10] == wanted.end[:10])


def _cites(answer: Answer, evidence: list[dict[str, str]]) -> bool:
    passages = [(s.article, s.quote) for event in answer.events[:3] for s in event.sources]
    passages += [(quote.article, quote.text) for quote in answer.quotes[:3]]
    passages += [(figure.article, figure.quote) for figure in answer.figures[:3]]
    # role and profile answers show each post with its verbatim source
    passages += [(tenure.source_article, tenure.source_quote) for tenure in answer.tenures[:6]]
    for wanted in evidence:
        for article, passage in passages:
            if article == wanted["article"] and fuzz.partial_ratio(wanted["quote"], passage) >= 85:
                return True
    return False


def evaluate(index: SagaIndex, questions: list[dict[str, Any]]) -> list[Graded]:
    graded = []
    for question in questions:
        started = time.perf_counter()
        answer = engine.ask(index, question["question"])
        graded.append(Graded(question, grade(index, question, answer), answer, time.perf_counter() - started))
    return graded


def print_table(graded: list[Graded], title: str) -> None:
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in graded:
        group = KIND_GROUPS[item.question["kind"]]
        for key in ((item.question["lang"], group), (item.question["lang"], "all"), ("all", "all")):
            rows[key][item.outcome] += 1
    print(f"\n{title}")
    print("| lang | kind | questions | right | wrongly refused | wrong | correctly refused |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    order = list(dict.fromkeys(KIND_GROUPS.values())) + ["all"]
    for lang in ("fr", "en", "all"):
        for group in order:
            counts = rows.get((lang, group))
            if counts:
                total = sum(counts.values())
                print(f"| {lang} | {group} | {total} | " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    for lang in ("fr", "en"):
        answerable = [g for g in graded if g.question["lang"] == lang and g.question["kind"] != "unanswerable"]
        unanswerable = [g for g in graded if g.question["lang"] == lang and g.question["kind"] == "unanswerable"]
        right = sum(g.outcome == "right" for g in answerable)
        refused = sum(g.outcome == "correctly refused" for g in unanswerable)
        wrong = sum(g.outcome == "wrong" for g in graded if g.question["lang"] == lang)
        total = len([g for g in graded if g.question["lang"] == lang])
        print(f"{lang}: right on answerable {right}/{len(answerable)} ({_percent(right, len(answerable))}), "
              f"unanswerable refused {refused}/{len(unanswerable)} ({_percent(refused, len(unanswerable))}), "
              f"wrong {wrong}/{total} ({_percent(wrong, total)})")
    languages = Counter((g.question["lang"] == g.answer.locale) for g in graded)
    print(f"replies in the asker's language: {languages[True]}/{len(graded)}")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="test", choices=("test", "holdout", "dev"))
    parser.add_argument("--show", default="", help="comma-separated outcomes to list: wrong, refused (wrongly), right")
    arguments = parser.parse_args()
    database = ROOT / "var" / "saga.db"
    ensure_database(ROOT / "data", ROOT / "seeds", database)
    index = load_index(database)
    questions = load_questions(arguments.split)
    graded = evaluate(index, questions)
    print_table(graded, f"{arguments.split} split, {len(questions)} questions, {time.strftime('%Y-%m-%d')}")
    wanted = {"refused": "wrongly refused"}.get
    show = {wanted(name, name) for name in arguments.show.split(",") if name}
    for item in graded:
        if item.outcome in show:
            q = item.question
            print(f"- [{item.outcome}] {q['id']} {q['kind']}: {q['question']!r} expected {q.get('expected')} → "
                  f"{item.answer.kind} {[p for p in item.answer.people][:3]} {item.answer.date.iso if item.answer.date else ''} "
                  f"{[e.id for e in item.answer.events[:3]]} {[f.value for f in item.answer.figures]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

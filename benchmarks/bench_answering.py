"""How fast sagabot answers: every question of the test table and of the blind question bank,
N times each, through the console's JSON handler (parse, engine with the sentence encoder,
wording, JSON); autocomplete on every keystroke of names, roles, event ids and days; and how
long the console takes to start.

    .venv/bin/python benchmarks/bench_answering.py [--repeat N]

Each question is answered afresh: the per-question memo of closeness scores is emptied before
every call, so every timing includes encoding the question. Goals (issue #9, on a 2-core
machine): answering p50 <= 10 ms and p99 <= 30 ms, autocomplete p99 <= 1 ms (no encoder on
keystrokes). This is a report, not a test: it never fails.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bot.answering.autocomplete import complete_days, complete_entities, complete_events, complete_roles
from bot.answering.index import SagaIndex, load_index
from bot.console import handle_line, parse_line
from bot.curation.build import build_database
from test_answering_questions import CASES

BANK = ROOT / "benchmarks" / "questions"


def percentile(samples: list[float], share: float) -> float:
    """The value below which `share` of the samples fall (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(title: str, samples: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"  {'':12} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    everything = [sample for values in samples.values() for sample in values]
    for name, values in [*sorted(samples.items()), ("ALL", everything)]:
        print(f"  {name:12} {len(values):6d} {percentile(values, 0.5):8.3f} {percentile(values, 0.99):8.3f} {max(values):8.3f}")


def time_answers(index: SagaIndex, repeat: int) -> dict[str, list[float]]:
    lines = [(case.line, case.language if case.forced else None) for case in CASES]
    for path in sorted(BANK.glob("*.jsonl")):
        lines += [(json.loads(row)["question"], None) for row in path.read_text(encoding="utf-8").splitlines() if row.strip()]
    samples: dict[str, list[float]] = defaultdict(list)
    for line, locale in lines:  # once, untimed: the first call loads the encoder and builds per-index caches
        handle_line(index, line, locale)
    for _ in range(repeat):
        for line, locale in lines:
            index.cache.pop("scores", None)
            start = time.perf_counter()
            handle_line(index, line, locale)
            samples[parse_line(line).command].append((time.perf_counter() - start) * 1000)
    return samples


def keystrokes(words: list[str]) -> list[str]:
    """Every prefix of each word, as typed one key at a time."""
    return [word[:end] for word in words for end in range(1, len(word) + 1)]


def time_autocomplete(index: SagaIndex, repeat: int) -> dict[str, list[float]]:
    typed: dict[str, tuple[Callable[..., object], list[str]]] = {
        "entities": (complete_entities, keystrokes(["altmann", "brockmann", "satya", "Emmet", "sutskevar", "microsfot", "conseil"])),
        "roles": (complete_roles, keystrokes(["pdg par intérim", "interm", "cto", "chief scientist"])),
        "events": (complete_events, keystrokes(["board-fires-altman", "brockman res", "employes-leter", "shear"])),
        "days": (complete_days, keystrokes(["dimanche", "sunday", "2023-11-20", "20 novembre"])),
    }
    samples: dict[str, list[float]] = defaultdict(list)
    for name, (complete, prefixes) in typed.items():
        for prefix in prefixes:
            complete(index, prefix)  # warm the per-index candidates
        for _ in range(repeat):
            for prefix in prefixes:
                start = time.perf_counter()
                complete(index, prefix, "fr")
                samples[name].append((time.perf_counter() - start) * 1000)
    return samples


def time_start(db_path: Path, runs: int) -> None:
    environment = {**os.environ, "SAGABOT_SAGA_DB": str(db_path), "PYTHONPATH": str(ROOT)}
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "shell", "--json", "-c", "/help"], cwd=ROOT, env=environment,
                       check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    probe = (
        "import time; t = time.perf_counter(); from pathlib import Path; from bot.console import handle_line; "
        f"from bot.answering.index import load_index; i = time.perf_counter(); index = load_index(Path({str(db_path)!r})); "
        "e = time.perf_counter(); print(i - t, e - i)"
    )
    imports, loads = [], []
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=environment, check=True, capture_output=True, text=True)
        first, second = map(float, output.stdout.split())
        imports.append(first)
        loads.append(second)
    print("\nConsole start")
    print(f"  `python -m bot shell --json -c /help` wall time: median {statistics.median(walls):.3f} s, max {max(walls):.3f} s ({runs} runs)")
    print(f"  import of the console and engine:        median {statistics.median(imports) * 1000:.1f} ms")
    print(f"  index load (SagaIndex.load of the DB):   median {statistics.median(loads) * 1000:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="times each question / keystroke is answered (default 5)")
    parser.add_argument("--starts", type=int, default=5, help="console starts to time (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "saga.db"
        build_database(ROOT / "data", ROOT / "seeds", db_path, ROOT)
        index = load_index(db_path)
        print(f"sagabot answering benchmark: {len(CASES)} table questions and the blind bank x {args.repeat}, Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs")
        report("Answering (handle_line: parse + engine + reply + JSON), per command", time_answers(index, args.repeat))
        report("Autocomplete (one call per keystroke), per kind", time_autocomplete(index, args.repeat))
        time_start(db_path, args.starts)
    return 0


if __name__ == "__main__":
    sys.exit(main())

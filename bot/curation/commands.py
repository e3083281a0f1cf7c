"""The `data check` and `data build` commands: run the pipeline and print what a maintainer needs."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from ..settings import Settings
from .build import build_database
from .checks import check_dataset
from .coverage import measure_coverage
from .dataset import load_dataset
from .problems import DataError


def run_check(settings: Settings, quiet: bool = False, out: TextIO | None = None) -> int:
    """Print every problem as `file:line: message`, then the coverage report; 0 when all is well."""
    out = out or sys.stdout
    loaded = load_dataset(settings.data_dir, settings.seeds_dir, settings.root)
    problems = sorted(loaded.problems + check_dataset(loaded.dataset))
    for problem in problems:
        print(problem, file=out)
    dataset = loaded.dataset
    coverage = measure_coverage(dataset)
    for uncited in coverage.uncited:
        print(uncited, file=out)
    if not quiet:
        figures = sum(len(event.figures) for event in dataset.events)
        sources = sum(len(event.sources) for event in dataset.events)
        print(
            f"data: {len(dataset.articles)} articles, {len(dataset.entities)} entities, {len(dataset.events)} events "
            f"({sources} sources, {figures} figures), {len(dataset.quotes)} quotes, {len(dataset.disputes)} disputes",
            file=out,
        )
    print(
        f"coverage: {coverage.naming} sentences name a known entity: {coverage.cited} cited, "
        f"{coverage.ignored} ignored with a reason, {len(coverage.uncited)} uncited",
        file=out,
    )
    failed = bool(problems or coverage.uncited)
    print(f"check: {'FAILED' if failed else 'ok'}: {len(problems)} problems, {len(coverage.uncited)} uncited sentences", file=out)
    return 1 if failed else 0


def run_build(settings: Settings, destination: Path, out: TextIO | None = None) -> int:
    """Build the database; on bad data print the problems and leave any existing database untouched."""
    out = out or sys.stdout
    try:
        counts = build_database(settings.data_dir, settings.seeds_dir, destination, settings.root)
    except DataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"build: not built: {len(error.problems)} problems (run `python -m bot data check`)", file=sys.stderr)
        return 1
    summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
    print(f"build: wrote {destination}: {summary}", file=out)
    return 0

from __future__ import annotations

from pathlib import Path

from bot.curation.coverage import measure_coverage
from bot.curation.dataset import load_dataset
from bot.settings import Settings


def coverage_of(settings: Settings, extra: str):
    seed = settings.seeds_dir / "900_tiny.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return measure_coverage(load_dataset(settings.data_dir, settings.seeds_dir, settings.root).dataset)


def test_names_are_found_without_case_or_accents_and_on_word_bounds(tiny: Settings) -> None:
    coverage = coverage_of(tiny, "NADELLA parle.\nUn altmanien ne compte pas.\n")
    names = {u.sentence.text: u.names for u in coverage.uncited}
    assert names == {"NADELLA parle.": ("satya-nadella",)}


def test_a_sentence_without_a_known_name_is_not_counted(tiny: Settings) -> None:
    before = coverage_of(tiny, "")
    after = coverage_of(tiny, "Il pleut sur la ville.\n")
    assert after.naming == before.naming == 2
    assert after.uncited == []


def test_a_short_quote_inside_the_sentence_cites_it(tiny: Settings) -> None:
    # The source of board-fires-altman is the whole first sentence; the role's source
    # « a renvoyé Sam Altman » alone lies inside it: both cite sentence 1.
    coverage = coverage_of(tiny, "")
    assert (coverage.naming, coverage.cited, len(coverage.uncited)) == (2, 2, 0)


def test_uncited_sentence_reports_its_seed_line(tiny: Settings) -> None:
    coverage = coverage_of(tiny, "\n\nOpenAI se tait.\n")
    (uncited,) = coverage.uncited
    assert (uncited.sentence.line, uncited.path) == (5, str(Path("seeds") / "900_tiny.txt"))

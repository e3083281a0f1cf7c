"""The shipped data itself: complete, verbatim, honest about disagreements and hedges."""
from __future__ import annotations

import filecmp
import hashlib

import pytest

from bot.curation.checks import check_dataset
from bot.curation.commands import run_check
from bot.curation.coverage import measure_coverage
from bot.curation.dataset import Dataset, load_dataset
from bot.settings import Settings


@pytest.fixture(scope="module")
def dataset(project: Settings) -> Dataset:
    loaded = load_dataset(project.data_dir, project.seeds_dir, project.root)
    assert loaded.problems == []
    return loaded.dataset


def test_data_check_passes(project: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(project) == 0, capsys.readouterr().out


def test_no_problem_and_no_uncited_sentence(dataset: Dataset) -> None:
    assert check_dataset(dataset) == []
    coverage = measure_coverage(dataset)
    assert [str(u) for u in coverage.uncited] == []
    assert coverage.cited >= 100


def test_at_least_100_events_each_with_a_verbatim_source(dataset: Dataset) -> None:
    assert len(dataset.events) >= 100
    for event in dataset.events:
        assert event.sources, event.id
        for source in event.sources:
            assert source.quote in dataset.texts[source.article], event.id


def test_every_quote_is_verbatim_in_its_article(dataset: Dataset) -> None:
    assert len(dataset.quotes) >= 30
    for quote in dataset.quotes:
        assert quote.text in dataset.texts[quote.article], quote.id
        assert quote.en.strip(), quote.id


def test_seeds_are_the_articles_curated(project: Settings, dataset: Dataset) -> None:
    """Byte for byte: against ../shared/seeds when the checkout sits beside it, and always against
    the SHA-256 that articles.yaml records (so a fresh clone checks them too)."""
    names = sorted(p.name for p in project.seeds_dir.iterdir())
    assert names == sorted(article.seed for article in dataset.articles)
    for article in dataset.articles:
        assert hashlib.sha256((project.seeds_dir / article.seed).read_bytes()).hexdigest() == article.sha256, article.seed
    shared = project.root.parent / "shared" / "seeds"
    if shared.is_dir():
        assert sorted(p.name for p in shared.iterdir()) == names
        _match, mismatch, errors = filecmp.cmpfiles(shared, project.seeds_dir, names, shallow=False)
        assert (mismatch, errors) == ([], [])


@pytest.mark.parametrize("spelling", ["Emmett Sear", "Emmet Shear", "M. Altman", "M. Murati", "OAI", "la firme de Redmond"])
def test_spellings_found_in_the_articles_are_aliases(dataset: Dataset, spelling: str) -> None:
    assert any(spelling in dataset.texts[seed] for seed in dataset.texts), "the spelling should come from an article"
    assert any(spelling in entity.aliases for entity in dataset.entities)


@pytest.mark.parametrize(
    ("measure", "value", "unit"),
    [("letter-signatories", 505, "people"), ("letter-signatories", 500, "people"), ("openai-headcount", 700, "people"),
     ("openai-headcount", 770, "people"), ("microsoft-investment-in-openai", 10_000_000_000, "USD")],
)
def test_competing_figures_are_all_kept(dataset: Dataset, measure: str, value: float, unit: str) -> None:
    figures = [f for e in dataset.events for f in e.figures if f.measure == measure and f.value == value]
    assert figures, f"{measure} {value} missing"
    assert all(f.unit == unit for f in figures)


@pytest.mark.parametrize(
    ("value", "unit"), [(95, "percent"), (30, "days"), (100, "announcements"), (100_000_000, "users")],
)
def test_figures_of_the_articles_are_numbers_with_units(dataset: Dataset, value: float, unit: str) -> None:
    assert any(f.value == value and f.unit == unit for e in dataset.events for f in e.figures)


@pytest.mark.parametrize(
    "dispute", ["letter-signatories", "openai-headcount", "statement-time", "murati-interim-duration", "shear-twitch-title"]
)
def test_disagreements_are_kept_with_their_sources(dataset: Dataset, dispute: str) -> None:
    found = next(d for d in dataset.disputes if d.id == dispute)
    assert len(found.claims) >= 2
    assert len({c.quote for c in found.claims}) == len(found.claims)


@pytest.mark.parametrize(
    ("event", "iso"),
    [("chatgpt-launch", "2022-11"), ("altman-congress-testimony", "2023-05"), ("superintelligence-post", "2023-07"),
     ("apple-fires-jobs-1985", "1985"), ("board-fires-altman", "2023-11-17"),
     ("openai-statement-altman-out", "2023-11-17T12:30-08:00"), ("nadella-hires-altman-brockman", "2023-11-20"),
     ("shear-named-interim-ceo", "2023-11-19/2023-11-20")],
)
def test_dates_are_as_precise_as_the_text(dataset: Dataset, event: str, iso: str) -> None:
    assert next(e for e in dataset.events if e.id == event).when.iso == iso


@pytest.mark.parametrize("event", ["sutskever-led-ouster-campaign", "murati-sought-rehire", "board-reconsidered-ouster", "google-amazon-offers-altman"])
def test_hedged_reports_are_flagged(dataset: Dataset, event: str) -> None:
    assert next(e for e in dataset.events if e.id == event).hedged


@pytest.mark.parametrize("noise", ["Make this article seo compatible", "[email protected]", "+1-949-280-0267", "À LIRE ÉGALEMENT"])
def test_noise_is_not_an_event(dataset: Dataset, noise: str) -> None:
    passages = [s.quote for e in dataset.events for s in e.sources] + [q.text for q in dataset.quotes]
    assert not any(noise in passage for passage in passages)


def test_no_event_is_dated_to_an_invented_day(dataset: Dataset) -> None:
    # Article 000 (after the return) dates nothing but « Aujourd'hui », « hier », « depuis vendredi »
    # in a month-only article: none of its events may carry a single day.
    for event in dataset.events:
        if all(s.article.startswith("000_") for s in event.sources):
            assert event.when.precision in ("range", "month", "year"), event.id

"""Autocomplete for Discord: at most 25 choices, typo tolerant, best first."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.autocomplete import MAX_CHOICES, MAX_NAME, complete_days, complete_entities, complete_events, complete_roles
from bot.answering.index import SagaIndex, load_index


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


@pytest.mark.parametrize(("typed", "best"), [
    ("altmann", "Sam Altman"),
    ("brockmann", "Greg Brockman"),
    ("brockm", "Greg Brockman"),
    ("brokman", "Greg Brockman"),
    ("satya", "Satya Nadella"),
    ("Emmet", "Emmett Shear"),
    ("sutskevar", "Ilya Sutskever"),
    ("microsfot", "Microsoft"),
    ("mur", "Mira Murati"),
    ("KARA", "Kara Swisher"),
    ("conseil d'administration", "OpenAI board"),
])
def test_entities_are_found_despite_typos(index: SagaIndex, typed: str, best: str) -> None:
    choices = complete_entities(index, typed)
    assert choices and choices[0].value == best


@pytest.mark.parametrize(("typed", "best"), [
    ("pdg par intérim", "interim-ceo"),
    ("interm", "interim-ceo"),
    ("CTO", "cto"),
    ("scientifique en chef", "chief-scientist"),
    ("chief scientst", "chief-scientist"),
])
def test_roles_by_any_of_their_names(index: SagaIndex, typed: str, best: str) -> None:
    assert complete_roles(index, typed)[0].value == best


@pytest.mark.parametrize(("typed", "best"), [
    ("board-fires", "board-fires-altman"),
    ("brockman res", "brockman-resigns"),
    ("shear-named", "shear-named-interim-ceo"),
    ("employes-leter", "employees-letter"),
])
def test_event_ids(index: SagaIndex, typed: str, best: str) -> None:
    choices = complete_events(index, typed, "fr")
    assert choices[0].value == best
    assert choices[0].name.startswith(best + " — ")


@pytest.mark.parametrize(("typed", "best"), [
    ("dim", "2023-11-19"), ("sunday", "2023-11-19"), ("sundya", "2023-11-19"), ("vendredi", "2023-11-17"),
    ("2023-11-20", "2023-11-20"), ("20 novembre", "2023-11-20"), ("november 18", "2023-11-18"),
])
def test_saga_days(index: SagaIndex, typed: str, best: str) -> None:
    assert complete_days(index, typed, "en")[0].value == best


def test_choices_are_at_most_25_and_fit_discord(index: SagaIndex) -> None:
    for complete in (complete_entities, complete_roles, complete_events, complete_days):
        for typed in ("", "a", "o", "e", "2023"):
            choices = complete(index, typed, "fr")
            assert len(choices) <= MAX_CHOICES
            assert all(0 < len(choice.name) <= MAX_NAME and choice.value for choice in choices)
    assert len(complete_events(index, "")) == MAX_CHOICES


def test_nothing_close_gives_no_choice(index: SagaIndex) -> None:
    assert complete_entities(index, "zqxjw") == []
    assert complete_roles(index, "zqxjw") == []


def test_an_empty_field_offers_the_most_talked_about_first(index: SagaIndex) -> None:
    names = [choice.value for choice in complete_entities(index, "")]
    assert "Sam Altman" in names[:3] and "OpenAI board" in names[:5]
    assert [choice.value for choice in complete_days(index, "")][:4] == ["2023-11-17", "2023-11-18", "2023-11-19", "2023-11-20"]


def test_what_autocomplete_returns_is_accepted_by_the_commands(index: SagaIndex) -> None:
    from bot.answering import engine

    assert engine.role(index, complete_roles(index, "interm")[0].value, date=complete_days(index, "sam")[0].value).people == ["mira-murati"]
    assert engine.what(index, complete_entities(index, "brockm")[0].value).people == ["greg-brockman"]
    assert engine.source(index, complete_events(index, "brockman res")[0].value).events[0].id == "brockman-resigns"

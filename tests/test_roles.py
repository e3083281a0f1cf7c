"""Role history derived from the shipped data: who was CEO / interim CEO of OpenAI when."""
from __future__ import annotations

import pytest
import sqlite_utils

from bot.saga.roles import holders_at, role_history


def certain(db: sqlite_utils.Database, role: str, moment: str, of: str = "openai") -> list[str]:
    return [t.entity_id for t in holders_at(db, role, moment, of) if t.certain]


def possible(db: sqlite_utils.Database, role: str, moment: str, of: str = "openai") -> list[str]:
    return [t.entity_id for t in holders_at(db, role, moment, of) if not t.certain]


@pytest.mark.parametrize(
    ("role", "moment", "expected_certain"),
    [
        ("interim-ceo", "2023-11-18", ["mira-murati"]),
        ("interim-ceo", "2023-11-17T13:00-08:00", ["mira-murati"]),
        ("interim-ceo", "2023-11-20", ["emmett-shear"]),
        ("interim-ceo", "2023-12-01", []),
        ("interim-ceo", "2023-11-16", []),
        ("ceo", "2023-11-16", []),
        ("ceo", "2023-11-17", ["sam-altman"]),
        ("ceo", "2023-11-18", []),
        ("ceo", "2023-12-01", ["sam-altman"]),
        ("cto", "2023-11-18", ["mira-murati"]),
        ("chief-scientist", "2023-11-19", ["ilya-sutskever"]),
    ],
)
def test_who_held_the_role(saga_db: sqlite_utils.Database, role: str, moment: str, expected_certain: list[str]) -> None:
    assert certain(saga_db, role, moment) == expected_certain


def test_the_handover_day_is_uncertain_not_guessed(saga_db: sqlite_utils.Database) -> None:
    # Shear's appointment is dated only "between Sunday 19 and Monday 20" by the articles.
    assert certain(saga_db, "interim-ceo", "2023-11-19") == ["mira-murati"]
    assert possible(saga_db, "interim-ceo", "2023-11-19") == ["emmett-shear"]
    assert possible(saga_db, "interim-ceo", "2023-11-20") == ["mira-murati"]


def test_altman_was_not_ceo_of_openai_while_at_microsoft(saga_db: sqlite_utils.Database) -> None:
    assert "sam-altman" not in certain(saga_db, "ceo", "2023-11-20")
    assert certain(saga_db, "ceo", "2023-11-20", of="microsoft-ai-research-team") == ["sam-altman"]
    assert certain(saga_db, "ceo", "2023-11-20", of="microsoft") == ["satya-nadella"]


def test_interim_history_is_ordered_and_sourced(saga_db: sqlite_utils.Database) -> None:
    history = role_history(saga_db, "interim-ceo", "openai")
    assert [t.entity_id for t in history] == ["mira-murati", "emmett-shear"]
    murati, shear = history
    assert murati.until_event == shear.from_event == "shear-named-interim-ceo"
    assert shear.until_event == "altman-brockman-return"
    for tenure in history:
        text = saga_db["articles"].get(tenure.source_article)["text"]
        assert tenure.source_quote in text


def test_before_the_saga_a_role_is_only_possible(saga_db: sqlite_utils.Database) -> None:
    # The articles show Altman as CEO when he is fired, not since when: before the saga's
    # first day the bot may say "possibly", never "certainly".
    assert certain(saga_db, "ceo", "2023-11-16") == []
    assert possible(saga_db, "ceo", "2023-11-16") == ["sam-altman"]


def test_a_disputed_post_says_so(saga_db: sqlite_utils.Database) -> None:
    (twitch,) = [t for t in role_history(saga_db, "ceo", "twitch")]
    assert (twitch.entity_id, twitch.dispute_id) == ("emmett-shear", "shear-twitch-title")
    assert all(t.dispute_id is None for t in role_history(saga_db, "interim-ceo", "openai"))

"""Broken data files and the message each must produce, at the right file and line."""
from __future__ import annotations

import pytest

from bot.curation.checks import check_dataset
from bot.curation.commands import run_build, run_check
from bot.curation.dataset import load_dataset
from bot.settings import Settings

from .conftest import append_to_seed

EVENTS = "data/events/1.yaml"
ACTIONS = "data/actions.yaml"
ENTITIES = "data/entities.yaml"
CALENDAR = "data/calendar.yaml"

# (file, text to replace, replacement, words the message must contain, text on the reported line)
BROKEN = [
    pytest.param(EVENTS, "  action: fired", "  action: [fired", "not valid YAML", None, id="malformed-yaml"),
    pytest.param(EVENTS, "  actors: [openai-board]", "  actors: openai-board", "should be a list", "  actors: openai-board", id="wrong-type-list"),
    pytest.param(EVENTS, '  summary: {fr: "Le conseil renvoie Altman.", en: "The board fires Altman."}\n', "", "missing field 'summary'", "- id: board-fires-altman", id="missing-field"),
    pytest.param(EVENTS, '  when: "2023-11-17"', '  wen: "2023-11-17"', "unknown field 'wen'", '  wen: "2023-11-17"', id="unknown-field"),
    pytest.param(EVENTS, "  actors: [openai-board]", "  actors: [openai-bord]", "did you mean 'openai-board'", "  actors: [openai-bord]", id="unknown-entity"),
    pytest.param(EVENTS, "- id: nadella-hires-altman", "- id: board-fires-altman", "duplicate event id 'board-fires-altman'", "- id: board-fires-altman\n  when: \"2023-11-20\"", id="duplicate-id"),
    pytest.param(EVENTS, '"2023-11-17"', '"2023-11-31"', "November 2023 has 30 days", '  when: "2023-11-31"', id="impossible-date"),
    pytest.param(EVENTS, '"2023-11-17"', '"2023-11-17T12:30"', "without a timezone", '  when: "2023-11-17T12:30"', id="time-without-timezone"),
    pytest.param(EVENTS, '"2023-11-17"', '{earliest: "2023-11-20", latest: "2023-11-19"}', "comes after latest", "  when: {earliest", id="reversed-range"),
    pytest.param(EVENTS, '  sources:\n    - article: 900_tiny.txt\n      quote: "Le conseil', '  sources: []\n  notes:\n    - article: 900_tiny.txt\n      quote: "Le conseil', "at least one source", None, id="no-source"),
    pytest.param(EVENTS, "Le conseil d’administration a renvoyé", "Le conseil d'administration a renvoyé", "only in apostrophes", "      quote: \"Le conseil d'administration", id="apostrophe-not-verbatim"),
    pytest.param(EVENTS, "Satya Nadella a recruté Altman lundi.", "Satya Nadella a embauché Altman lundi.", "closest passage", "      quote: \"Satya Nadella a embauché", id="quote-not-verbatim"),
    pytest.param(EVENTS, "  action: hired", "  action: sacked", "unknown action 'sacked'", "  action: sacked", id="unknown-action"),
    pytest.param(EVENTS, "    - article: 900_tiny.txt\n      quote: \"Satya", "    - article: 901_tiny.txt\n      quote: \"Satya", "unknown article '901_tiny.txt'", "    - article: 901_tiny.txt", id="unknown-article"),
    pytest.param(EVENTS, "- id: nadella-hires-altman", "- id: Nadella Hires", "lowercase words joined by dashes", "- id: Nadella Hires", id="bad-slug"),
    pytest.param(EVENTS, "quote: \"Satya Nadella a recruté Altman lundi.\"", "quote: \"lundi.\"", "too short", "      quote: \"lundi.\"", id="quote-too-short"),
    pytest.param(ENTITIES, "    - role: ceo", "    - role: pope", "unknown role 'pope'", "    - role: pope", id="unknown-role"),
    pytest.param(ENTITIES, "      until: board-fires-altman", "      until: board-fired-altman", "unknown event 'board-fired-altman'", "      until: board-fired-altman", id="unknown-role-event"),
    pytest.param(ENTITIES, "      until: board-fires-altman", "      until: board-fires-altman\n      dispute: nowhere", "unknown dispute 'nowhere'", "      dispute: nowhere", id="unknown-dispute"),
    pytest.param(ENTITIES, "  aliases: [Satya Nadella, Nadella]", "  aliases: [Satya Nadella, Nadella, altman]", "alias 'altman' also names 'sam-altman'", "  aliases: [Satya Nadella, Nadella, altman]", id="alias-of-two-entities"),
    pytest.param(ENTITIES, "  kind: person\n  aliases: [Sam", "  kind: persn\n  aliases: [Sam", "'person'", "  kind: persn", id="bad-kind"),
    pytest.param(ENTITIES, "  description: {fr: Patron., en: Boss.}", "  description: Patron.", "should be a mapping", "  description: Patron.", id="text-instead-of-mapping"),
    pytest.param(ENTITIES, "  kind: group\n", "  kind: group\n  kind: group\n", "appears twice", "  kind: group\n  aliases: [conseil", id="duplicate-key"),
    pytest.param("data/articles.yaml", "- seed: 900_tiny.txt", "- seed: 902_missing.txt", "seeds/902_missing.txt does not exist", "- seed: 902_missing.txt", id="missing-seed"),
    pytest.param(CALENDAR, 'anchor: "2023-11-17"', 'anchor: "2023-11-18"', "should name the anchor's weekday and day", "anchor_source:", id="anchor-not-in-its-passage"),
    pytest.param(CALENDAR, 'anchor: "2023-11-17"', 'anchor: "2023-11"', "must be one day", 'anchor: "2023-11"', id="anchor-not-a-day"),
    pytest.param(CALENDAR, 'quote: "le vendredi 17 novembre"', 'quote: "le vendredi 17 novembre 2023"', "not verbatim", "anchor_source:", id="anchor-passage-not-verbatim"),
    pytest.param(CALENDAR, 'span: {earliest: "2023-11-17", latest: "2023-11-30"}', 'span: {earliest: "2023-11-20", latest: "2023-11-30"}', "should contain the anchor", "span:", id="span-without-anchor"),
    pytest.param(ENTITIES, "  aliases: [Satya Nadella, Nadella]", "  aliases: [Satya Nadella, Nadella]\n  nicknames: [altman]", "nickname 'altman' also names 'sam-altman'", "  nicknames: [altman]", id="nickname-of-two-entities"),
    pytest.param(ACTIONS, "  words: [viré, fired]", "  words: [viré, fired]\n  related: [sacked]", "unknown action 'sacked'", "  related: [sacked]", id="unknown-related-action"),
    pytest.param(ACTIONS, "  words: [viré, fired]", "  words: [viré, fired]\n  related: [fired]", "lists itself as related", "  related: [fired]", id="action-related-to-itself"),
]


def _break(settings: Settings, file: str, old: str, new: str) -> str:
    path = settings.root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's anchor {old!r} is not in {file}"
    broken = text.replace(old, new, 1)
    path.write_text(broken, encoding="utf-8")
    return broken


def _problems(settings: Settings) -> list:
    loaded = load_dataset(settings.data_dir, settings.seeds_dir, settings.root)
    return loaded.problems + check_dataset(loaded.dataset)


def test_tiny_data_is_valid(tiny: Settings) -> None:
    assert _problems(tiny) == []


@pytest.mark.parametrize(("file", "old", "new", "expected", "line_text"), BROKEN)
def test_broken_data_is_reported_with_file_line_and_fix(tiny: Settings, file: str, old: str, new: str, expected: str, line_text: str | None) -> None:
    broken = _break(tiny, file, old, new)
    problems = _problems(tiny)
    matching = [problem for problem in problems if expected in problem.message]
    assert matching, f"no problem says {expected!r}; got: {[str(p) for p in problems]}"
    problem = matching[0]
    if line_text is not None:
        assert problem.path.endswith(file.removeprefix("data/")) or problem.path.endswith(file)
        assert problem.line == broken[: broken.index(line_text)].count("\n") + 1


def test_check_command_prints_file_line_message_and_fails(tiny: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    _break(tiny, EVENTS, "  action: hired", "  action: sacked")
    assert run_check(tiny) == 1
    out = capsys.readouterr().out
    assert "data/events/1.yaml:12: event 'nadella-hires-altman': unknown action 'sacked'" in out
    assert "check: FAILED" in out


def test_check_command_passes_on_valid_data(tiny: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(tiny) == 0
    assert "check: ok: 0 problems, 0 uncited sentences" in capsys.readouterr().out


def test_build_refuses_bad_data_and_keeps_the_previous_database(tiny: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    out = tiny.root / "saga.db"
    assert run_build(tiny, out) == 0
    before = out.read_bytes()
    _break(tiny, EVENTS, "  action: hired", "  action: sacked")
    assert run_build(tiny, out) == 1
    assert out.read_bytes() == before
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    assert "unknown action 'sacked'" in capsys.readouterr().err


def test_build_refuses_bad_data_and_writes_nothing(tiny: Settings) -> None:
    _break(tiny, EVENTS, '"2023-11-17"', '"2023-13-01"')
    out = tiny.root / "fresh.db"
    assert run_build(tiny, out) == 1
    assert not out.exists()
    assert list(tiny.root.glob("*.tmp")) == []


def test_an_edited_seed_fails_the_check(tiny: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    seed = tiny.seeds_dir / "900_tiny.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("lundi", "mardi"), encoding="utf-8")
    assert run_check(tiny) == 1
    assert "seeds/900_tiny.txt is not the article curated here (its sha256 differs)" in capsys.readouterr().out


def test_uncited_sentence_fails_the_check(tiny: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    append_to_seed(tiny, "900_tiny.txt", "Nadella a aussi parlé à OpenAI.\n")
    assert run_check(tiny) == 1
    assert "seeds/900_tiny.txt:3: names openai, satya-nadella but no event or quote cites «Nadella a aussi parlé à OpenAI.»" in capsys.readouterr().out


def test_ignored_sentence_with_reason_passes(tiny: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    append_to_seed(tiny, "900_tiny.txt", "Nadella a aussi parlé à OpenAI.\n")
    (tiny.data_dir / "ignored.yaml").write_text(
        '- article: 900_tiny.txt\n  sentence: "Nadella a aussi parlé à OpenAI."\n  reason: "test"\n', encoding="utf-8"
    )
    assert run_check(tiny) == 0
    assert "1 ignored with a reason" in capsys.readouterr().out


def test_seed_without_article_entry_is_reported(tiny: Settings) -> None:
    (tiny.seeds_dir / "905_new.txt").write_text("Texte.\n", encoding="utf-8")
    assert any("seeds/905_new.txt has no entry in articles.yaml" in p.message for p in _problems(tiny))


def test_lexicon_unit_must_be_one_a_figure_uses(tiny: Settings) -> None:
    (tiny.data_dir / "lexicon.yaml").write_text("asked_units:\n  parsecs: [parsec]\n", encoding="utf-8")
    problems = _problems(tiny)
    assert any("no figure is in 'parsecs'" in problem.message for problem in problems), problems


def test_lexicon_is_optional_and_validated(tiny: Settings) -> None:
    assert _problems(tiny) == []
    (tiny.data_dir / "lexicon.yaml").write_text("speling: {wat: what}\n", encoding="utf-8")
    assert any("unknown field 'speling'" in problem.message for problem in _problems(tiny))

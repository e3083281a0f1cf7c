"""The message catalogue: every user-facing sentence exists in French and English, with the
same placeholders, and every key the code uses is in the catalogue."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answering.replies import HELP_COMMANDS
from bot.messages import MESSAGES, find_placeholders, say
from bot.settings import PROJECT_ROOT

SOURCES = sorted((PROJECT_ROOT / "bot" / "answering").glob("*.py")) + [PROJECT_ROOT / "bot" / name for name in ("console.py", "runner.py")]
_PREFIXES = sorted({key.split(".")[0] for key in MESSAGES})
_KEY_LITERAL = re.compile(rf'"((?:{"|".join(_PREFIXES)})\.[A-Za-z0-9_.:+-]+)"')


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_in_french_and_english_with_the_same_placeholders(key: str) -> None:
    message = MESSAGES[key]
    assert set(message) == {"fr", "en"}, key
    assert message["fr"].strip() and message["en"].strip(), key
    assert find_placeholders(message["fr"]) == find_placeholders(message["en"]), key


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_fills_all_its_placeholders(key: str) -> None:
    for locale in ("fr", "en"):
        values = {name: f"<{name}>" for name in find_placeholders(MESSAGES[key][locale])}
        text = say(key, locale, **values)
        assert "{" not in text and "}" not in text, (key, locale)
        assert all(f"<{name}>" in text for name in values), (key, locale)


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        text = Path(path).read_text(encoding="utf-8")
        keys |= set(_KEY_LITERAL.findall(text))
        # _expect(command, locale, "who") → "error.expected_who"
        keys |= {f"error.expected_{name}" for name in re.findall(r'_expected\(command, [^,]+, "(\w+)"', text)}
    keys |= {f"help.{name}" for name in HELP_COMMANDS}
    return keys


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    keys = used_keys()
    assert len(keys) > 40  # the scan found the code's keys
    missing = sorted(key for key in keys if key not in MESSAGES and not key.startswith(("unit.", "zone.")))
    assert missing == []


def test_french_and_english_differ_where_words_are_said() -> None:
    # A sentence left untranslated would read the same in both languages.
    same = [key for key, message in MESSAGES.items() if message["fr"] == message["en"] and len(find_placeholders(message["fr"])) == 0]
    # Command and option names may be the same word in both languages ("source", "date").
    same = [key for key in same if not (key.startswith(("cmd.", "opt.")) and key.endswith(".name"))]
    assert set(same) <= {"zone.+00:00", "unit.percent"}, same


def test_say_refuses_an_unknown_key_or_locale() -> None:
    with pytest.raises(KeyError):
        say("no.such.key", "fr")
    with pytest.raises(KeyError):
        say("unknown.no_match", "de")

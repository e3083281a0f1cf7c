"""Every sentence of the recap comes from the message catalogue, in French and English, and
every recap message is used (tests/test_messages.py scans the answering engine and the console;
this scans bot/recap)."""
from __future__ import annotations

import re
from pathlib import Path

from bot.messages import MESSAGES, find_placeholders
from bot.recap.commands import REQUIRED_PERMISSIONS
from bot.recap.posts import MODES
from bot.settings import PROJECT_ROOT

RECAP_SOURCES = sorted((PROJECT_ROOT / "bot" / "recap").glob("*.py"))
_KEY = re.compile(r'"(recap\.[A-Za-z0-9_.]+)"')
# Keys the code builds from a value: f"recap.mode.{mode}", f"recap.permission.{name}".
BUILT = {f"recap.mode.{mode}" for mode in MODES} | {f"recap.permission.{name}" for name in REQUIRED_PERMISSIONS}


def collect_recap_keys() -> set[str]:
    keys: set[str] = set()
    for path in RECAP_SOURCES:
        keys |= set(_KEY.findall(Path(path).read_text(encoding="utf-8")))
    return keys | BUILT


def test_every_recap_key_the_code_uses_is_in_the_catalogue() -> None:
    keys = collect_recap_keys()
    assert len(keys) > 40
    assert sorted(key for key in keys if key not in MESSAGES) == []


def test_every_recap_message_is_used_and_in_both_languages() -> None:
    recap = {key for key in MESSAGES if key.startswith("recap.")}
    assert sorted(recap - collect_recap_keys()) == []
    for key in recap:
        assert set(MESSAGES[key]) == {"fr", "en"}
        assert find_placeholders(MESSAGES[key]["fr"]) == find_placeholders(MESSAGES[key]["en"]), key


def test_the_recap_never_imports_discord() -> None:
    for path in RECAP_SOURCES:
        text = Path(path).read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+discord\b", text, re.MULTILINE), path.name

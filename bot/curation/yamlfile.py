"""Read a YAML file into dicts and lists that remember the line of every item.

The line numbers let every problem found later (by the schema or by the cross-checks)
be reported as `file:line`, which is what makes a hand-edited data file fixable.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .problems import DataError, Problem


class LocatedDict(dict[Any, Any]):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int
    key_lines: dict[Any, int]


class LocatedList(list[Any]):
    """A sequence from YAML that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]


class _LocatingLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry 1-based line numbers."""


def _construct_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice in this mapping", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LocatingLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_plain_string(loader: _LocatingLoader, node: yaml.ScalarNode) -> Any:
    # Dates stay strings: the data keeps "2023-11" and "2023-11-17" at their own precision,
    # which YAML's implicit timestamp type would turn into datetime objects.
    return loader.construct_scalar(node)


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_plain_string)


def load_yaml(path: Path, shown_as: str) -> Any:
    """Parse `path`; a syntax error becomes a DataError pointing at its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataError([Problem(shown_as, 1, f"the file is not UTF-8 text ({error.reason}); save it as UTF-8")]) from None
    try:
        return yaml.load(text, Loader=_LocatingLoader)  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(part for part in (error.context, error.problem) if part)
        raise DataError([Problem(shown_as, line, f"this is not valid YAML: {what}; check the indentation and the quoting on this line or the one before")]) from None
    except yaml.YAMLError as error:
        raise DataError([Problem(shown_as, 1, f"this is not valid YAML: {error}")]) from None


def line_at(document: Any, location: tuple[Any, ...]) -> int:
    """The line of the item at `location` (keys and indexes), or of its nearest known parent."""
    line = getattr(document, "line", 1)
    node = document
    for step in location:
        if isinstance(node, LocatedDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line

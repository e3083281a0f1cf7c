"""Load data/ and seeds/ into validated entries, collecting every problem with its line."""
from __future__ import annotations

import hashlib

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from .model import ActionKind, Article, Calendar, Dispute, Entity, Entry, Event, Ignored, Lexicon, Quote, RoleKind
from .problems import DataError, Problem, display_path
from .yamlfile import LocatedDict, LocatedList, line_at, load_yaml

E = TypeVar("E", bound=Entry)


@dataclass
class Dataset:
    """Everything in data/, plus the text of each seed article."""

    articles: list[Article] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    roles: dict[str, RoleKind] = field(default_factory=dict)
    actions: dict[str, ActionKind] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    lexicon: Lexicon | None = None
    calendar: Calendar | None = None
    texts: dict[str, str] = field(default_factory=dict)
    seed_paths: dict[str, str] = field(default_factory=dict)


@dataclass
class Loaded:
    dataset: Dataset
    problems: list[Problem]


def load_dataset(data_dir: Path, seeds_dir: Path, root: Path | None = None) -> Loaded:
    """Read every data file; schema problems are returned, not raised, so all are reported at once."""
    problems: list[Problem] = []
    dataset = Dataset()
    def shown(path: Path) -> str:
        return display_path(path, root)

    def read(path: Path, required: bool = True) -> Any:
        if not path.exists():
            if required:
                problems.append(Problem(shown(path), 1, f"missing file: create {path.name} (see data/FORMAT.md)"))
            return None
        try:
            return load_yaml(path, shown(path))
        except DataError as error:
            problems.extend(error.problems)
            return None

    def entries(path: Path, model: type[E], required: bool = True) -> list[E]:
        document = read(path, required)
        if document is None:
            return []
        if not isinstance(document, LocatedList):
            problems.append(Problem(shown(path), getattr(document, "line", 1), "expected a list of entries (lines starting with '- '), as in data/FORMAT.md"))
            return []
        result = []
        for index, raw in enumerate(document):
            item = _validate(model, raw, shown(path), document, (index,), problems)
            if item is not None:
                result.append(item)
        return result

    def vocabulary(path: Path, model: type[E]) -> dict[str, E]:
        document = read(path)
        if document is None:
            return {}
        if not isinstance(document, LocatedDict):
            problems.append(Problem(shown(path), getattr(document, "line", 1), "expected a mapping of id: {label: {fr, en}, ...}"))
            return {}
        result = {}
        for key, raw in document.items():
            item = _validate(model, raw, shown(path), document, (key,), problems)
            if item is not None:
                result[str(key)] = item
        return result

    def single(path: Path, model: type[E], required: bool = True) -> E | None:
        document = read(path, required)
        if document is None:
            return None
        if not isinstance(document, LocatedDict):
            problems.append(Problem(shown(path), getattr(document, "line", 1), "expected a mapping of field: value, as in data/FORMAT.md"))
            return None
        return _validate(model, document, shown(path), document, (), problems)

    dataset.articles = entries(data_dir / "articles.yaml", Article)
    dataset.entities = entries(data_dir / "entities.yaml", Entity)
    dataset.roles = vocabulary(data_dir / "roles.yaml", RoleKind)
    dataset.actions = vocabulary(data_dir / "actions.yaml", ActionKind)
    for path in sorted((data_dir / "events").glob("*.yaml")):
        dataset.events.extend(entries(path, Event))
    for path in sorted((data_dir / "quotes").glob("*.yaml")):
        dataset.quotes.extend(entries(path, Quote))
    dataset.lexicon = single(data_dir / "lexicon.yaml", Lexicon, required=False)
    dataset.calendar = single(data_dir / "calendar.yaml", Calendar)
    dataset.disputes = entries(data_dir / "disputes.yaml", Dispute, required=False)
    dataset.ignored = entries(data_dir / "ignored.yaml", Ignored, required=False)
    if not dataset.events:
        problems.append(Problem(shown(data_dir / "events"), 1, "no events: add YAML files of events in data/events/"))

    for article in dataset.articles:
        seed = seeds_dir / article.seed
        if not seed.is_file():
            problems.append(Problem(article.path, article.line_of("seed"), f"seeds/{article.seed} does not exist; copy the article into seeds/ under that name"))
            continue
        raw = seed.read_bytes()
        if hashlib.sha256(raw).hexdigest() != article.sha256:
            problems.append(Problem(article.path, article.line_of("sha256"),
                                    f"seeds/{article.seed} is not the article curated here (its sha256 differs): the seeds are "
                                    "never edited; restore the file, or update sha256 after checking every quote"))
        try:
            dataset.texts[article.seed] = raw.decode("utf-8")
            dataset.seed_paths[article.seed] = shown(seed)
        except UnicodeDecodeError:
            problems.append(Problem(shown(seed), 1, "the article is not UTF-8 text"))
    listed = {article.seed for article in dataset.articles}
    for seed in sorted(seeds_dir.glob("*.txt")):
        if seed.name not in listed:
            problems.append(Problem(shown(data_dir / "articles.yaml"), 1, f"seeds/{seed.name} has no entry in articles.yaml; add one"))
    return Loaded(dataset, problems)


def _validate(model: type[E], raw: Any, path: str, document: Any, location: tuple[Any, ...], problems: list[Problem]) -> E | None:
    try:
        item = TypeAdapter(model).validate_python(raw)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            where = location + tuple(detail["loc"])
            problems.append(Problem(path, line_at(document, where), _explain(model, raw, detail)))
        return None
    return item.located(path, raw)


def _explain(model: type[BaseModel], raw: Any, detail: ErrorDetails) -> str:
    """Turn one pydantic error into a sentence that names the entry, the field and the fix."""
    loc = [part for part in detail["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
    field_path = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in loc).replace(".[", "[")
    owner = f"{model.__name__.lower()} '{raw.get('id')}'" if isinstance(raw, dict) and raw.get("id") else model.__name__.lower()
    kind, message = detail["type"], detail["msg"]
    if kind == "missing":
        return f"{owner}: missing field '{field_path}'; add it (see data/FORMAT.md)"
    if kind == "extra_forbidden":
        allowed = ", ".join(sorted(_field_names(model, loc[:-1])))
        return f"{owner}: unknown field '{field_path}' (a typo?); the fields here are: {allowed}"
    if kind == "string_pattern_mismatch":
        return f"{owner}: '{field_path}' is {detail['input']!r}; ids are lowercase words joined by dashes, like 'board-fires-altman'"
    if kind == "too_short" and loc and loc[-1] == "sources":
        return f"{owner}: an event needs at least one source {{article, quote}} with a verbatim quote"
    if kind == "too_short":
        return f"{owner}: '{field_path}' is empty; {message.lower()}"
    if kind == "model_type" or kind == "dict_type":
        return f"{owner}: '{field_path or 'the entry'}' should be a mapping of fields (key: value), not {type(detail['input']).__name__}"
    if kind == "list_type":
        return f"{owner}: '{field_path}' should be a list, like [a, b], not {detail['input']!r}"
    if kind == "value_error":
        return f"{owner}: '{field_path}': {message.removeprefix('Value error, ')}"
    return f"{owner}: '{field_path}' is {detail.get('input')!r}: {message}"


def _field_names(model: type[BaseModel], loc: list[Any]) -> list[str]:
    """The accepted field names of the (sub)model at `loc`, for the 'unknown field' hint."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    fields = getattr(current, "model_fields", {})
    return [info.alias or name for name, info in fields.items()]


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None

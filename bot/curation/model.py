"""The shapes of the curated data, as pydantic models.

Each model maps one kind of YAML entry; `extra="forbid"` turns a misspelt field into an
error instead of silently dropping it. Cross-references (ids, articles, verbatim quotes)
are checked afterwards, in `checks.py`, because they need the whole dataset.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints

from ..saga.dates import SagaDate, parse_date

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
When = Annotated[SagaDate, BeforeValidator(parse_date)]
EntityKind = Literal["person", "organisation", "group", "product", "media", "conference", "place"]


class Entry(BaseModel):
    """An entry of a data file; remembers where it was read so problems can name the line."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    _path: str = PrivateAttr(default="?")
    _raw: Any = PrivateAttr(default=None)

    def located(self, path: str, raw: Any) -> Self:
        self._path, self._raw = path, raw
        return self

    @property
    def path(self) -> str:
        return self._path

    def line_of(self, *location: Any) -> int:
        from .yamlfile import line_at

        return line_at(self._raw, location) if self._raw is not None else 1


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    fr: Text
    en: Text


class Passage(BaseModel):
    """A verbatim passage of one article."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    article: Text
    quote: Text


class Article(Entry):
    seed: Text
    # the seed file's SHA-256: seeds are a byte-identical copy of the shared articles, never edited
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    outlet: Text | None
    outlet_basis: Text
    language: Literal["fr", "en"]
    published: When
    published_basis: Text
    title: Text | None
    # how replies name the article: its outlet, else its title or what it is about (never "003")
    short: Bilingual
    label: Bilingual


class RoleSpell(BaseModel):
    """A post held by an entity; `from`/`until` name the events that open and close it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    role: Slug
    of: Slug | None = None
    from_event: Slug | None = Field(default=None, alias="from")
    until: Slug | None = None
    dispute: Slug | None = None  # the id in disputes.yaml when the articles disagree on this post
    source: Passage


class Entity(Entry):
    id: Slug
    name: Text
    # The French name when it differs (« le conseil d'administration d'OpenAI »), with its article:
    # French replies, quizzes and recaps never show the English one.
    name_fr: Text | None = None
    # French agreement: the posts of this person are named in the feminine (« directrice technique »)
    feminine: bool = False
    kind: EntityKind
    aliases: Annotated[list[Text], Field(min_length=1)]
    # What members call it that the articles never write ("sama", "the ChatGPT maker"): read in
    # questions, never used to find the entity in the articles (coverage).
    nicknames: list[Text] = []
    description: Bilingual
    roles: list[RoleSpell] = []


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    measure: Slug
    value: int | float
    unit: Text
    approximate: bool = False
    bound: Literal["more", "less"] | None = None
    hedged: bool = False
    article: Text
    quote: Text


class Event(Entry):
    id: Slug
    when: When
    approximate: bool = False
    when_basis: Text | None = None
    action: Slug
    actors: Annotated[list[Slug], Field(min_length=1)]
    targets: list[Slug] = []
    hedged: bool = False
    # a turning point of the saga: timelines, profiles and quote lists lead with these
    key: bool = False
    summary: Bilingual
    sources: Annotated[list[Passage], Field(min_length=1)]
    figures: list[Figure] = []


class Quote(Entry):
    id: Slug
    speakers: Annotated[list[Slug], Field(min_length=1)]
    event: Slug | None = None
    when: When
    when_basis: Text | None = None
    article: Text
    text: Text
    en: Text
    medium: Text | None = None
    # words the article quotes inside its own sentence (« réforme », « la mission continue »):
    # found by "who said…", but shown with their event rather than alone in a list of quotes
    fragment: bool = False


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    article: Text
    quote: Text
    claim: Bilingual


class Dispute(Entry):
    id: Slug
    topic: Bilingual
    events: list[Slug] = []
    claims: Annotated[list[Claim], Field(min_length=2)]


class Ignored(Entry):
    article: Text
    sentence: Text
    reason: Text


class RoleKind(Entry):
    label: Bilingual
    # the French label for a woman in the post (« directrice technique »), when it differs
    feminine: Text | None = None
    # a title kept for life once gained (co-founder), not a post held on some days
    lasting: bool = False
    aliases: list[Text] = []


class ActionKind(Entry):
    label: Bilingual
    words: list[Text] = []
    # actions the articles may use for the same deed as this one, as members word it ("put out
    # that post" is `wrote`; the event says `published`): a weaker match than the action itself
    related: list[str] = []


class Lexicon(Entry):
    """How members ask, beyond the words of the articles: the words that tell what a question
    asks for. They widen how questions are read; they never add a fact."""

    # words typed in a hurry → the word they stand for ("wat" → "what", « koi » → « quoi »; "" drops it)
    spellings: dict[str, str] = {}
    # "who replaced", « remplaçant »: answered from role history; the nouns name the successor
    replace_words: list[Text] = []
    replace_nouns: list[Text] = []
    # phrases that say the same, "*" standing for one word ("took * job")
    replace_phrases: list[Text] = []
    # "how many", « combien »: a figure is asked
    quantity_phrases: list[Text] = []
    # "said", « a dit »: a speaker or words are asked
    speech_words: list[Text] = []
    # "who is", « qui est »: a profile is asked
    profile_phrases: list[Text] = []
    # verbs whose subject is the one the event happened to ("who became CEO", "who took over")
    becoming_words: list[Text] = []
    # words that say nothing of the event asked about ("dude", "supposedly", « bordel »)
    filler_words: list[Text] = []
    # "exactly", « exactement »: a date is asked to the day
    exact_words: list[Text] = []
    # "according to", « selon »: what follows, to the end of its clause, names where the asker
    # read it, not what happened; only the names in it are kept
    attribution_phrases: list[Text] = []
    # the words such a clause is made of, besides names and determiners ("the memo", « l'article »)
    attribution_sources: list[Text] = []
    # aliases that are also everyday words ("jobs", "head"): only capitalised do they name the entity
    everyday_words: list[Text] = []
    # words of figure measure ids that say nothing of what is counted ("duration", "number")
    generic_measure_words: list[Text] = []
    # words that mean the same measure: a figure whose measure names one is found by any
    measure_synonyms: list[list[Text]] = []
    # the unit a word asks for: "percentage" → percent, « jours » → days
    asked_units: dict[str, list[Text]] = {}


class Calendar(Entry):
    """Which dates the saga's relative words mean."""

    # the day the articles' weekday names are counted from, and the words that say so
    anchor: When
    anchor_source: Passage
    # the saga's own days: an event within them is what a member most likely asks about
    span: When
    # « le week-end »
    weekend: When

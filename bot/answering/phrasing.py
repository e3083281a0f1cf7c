"""The small pieces of a reply: a date at its precision, a figure with its bound and unit,
an article's short name, a role with its organisation.
"""
from __future__ import annotations

from datetime import date as Day
from datetime import timedelta

from ..messages import has, say
from ..saga.calendar import name_day
from ..saga.dates import DateFormatError, SagaDate, parse_point
from .index import Article, Figure, SagaIndex, Source
from .normalize import Locale

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
}


def phrase_date(saga_date: SagaDate, locale: Locale, approximate: bool = False, compact: bool = False) -> str:
    """'vendredi 17 novembre 2023', 'Friday 17 November 2023 around 12:30 (Pacific time)',
    'novembre 2022', or 'between Sunday 19 and Monday 20 November 2023 — the articles do not say
    exactly' (`compact` leaves that warning to the caller)."""
    if saga_date.precision == "range":
        text = _phrase_range(saga_date.iso, locale)
        return text if compact else say("date.vague", locale, date=text)
    return _phrase_point(saga_date.iso, locale, approximate)


def _phrase_point(iso: str, locale: Locale, approximate: bool = False) -> str:
    try:
        point = parse_point(iso)
    except DateFormatError:
        return iso
    if point.precision == "year":
        return say("date.approximate", locale, date=iso) if approximate else iso
    year, month = int(iso[:4]), int(iso[5:7])
    if point.precision == "month":
        text = f"{MONTHS[locale][month - 1]} {year}"
        return say("date.approximate", locale, date=text) if approximate else text
    day = phrase_day(Day(year, month, int(iso[8:10])), locale)
    if point.precision == "day":
        return day
    time, offset = iso[11:16], iso[16:] or "+00:00"
    offset = "+00:00" if offset == "Z" else offset
    zone = say(f"zone.{offset}", locale) if has(f"zone.{offset}") else f"UTC{offset}"
    shown = time.replace(":", " h ") if locale == "fr" else time
    return say("date.minute_about" if approximate else "date.minute", locale, day=day, time=shown, zone=zone)


def phrase_day(day: Day, locale: Locale) -> str:
    """'vendredi 17 novembre 2023', « mercredi 1er novembre 2023 », 'Friday 17 November 2023'."""
    text = name_day(day, locale)
    if locale == "fr" and day.day == 1:
        text = text.replace(" 1 ", " 1er ", 1)
    return text


def _phrase_range(iso: str, locale: Locale) -> str:
    earliest, _, latest = iso.partition("/")
    earliest = "" if earliest == ".." else earliest
    latest = "" if latest == ".." else latest
    if _spans_whole_months(earliest, latest):
        # "2019-11-01/2023-11-30" is "between November 2019 and November 2023", not two weekdays.
        earliest, latest = earliest[:7], latest[:7]
    if earliest and latest:
        if len(earliest) == len(latest) == 10 and earliest[:7] == latest[:7]:
            # Same month: "between Sunday 19 and Monday 20 November 2023".
            first = phrase_day(Day.fromisoformat(earliest), locale).rsplit(" ", 2)[0]
            return say("date.range_days", locale, start=first, end=_phrase_point(latest, locale))
        return say("date.range", locale, start=_phrase_point(earliest, locale), end=_phrase_point(latest, locale))
    if earliest:
        return say("date.range_from", locale, start=_phrase_point(earliest, locale))
    return say("date.range_until", locale, end=_phrase_point(latest, locale))


def _spans_whole_months(earliest: str, latest: str) -> bool:
    if len(earliest) != 10 or len(latest) != 10 or earliest[8:] != "01" or earliest[:7] == latest[:7]:
        return False
    last = Day.fromisoformat(latest)
    return (last + timedelta(days=1)).day == 1


def phrase_moment(moment: SagaDate, locale: Locale) -> str:
    """'on Sunday 19 November 2023' / « le dimanche 19 novembre 2023 »."""
    return say("moment.at", locale, date=phrase_date(moment, locale))


def phrase_number(value: float, locale: Locale) -> str:
    """10000000000 → '10 milliards' / '10 billion'; 505 → '505'; 1.5 → '1,5' in French."""
    for size, key in ((1_000_000_000, "number.billion"), (1_000_000, "number.million")):
        if abs(value) >= size and (value / size) == int(value / size):
            return say(key, locale, value=int(value / size))
    if float(value).is_integer():
        whole = f"{int(value):,}"
        return whole.replace(",", "\u202f") if locale == "fr" else whole
    text = f"{value:g}"
    return text.replace(".", ",") if locale == "fr" else text


def phrase_figure(figure: Figure, locale: Locale) -> str:
    """'plus de 95 %', 'au moins 10 milliards dollars', 'près de 500 personnes', '505 people'."""
    unit = say(f"unit.{figure.unit}", locale) if has(f"unit.{figure.unit}") else figure.unit
    if figure.value == 1 and unit.endswith("s") and unit not in ("fois", "times"):
        unit = unit[:-1]  # « 1 heure », "1 year"
    number = phrase_number(figure.value, locale)
    if figure.unit == "percent":
        amount = f"{number}\u202f%" if locale == "fr" else f"{number}%"
    elif locale == "fr" and number.endswith(("milliards", "millions")):
        # « 10 milliards de dollars », « 100 millions d'utilisateurs »
        amount = f"{number} d'{unit}" if unit[:1] in "aeiouyéh" else f"{number} de {unit}"
    else:
        amount = f"{number} {unit}"
    if figure.bound == "more":
        return say("figure.more" if figure.approximate else "figure.at_least", locale, value=amount)
    if figure.bound == "less":
        return say("figure.less" if figure.approximate else "figure.at_most", locale, value=amount)
    return say("figure.about_value", locale, value=amount) if figure.approximate else amount


def tag_article(index: SagaIndex, seed: str, locale: Locale) -> str:
    """'Business Insider', « l'article sur le mémo de Kevin Scott »: never the file's number."""
    article = index.articles.get(seed)
    return article.short[locale] if article is not None else seed


def describe_article(article: Article | None, seed: str, locale: Locale) -> str:
    """'Business Insider — "The day Sam Altman was ousted, seen from OpenAI and Microsoft"', the
    article's own title when it has one, else our description of it."""
    if article is None:
        return seed
    short = article.short[locale]
    label = article.title if article.title and article.title not in short else article.label[locale]
    return say("article.long", locale, short=short, label=label)


def phrase_sources(index: SagaIndex, sources: tuple[Source, ...] | list[Source], locale: Locale) -> str:
    """'source: Business Insider' / 'sources: FredZone; ZDNet.com' (each article once)."""
    return phrase_source_list(name_articles(index, sources, locale), locale)


def name_articles(index: SagaIndex, sources: tuple[Source, ...] | list[Source], locale: Locale) -> tuple[str, ...]:
    """The articles of `sources`, each once, by the name members know them by."""
    return tuple(tag_article(index, seed, locale) for seed in sorted({source.article for source in sources}))


def phrase_source_list(names: tuple[str, ...], locale: Locale) -> str:
    """'source: Business Insider' / « sources : FredZone ; ZDNet.com »."""
    return say("source.one" if len(names) == 1 else "source.many", locale, sources=pick_separator(locale).join(names))


def phrase_role(index: SagaIndex, role: str, of_entity: str | None, locale: Locale, holder: str | None = None) -> str:
    """« PDG par intérim d'OpenAI », "interim CEO of OpenAI", or the bare role; in French, in the
    feminine for a woman holding it (« directrice technique d'OpenAI »)."""
    person = index.entities.get(holder or "")
    feminine = locale == "fr" and person is not None and person.feminine
    label = index.roles.get(role, {}).get("fr-f" if feminine else locale, role)
    if not of_entity:
        return label
    name = index.name(of_entity, locale)
    vowel = locale == "fr" and name[:1].lower() in "aeiouyéèh"
    return say("role.of_vowel" if vowel else "role.of", locale, role=label, of=name)


def join_names(names: list[str], locale: Locale) -> str:
    """'A, B et C' / 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    last = " et " if locale == "fr" else " and "
    return ", ".join(names[:-1]) + last + names[-1]


def pick_separator(locale: Locale) -> str:
    """Between items of a list that has commas inside: « ; » in French, "; " in English."""
    return " ; " if locale == "fr" else "; "


# Echoed input is cut here: a line of a megabyte is not worth echoing whole, its start says which line it was.
ECHO_LIMIT = 100


def shorten_echo(text: str) -> str:
    """A member's words shown back: one line, at most ECHO_LIMIT characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= ECHO_LIMIT else flat[: ECHO_LIMIT - 1] + "…"

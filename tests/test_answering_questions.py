"""More than 80 questions, half in French and half in English, with typos and paraphrases,
asked through the console's JSON mode; each expected answer comes from the articles in seeds/
(the comment after each line says where), never from the engine's output.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.answering.index import SagaIndex, load_index
from bot.console import handle_line


@dataclass(frozen=True)
class Case:
    language: str  # the language of the question, which the answer must use
    line: str
    people: tuple[str, ...] = ()  # the first person answered is one of these, and all of them are answered
    date: str | None = None  # the ISO date answered, at the articles' precision
    figures: tuple[float, ...] = ()  # every one of these figures is answered
    event: str | None = None  # this event is among the events answered
    unknown: bool = False  # the articles don't say: kind unknown, nobody named
    forced: bool = False  # the line has no words of its own language: asked with --locale

    def __str__(self) -> str:
        return self.line


C = Case
CASES = [
    # --- who: the articles name who did it
    C("fr", "/who qui a viré Altman ?", people=("OpenAI board",)),  # 001 « débarqué ... par le conseil d'administration »
    C("en", "/who who fired altmann?", people=("OpenAI board",)),
    C("fr", "/ask qui a licencie sam altman", people=("OpenAI board",)),  # no accent
    C("en", "/ask who ousted Sam Altman from OpenAI?", people=("OpenAI board",)),
    C("fr", "/who description: par qui Altman a-t-il été évincé ?", people=("OpenAI board",)),
    C("fr", "/who qui a remplacé Mira Murati ?", people=("Emmett Shear",)),  # 004 « a remplacé Mira Murati »
    C("en", "/who who replaced Murati?", people=("Emmett Shear",)),
    C("fr", "/ask qui a remplacé Altman ?", people=("Mira Murati",)),  # 002 « le remplaçait immédiatement par intérim »
    C("en", "/ask who did Emmet Shear replace?", people=("Mira Murati",)),
    C("fr", "/who qui a recruté Altman et Brockman ?", people=("Microsoft", "Satya Nadella")),  # 001, 004
    C("en", "/who who hired brockmann?", people=("Microsoft", "Satya Nadella")),
    C("fr", "/ask qui Microsoft a-t-il recruté ?", people=("Sam Altman", "Greg Brockman")),
    C("en", "/ask who did microsfot hire?", people=("Sam Altman", "Greg Brockman")),
    C("fr", "/ask qui a démissionné vendredi ?", people=("Greg Brockman",)),  # 002 « a annoncé qu'il avait démissionné »
    C("en", "/ask who resigned from OpenAI on Friday?", people=("Greg Brockman",)),
    C("fr", "/who qui a été nommé PDG par intérim ?", people=("Mira Murati", "Emmett Shear")),  # 002, 004
    C("en", "/who who appointed Murati interim CEO?", people=("OpenAI board",)),  # 004 « Il a donc nommé ... Mira Murati »
    C("fr", "/ask qui a signé la lettre ouverte ?", people=("OpenAI employees",)),  # 004 « près de 500 employés »
    C("en", "/ask who regrets taking part in the board's actions?", people=("Ilya Sutskever",)),  # 003, 004
    C("fr", "/ask qui regrette d'avoir participe aux actions du conseil ?", people=("Ilya Sutskever",)),
    C("en", "/ask who testified before Congress?", people=("Sam Altman",)),  # 003 « Il a témoigné devant le Congrès »
    C("fr", "/ask qui a temoigne devant le congres americain ?", people=("Sam Altman",)),
    C("en", "/ask who wrote the memo to Microsoft employees?", people=("Kevin Scott",)),  # 000
    C("fr", "/ask qui a écrit le mémo aux employés de Microsoft ?", people=("Kevin Scott",)),
    C("fr", "/who qui a mené la campagne de renvoi d'Altman ?", people=("Ilya Sutskever",)),  # 003 « qui aurait mené »
    C("en", "/who who led the campaign to oust Altman?", people=("Ilya Sutskever",)),
    C("fr", "/ask qui a été l'instigateur des négociations pour le retour d'Altman ?", people=("Microsoft",)),  # 001
    C("en", "/ask who joined Brockman at Microsoft?", people=("Jakub Pachocki", "Szymon Sidor", "Aleksander Madry")),  # 001
    C("en", "/ask who tweeted that 505 employees told the board to resign?", people=("Kara Swisher",)),  # 003
    C("en", "/ask who threatened to resign?", people=("OpenAI employees",)),  # 003 « les employés d'OpenAI démissionneront si »
    C("fr", "/ask qui a menacé de démissionner ?", people=("OpenAI employees",)),
    C("en", "/ask who tried to rehire Altman?", people=("Mira Murati",)),  # 004 « cherchait à réembaucher Sam Altman »
    C("fr", "/ask qui voulait réembaucher Altman ?", people=("Mira Murati",)),
    C("en", "/ask who reported on the memo?", people=("The Verge",)),  # 000 « Voici ce qu'il a écrit (via The Verge) »
    C("fr", "/ask qui a écrit une lettre au conseil ?", people=("OpenAI employees",)),  # 004 « ont adressé une lettre ouverte »
    C("en", "/ask who is Sam Altman's replacement?", people=("Mira Murati",)),  # 002 « le remplaçait immédiatement »
    C("fr", "/ask qui est le remplaçant de Murati ?", people=("Emmett Shear",)),  # 004
    C("en", "/ask who was CEO before Murati?", people=("Sam Altman",)),
    # --- roles: who held a post, when
    C("en", "/ask who is the CEO of Microsoft?", people=("Satya Nadella",)),  # 001 « Satya Nadella, le PDG de Microsoft »
    C("fr", "/ask qui est le PDG de microsoft ?", people=("Satya Nadella",)),
    C("en", "/ask who was interim CEO of OpenAI on Saturday?", people=("Mira Murati",)),  # named Friday, replaced Sunday/Monday
    C("fr", "/ask qui était PDG par intérim le lundi 20 novembre ?", people=("Emmett Shear",)),
    C("en", "/role interim CEO 2023-11-18", people=("Mira Murati",)),
    C("fr", "/role role: PDG par intérim date: 18 novembre", people=("Mira Murati",)),
    C("en", "/ask who was the chief scientist of OpenAI?", people=("Ilya Sutskever",)),  # 002 « scientifique en chef d'OpenAI »
    C("fr", "/ask qui est la directrice technique d'OpenAI ?", people=("Mira Murati",)),  # 002 « sa CTO, Mira Murati »
    C("en", "/ask who was the CEO of OpenAI on Saturday 18 November?", people=("Mira Murati",)),  # only an interim one
    C("fr", "/ask qui est Emmett Shear ?", people=("Emmett Shear",)),
    C("en", "/ask who were the board members?", people=("Ilya Sutskever", "Greg Brockman")),  # 002, 003
    C("fr", "/ask qui sont les membres du conseil ?", people=("Ilya Sutskever", "Greg Brockman")),
    C("en", "/ask who is the CEO of Microsoft's new AI team?", people=("Sam Altman",)),  # 004 « en tant que PDG, selon Nadella »
    C("fr", "/ask qui dirige la nouvelle équipe de recherche de Microsoft ?", people=("Sam Altman", "Greg Brockman")),  # 001, 004
    # --- when: the date at the articles' precision
    C("fr", "/when quand Altman a-t-il été viré ?", date="2023-11-17"),  # 001 « le vendredi 17 novembre dernier »
    C("en", "/when when was sam altmann fired", date="2023-11-17"),
    C("fr", "/when quand Brockman a-t-il démissionné ?", date="2023-11-17T13:30-08:00"),  # 002 « environ une heure plus tard »
    C("en", "/ask when did brockmann quit?", date="2023-11-17T13:30-08:00"),
    C("fr", "/ask quand Microsoft a-t-il recruté Altman ?", date="2023-11-20"),  # 004 « a annoncé lundi avoir recruté »
    C("en", "/ask when did satya hire Altman and Brockman?", date="2023-11-20"),
    C("fr", "/ask quand Emmett Shear a-t-il été nommé PDG par intérim ?", date="2023-11-19/2023-11-20"),  # after Sunday's reports
    C("en", "/ask when was Emmet named interim CEO?", date="2023-11-19/2023-11-20"),
    C("fr", "/ask quand OpenAI a-t-il lancé ChatGPT ?", date="2022-11"),  # 003 « en novembre 2022 »
    C("en", "/ask when did OpenAI launch chatgpt?", date="2022-11"),
    C("fr", "/ask quand Altman a-t-il témoigné devant le Congrès ?", date="2023-05"),  # 003 « en mai »
    C("en", "/ask when did Altman testify before Congress?", date="2023-05"),
    C("fr", "/ask quand Sutskever a-t-il exprimé ses regrets ?", date="2023-11-20"),  # 004: just before the letter, Monday
    C("en", "/ask when did sutskevar say he regretted it?", date="2023-11-20"),
    C("fr", "/ask à quelle heure OpenAI a-t-il annoncé le départ d'Altman ?", date="2023-11-17T12:30-08:00"),  # 002
    C("en", "/ask what time did OpenAI announce that Altman was out?", date="2023-11-17T12:30-08:00"),
    C("fr", "/ask quand Murati a-t-elle été nommée PDG par intérim ?", date="2023-11-17T12:30-08:00"),  # 002
    C("en", "/when when was Mira named interim CEO", date="2023-11-17T12:30-08:00"),
    C("fr", "/ask quand Steve Jobs a-t-il été licencié d'Apple ?", date="1985"),  # 002 « en 1985 »
    C("en", "/ask when was Steve Jobs fired from Apple?", date="1985"),
    C("fr", "/ask quand les employés ont-ils signé la lettre ?", date="2023-11-20"),  # 003 Kara Swisher, November 20
    C("en", "/ask when did the employees sign the open letter?", date="2023-11-20"),
    C("fr", "/ask quand Sutskever et Leike ont-ils publié leur billet sur la superintelligence ?", date="2023-07"),  # 004
    C("en", "/ask when did Altman and Brockman agree to return to OpenAI?", date="2023-11-20/2023-11-30"),  # 000, date unknown
    C("fr", "/ask quand Altman est-il revenu chez OpenAI ?", date="2023-11-20/2023-11-30"),
    C("en", "/ask when was Altman in Singapore?", date="2023-06"),  # 004 « en juin dernier »
    # --- how many: every competing figure
    C("en", "/ask how many employees signed the letter?", figures=(505, 500)),  # 003 tweet: 505; 004: « près de 500 »
    C("fr", "/ask combien d'employés ont signé la lettre ?", figures=(505, 500)),
    C("en", "/ask how many employees does OpenAI have?", figures=(700, 770)),  # 003: « 505 of 700 » and « 770 employés »
    C("fr", "/ask combien d'employes compte OpenAI ?", figures=(700, 770)),
    C("en", "/ask how much did Microsoft invest in OpenAI?", figures=(10_000_000_000,)),  # 002 « au moins 10 milliards »
    C("fr", "/ask combien Microsoft a-t-il investi dans OpenAI ?", figures=(10_000_000_000,)),
    C("en", "/ask how many users does ChatGPT have?", figures=(100_000_000,)),  # 003 « plus de 100 millions »
    C("fr", "/ask combien d'utilisateurs compte ChatGPT ?", figures=(100_000_000,)),
    C("en", "/ask how long is Emmett Shear's plan?", figures=(30,)),  # 004 « un plan de 30 jours »
    C("fr", "/ask combien de jours dure le plan de Shear ?", figures=(30,)),
    C("fr", "/ask combien d'annonces Microsoft a-t-il faites à Ignite ?", figures=(100,)),  # 002, 003 « plus de 100 annonces »
    C("en", "/ask how many new independent directors did the letter demand?", figures=(2,)),  # 004
    C("fr", "/ask quel pourcentage des effectifs est prêt à rejoindre Microsoft ?", figures=(95,)),  # 003 « plus de 95 % »
    C("fr", "/ask combien d'heures après l'annonce Brockman a-t-il démissionné ?", figures=(1,)),  # 002 « environ une heure plus tard »
    # 004 « quelques heures » against 001's weekend of negotiations: no figure, the disagreement itself
    C("fr", "/ask combien de temps Murati a-t-elle été PDG par intérim ?", event="murati-named-interim-ceo"),
    C("en", "/ask how long was Mira Murati interim CEO?", event="shear-named-interim-ceo"),
    # --- quotes: who said it, verbatim
    C("fr", "/quote la mission continue", people=("Sam Altman",)),  # 001, 004
    C("en", '/ask who said "the mission continues"?', people=("Sam Altman",)),
    C("fr", "/ask qui a dit « L'OpenAI n'est rien sans son personnel » ?", people=("OpenAI employees",)),  # 001
    C("en", "/quote words: I deeply regret my participation in the board's actions", people=("Ilya Sutskever",)),
    C("fr", "/quote je ne suis pas assez fou pour accepter ce poste", people=("Emmett Shear",)),  # 004
    C("en", "/ask who wrote that superintelligence could be very dangerous?", people=("Ilya Sutskever", "Jan Leike")),  # 004
    C("fr", "/quote Sutskevar", people=("Ilya Sutskever",), event="sutskever-regret", forced=True),
    C("en", "/quote person: nadela", people=("Satya Nadella",), event="nadella-hires-altman-brockman", forced=True),
    C("en", "/ask what did Satya Nadella say about Emmett Shear?", people=("Satya Nadella",)),  # 001, 004
    # --- what, timeline, source
    C("fr", "/what altmann", people=("Sam Altman",), event="board-fires-altman", forced=True),
    C("en", "/what entity: brockmann", people=("Greg Brockman",), event="brockman-resigns", forced=True),
    C("fr", "/timeline dimanche", event="shear-named-interim-ceo", forced=True),  # « entre dimanche et lundi »
    C("en", "/timeline day: friday entity: Brockman", event="brockman-resigns", forced=True),
    C("fr", "/ask que s'est-il passé lundi ?", event="nadella-hires-altman-brockman"),
    C("en", "/ask what happened on Monday?", event="employees-letter"),
    C("fr", "/source board-fires-altman", event="board-fires-altman", date="2023-11-17", forced=True),
    C("en", "/source description of the event: Brockman resigns", event="brockman-resigns"),
    C("fr", "/source la démission de Brockman", event="brockman-resigns"),
    C("en", "/what did Sutskever regret?", event="sutskever-regret"),
    # --- the articles don't say: no guess
    C("en", "/ask who is the CEO of Google?", unknown=True),
    C("fr", "/ask quand Altman a-t-il été arrêté ?", unknown=True),
    C("en", "/ask when was Altman born?", unknown=True),
    C("fr", "/ask qui a racheté Twitter ?", unknown=True),
    C("en", "/ask how many GPUs does OpenAI own?", unknown=True),
    C("fr", "/ask qui a viré Satya Nadella ?", unknown=True),
    C("en", "/who who fired Emmett Shear?", unknown=True),
    C("fr", "/ask combien Google a-t-il investi dans OpenAI ?", unknown=True),
    C("en", "/quote Altman is a liar", unknown=True),
    C("fr", "/ask quel est le salaire d'Altman ?", unknown=True),
    C("en", "/when did Altman go to prison?", unknown=True),
    C("fr", "/ask qui est le PDG de Google ?", unknown=True),
    C("en", "/ask how many employees does Microsoft have?", unknown=True),
    C("fr", "/ask qui a licencié Greg Brockman ?", unknown=True),  # he resigned, and was removed as president
    C("en", "/ask when did Mira Murati resign?", unknown=True),
    C("fr", "/ask quand Microsoft a-t-il licencié Altman ?", unknown=True),  # the board did
    C("en", "/ask who was fired on Sunday?", unknown=True),
]
LOCALE_WORDS = {"en": "The articles don't say", "fr": "Les articles ne"}


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


def test_the_table_is_large_and_bilingual() -> None:
    french = sum(case.language == "fr" for case in CASES)
    english = sum(case.language == "en" for case in CASES)
    assert len(CASES) >= 80
    assert abs(french - english) <= 6, (french, english)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_question(index: SagaIndex, case: Case) -> None:
    reply = handle_line(index, case.line, case.language if case.forced else None)
    answer = reply["answer"]
    context = f"{case.line}\n{reply['text']}"
    assert reply["ok"] is True, context
    assert reply["locale"] == case.language, context
    if case.unknown:
        assert answer["kind"] == "unknown", context
        assert answer["people"] == [] and answer["figures"] == [], context
        assert reply["text"].startswith(LOCALE_WORDS[case.language]), context
        return
    assert answer["kind"] != "unknown", context
    if case.people:
        assert answer["people"] and answer["people"][0] in case.people, context
        assert set(case.people) <= set(answer["people"]), context
    if case.date is not None:
        assert answer["date"] == case.date, context
    if case.figures:
        assert set(case.figures) <= set(answer["figures"]), context
    if case.event is not None:
        assert case.event in [event["id"] for event in answer["events"]], context


def test_every_event_answered_keeps_its_sources(index: SagaIndex) -> None:
    for case in CASES:
        reply = handle_line(index, case.line, case.language if case.forced else None)
        for event in reply["answer"]["events"]:
            assert event["sources"], case.line
            assert all(source["article"].endswith(".txt") and source["quote"] for source in event["sources"]), case.line



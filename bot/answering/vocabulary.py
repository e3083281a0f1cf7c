"""The engine's own bilingual vocabulary, on top of the one in data/ (actions.yaml, roles.yaml).

data/ holds the words the articles and curators use; members ask with more (slang, other
tenses, other nouns). These lists only widen how a question is read: they never add a fact.
"""
from __future__ import annotations

# Extra words per action id of data/actions.yaml (ids missing from the data are skipped).
EXTRA_ACTION_WORDS: dict[str, tuple[str, ...]] = {
    "fired": ("firing", "sacking", "sack", "axed", "canned", "booted", "boot", "dumped", "kick out", "kicked", "let go",
              "mis à la porte", "mettre à la porte", "congédié", "congédier", "remercié", "éjecté", "éjecter",
              "lourdé", "viré", "virée", "renvoyé", "évincé", "forced out", "force out", "départ forcé", "destitué"),
    "hired": ("recrute", "recruits", "hires", "took in", "brought on", "welcomed", "embaucher", "engager", "poach",
              "débauché", "débaucher", "offered a job"),
    "appointed": ("named", "nommée", "nommés", "designated", "picked", "tapped", "promoted", "promu", "installé",
                  "take over", "took over", "pris la tête", "prendre la tête"),
    "resigned": ("démissionnaire", "step down", "stepped down", "steps down", "resigns", "rendu son tablier", "quits"),
    "returned": ("réintégré", "réintégration", "rehired", "reinstatement", "revient", "come back", "comes back",
                 "get back", "got back", "retourné", "retourner"),
    "signed": ("signature", "signatures", "signers", "signé"),
    "regretted": ("remorse", "repent", "apology", "apologise", "apologize", "excuse", "s'excuser"),
    "invested": ("investments", "funded", "financé", "financer", "put money"),
    "negotiated": ("négociation", "negotiation", "bargained"),
    "wrote": ("courriel", "e-mail", "email", "mail", "posté"),
    "reported": ("tweet", "tweeted", "tweets", "tweete", "broke"),
    "testified": ("témoignage", "testimony", "comparu", "appeared before"),
    "launched": ("sortie", "lance", "launches"),
    "demanded": ("pressure", "pressured", "pression", "pressé", "insisted"),
    "sought": ("tried to", "attempted", "essayé", "tenter"),
    "led": ("dirigeait", "menait", "orchestrated", "orchestré", "masterminded"),
    "warned": ("alerté", "alerter", "danger"),
    "published": ("publie", "blog"),
}

# Extra names per entity id of data/entities.yaml: how members say them when the articles
# never do (« au conseil » without « le »).
EXTRA_ENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    "openai-board": ("conseil", "directors of openai"),
    "microsoft-ai-research-team": ("new ai team", "microsoft ai team", "nouvelle equipe", "research team"),
}

# Extra role aliases per role id of data/roles.yaml.
EXTRA_ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "ceo": ("pdg", "chief exec", "big boss", "patronne", "directeur general", "directrice generale", "p.-d.g."),
    "interim-ceo": ("interim chief executive", "ceo par interim", "ceo interim", "pdg interim", "patron par interim",
                    "temporary ceo", "acting chief executive", "interim boss", "interimaire", "pdg par interim"),
    "cto": ("chief technical officer", "directrice de la technologie"),
    "chief-scientist": ("chief science officer", "scientifique en chef", "responsable scientifique"),
    "research-director": ("directeur de recherche", "directrice de la recherche", "research chief"),
    "president": ("presidente",),
}

# Words that mean one person took another's place: answered from role history, not events.
REPLACE_WORDS: frozenset[str] = frozenset({
    "replace", "replaced", "replaces", "replacing", "replacement", "succeed", "succeeded", "successor", "succession",
    "remplace", "remplacee", "remplaces", "remplacer", "remplacant", "remplacante", "remplacement", "succede",
    "succeder", "successeur",
})

REPLACE_NOUNS: frozenset[str] = frozenset({"replacement", "remplacant", "remplacante", "successor", "successeur"})

# Words that ask for a quantity, and words that ask for a speaker.
QUANTITY_PHRASES: tuple[str, ...] = (
    "how many", "how much", "how long", "what number", "what percentage", "what share", "what proportion",
    "combien", "quel nombre", "quel pourcentage", "quelle proportion", "quelle part", "quelle somme", "quel montant",
    "nombre de", "number of", "quelle duree", "what amount", "how big",
)
SPEECH_WORDS: frozenset[str] = frozenset({
    "said", "say", "says", "wrote", "write", "writes", "written", "tweeted", "posted", "declared", "stated", "quote",
    "dit", "dire", "ecrit", "ecrire", "declare", "tweete", "poste", "affirme", "citation", "propos", "lance",
})
PROFILE_PHRASES: tuple[str, ...] = ("who is", "who was", "qui est", "qui etait", "c'est qui", "tell me about", "parle-moi de",
                                    "parle moi de", "present", "presente")

# Bilingual groups of words for quantities: a measure whose slug names one word of a group
# ("openai-headcount") is found by any word of the group ("employés", "staff", "people").
MEASURE_SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(group.split()) for group in (
    "headcount employes employees employee salaries salarie staff personnel effectifs effectif workers people personnes",
    "signatories signatory signataires signataire signed signe sign signer signatures signature signers",
    "letter lettre",
    "users user utilisateurs utilisateur",
    "investment investissement invested investi invest investir funding financement money argent dollars milliards billions",
    "announcements announcement annonces annonce announced",
    "duration duree long longtemps temps days jours day jour weeks semaines period periode",
    "hours hour heures heure temps long longtemps",
    "years year ans annees annee",
    "directors director administrateurs administrateur",
    "price prix charge facturer cost cout pricing",
    "percent pourcentage proportion part percentage",
    "achievements achievement realisations realisation",
    "defectors defector transfuges transfuge",
    "partnership partenariat",
    "multiple double fois times",
    "ready prets pret",
    "join rejoindre joining",
    "plan plans",
    "new nouveaux nouveau",
    "independent independants independant",
))

# Words that ask for a unit: "what percentage" wants a percent, « combien de jours » days.
ASKED_UNITS: dict[str, frozenset[str]] = {
    word: frozenset(units.split())
    for words, units in (
        ("percent percentage pourcentage proportion", "percent"),
        ("dollars dollar usd argent money euros", "USD"),
        ("jours jour days day", "days"),
        ("heures heure hours hour", "hours"),
        ("semaines semaine weeks week", "weeks"),
        ("ans annees years year", "years"),
        ("long longtemps temps duree duration", "days hours weeks years"),
    )
    for word in words.split()
}

# Words of questions that are not in the articles but that the engine understands.
EXTRA_KNOWN_WORDS: tuple[str, ...] = tuple(word for group in MEASURE_SYNONYMS for word in group) + QUANTITY_PHRASES

# How the question names a span of the saga that is not one day.
WEEKEND_WORDS: frozenset[str] = frozenset({"weekend", "week-end"})

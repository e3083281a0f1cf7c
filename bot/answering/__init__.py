"""The answering engine: reads questions in French or English and answers them from the saga
database, every fact with its date and source. Plain Python: nothing here imports discord.

    index = SagaIndex.load(db)             # once, at start (a few tens of milliseconds)
    answer = who(index, "qui a viré Altman ?")
    text = render(index, answer)           # compose_reply(index, answer) for the document; serialise_answer for JSON
"""
from .answers import Answer, serialise_answer
from .engine import ask, help_answer, quote, role, source, timeline, what, when, who
from .index import SagaIndex, load_index
from .replies import render

__all__ = [
    "Answer",
    "SagaIndex",
    "ask",
    "help_answer",
    "load_index",
    "quote",
    "render",
    "role",
    "serialise_answer",
    "source",
    "timeline",
    "what",
    "when",
    "who",
]

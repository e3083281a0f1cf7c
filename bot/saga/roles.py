"""Who held which role when, derived from the role spells of the saga database.

A spell opens within the date of its opening event and closes within the date of its
closing event, so a moment can fall certainly inside a spell, possibly inside it (when
the articles do not pin the handover), or outside it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from .calendar import ANCHOR
from .dates import SagaDate, parse_point

# A role with no opening event is one the articles show held at the time of the saga:
# certain from the saga's first day on, possible before.
SAGA_START = f"{ANCHOR.isoformat()}T00:00"


@dataclass(frozen=True)
class Tenure:
    """One spell of one entity in one role."""

    entity_id: str
    name: str
    role: str
    of_entity: str | None
    start_earliest: str | None
    start_latest: str | None
    end_earliest: str | None
    end_latest: str | None
    from_event: str | None
    until_event: str | None
    dispute_id: str | None
    source_article: str
    source_quote: str
    certain: bool = True

    def covers(self, moment: SagaDate) -> str | None:
        """'certain', 'possible' or None: does this spell include some of `moment`?"""
        first, last = moment.start or "", moment.end or "9999"
        started_by = self.start_latest or SAGA_START
        if (self.start_latest is None and self.start_earliest is None and last < SAGA_START) or started_by > last:
            started = self.start_earliest is None or self.start_earliest <= last
            possible = started and (self.end_latest is None or self.end_latest >= first)
            return "possible" if possible else None
        if self.end_earliest is None or self.end_earliest >= first:
            return "certain"
        return "possible" if self.end_latest is None or self.end_latest >= first else None


def role_history(db: sqlite_utils.Database, role: str, of_entity: str | None = None) -> list[Tenure]:
    """Every spell of `role` (optionally at one organisation), in the order they started."""
    where, params = "role_spells.role = :role", {"role": role}
    if of_entity is not None:
        where += " and role_spells.of_entity = :of"
        params["of"] = of_entity
    rows = db.execute(
        f"""select role_spells.entity_id, entities.name, role_spells.role, role_spells.of_entity,
                   start_earliest, start_latest, end_earliest, end_latest, from_event, until_event,
                   dispute_id, source_article, source_quote
            from role_spells join entities on entities.id = role_spells.entity_id
            where {where}
            order by coalesce(start_earliest, ''), coalesce(end_latest, '9999'), role_spells.entity_id""",
        params,
    ).fetchall()
    return [Tenure(*row) for row in rows]


def holders_at(db: sqlite_utils.Database, role: str, moment: str, of_entity: str | None = None) -> list[Tenure]:
    """Who held `role` at `moment` (an ISO date or time): certain holders first, then possible ones."""
    when = parse_point(moment)
    found = []
    for tenure in role_history(db, role, of_entity):
        verdict = tenure.covers(when)
        if verdict is not None:
            found.append(Tenure(**{**tenure.__dict__, "certain": verdict == "certain"}))
    return sorted(found, key=lambda tenure: not tenure.certain)

"""The people of a case and their roles: the other person, the reader, everyone else.

    roles = people.read_roles(case)                       # what the case holds now
    people.set_roles(case, other=["+12025550188"], third=["+12025550123"])
    people.Party.of(message, roles).side(message, roles)  # theirs, the reader's, or no one's here
    people.list_people(case)                              # `greyrock case people`
"""

from __future__ import annotations

from ._listing import Person, Suggestion, list_people, people_of
from ._roles import CONTACT_RECORD, PEOPLE_RECORD, ROLES, Party, Roles, attributed, read_roles, set_roles

__all__ = [
    "CONTACT_RECORD",
    "PEOPLE_RECORD",
    "ROLES",
    "Party",
    "Person",
    "Roles",
    "Suggestion",
    "attributed",
    "list_people",
    "people_of",
    "read_roles",
    "set_roles",
]

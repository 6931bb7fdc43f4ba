"""Who is who in a case: the other person, the reader, and everyone else.

A case holds whole phone backups: texts with a sister, a lawyer, the school and a bank sit
beside the other person's. Each address found in the exports (a number, an e-mail address,
a chat name) can be given one role:

- `other`: the person the case is about, with all their numbers, addresses and names;
- `me`: the reader, with their own names and numbers;
- `third`: everyone else. Their messages are kept as evidence, never screened or shown as
  the other person's.

Roles are chained records of the case ("people"; the older "contact" records of
`case import --contact` count as `other`), so a change is a link in the chain like any
other, and the latest assignment of an address wins. Nothing stored is rewritten: who sent
what, and so which way a message went, is worked out from the stored messages and the
roles each time a view is drawn (`Party.of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from greyrock.errors import InputError
from greyrock.identity import default_region, normalise_address
from greyrock.model import Direction, Message

if TYPE_CHECKING:  # the vault is only read here, never imported by the model layer
    from greyrock.vault import Case, StoredMessage

__all__ = ["CONTACT_RECORD", "PEOPLE_RECORD", "ROLES", "Party", "Roles", "attributed", "read_roles", "set_roles"]

ROLES = ("other", "me", "third")
PEOPLE_RECORD = "people"
CONTACT_RECORD = "contact"  # `case import --contact`: the other person's aliases, named
READER = "me"  # the importers' word for the reader as sender or recipient


def _key(address: str, region: str) -> str:
    """How an address is compared: normalised (E.164, lower-case e-mail), names case-folded."""
    return normalise_address(address, region).casefold()


@dataclass(frozen=True, slots=True)
class Roles:
    """Every address the case gives a role, compared as `_key` makes them."""

    assigned: Mapping[str, str]
    names: Mapping[str, str]  # key -> the address as it was given (for display)
    region: str = "US"

    @classmethod
    def none(cls) -> Roles:
        return cls({}, {})

    def role(self, address: str | None) -> str | None:
        if not address:
            return None
        if address == READER:
            return "me"
        return self.assigned.get(address.casefold()) or self.assigned.get(_key(address, self.region))

    def key(self, address: str) -> str:
        """`address` as roles compare it."""
        return _key(address, self.region)

    def ids(self, role: str) -> list[str]:
        return sorted(self.names[k] for k, r in self.assigned.items() if r == role)

    @property
    def has_other(self) -> bool:
        return "other" in self.assigned.values()

    def aliases(self, role: str = "other") -> set[str]:
        """The keys of every address with `role` (for quick membership tests)."""
        return {k for k, r in self.assigned.items() if r == role}


def read_roles(case: Case) -> Roles:
    """The roles the case holds now: every "contact" and "people" record, oldest first."""
    region = default_region()
    events: list[tuple[int, str, Sequence[str]]] = []
    for rec in case.records(CONTACT_RECORD):
        events.append((rec["id"], "other", rec.get("aliases") or ()))
    for rec in case.records(PEOPLE_RECORD):
        for role in ROLES:
            events.append((rec["id"], role, rec.get(role) or ()))
    assigned: dict[str, str] = {}
    names: dict[str, str] = {}
    for _, role, addresses in sorted(events, key=lambda e: e[0]):
        for address in addresses:
            if isinstance(address, str) and address.strip():
                k = _key(address, region)
                assigned[k] = role
                names.setdefault(k, normalise_address(address, region))
    return Roles(assigned, names, region)


def set_roles(case: Case, *, other: Iterable[str] = (), me: Iterable[str] = (), third: Iterable[str] = (),
              region: str | None = None) -> dict[str, tuple[str | None, str]]:
    """Give addresses roles, as one chained record. Returns address -> (old role, new role)
    for each address whose role changed (an address given its current role is no change).

    InputError when one address is given two roles at once.
    """
    reg = region or default_region()
    wanted: dict[str, tuple[str, str]] = {}  # key -> (role, address)
    for role, addresses in (("other", other), ("me", me), ("third", third)):
        for address in addresses:
            if not address.strip():
                continue
            shown = normalise_address(address, reg)
            k = _key(address, reg)
            if k in wanted and wanted[k][0] != role:
                raise InputError(f"{address!r} is given two roles at once ({wanted[k][0]} and {role}).",
                                 "Give each address one role.")
            wanted[k] = (role, shown)
    if not wanted:
        return {}
    before = read_roles(case)
    changes = {shown: (before.assigned.get(k), role) for k, (role, shown) in wanted.items()
               if before.assigned.get(k) != role}
    if changes:
        data = {role: sorted(shown for role_, shown in wanted.values() if role_ == role) for role in ROLES}
        with case.transaction():
            case.add_record(PEOPLE_RECORD, {r: v for r, v in data.items() if v})
    return changes


@dataclass(frozen=True, slots=True)
class Party:
    """Who a message is between, as the roles say now.

    `own` is True for the reader's own message (sent by them, or from one of their
    addresses); `role` is the role of the person on the other end: the sender of a received
    message, the recipients of a sent one ("other" when any recipient is the other person).
    None when that person has no role yet; for a sent message with no recipient recorded,
    "me" (an export that leaves recipients out holds one conversation).
    """

    own: bool
    role: str | None
    counterpart: tuple[str, ...]  # the addresses on the other end, as stored

    @classmethod
    def of(cls, m: Message, roles: Roles) -> Party:
        sender_role = roles.role(m.sender) or roles.role(m.sender_name)
        if m.direction is Direction.OUT or sender_role == "me":
            others = tuple(r for r in m.recipients if r and roles.role(r) != "me")
            found = {roles.role(r) for r in others}
            if not others:
                return cls(True, "me", ())
            if "other" in found:
                return cls(True, "other", others)
            if found == {"third"}:
                return cls(True, "third", others)
            return cls(True, None, others)
        who = tuple(a for a in (m.sender, m.sender_name) if a)
        return cls(False, sender_role, who[:1])

    def direction(self, m: Message) -> Direction:
        """The direction the roles give: the reader's own are "out"; a message from someone
        with a role is "in"; otherwise what the export said."""
        if self.own:
            return Direction.OUT
        if m.direction is Direction.UNKNOWN and self.role in ("other", "third"):
            return Direction.IN
        return m.direction

    def side(self, m: Message, roles: Roles) -> bool | None:
        """True for the other person's, False for the reader's own to them, None for anyone
        else's. While the case names no other person, every received message counts as
        theirs (as before roles existed) unless its sender is someone else."""
        fallback = not roles.has_other
        if not self.own:
            if self.role == "other":
                return True
            return True if fallback and self.role is None and m.direction is Direction.IN else None
        if self.role in ("other", "me") or (fallback and self.role is None):
            return False
        return None


def attributed(messages: Iterable[StoredMessage], roles: Roles) -> Iterator[StoredMessage]:
    """The stored messages with the direction their roles give (see `Party.direction`)."""
    for stored in messages:
        m = stored.message
        direction = Party.of(m, roles).direction(m)
        yield stored if direction is m.direction else replace(stored, message=replace(m, direction=direction))

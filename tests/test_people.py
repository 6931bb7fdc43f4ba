"""Roles in a case, read from its chained records, and whose each message is under them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from greyrock import people, pipeline
from greyrock.errors import InputError
from greyrock.model import Channel, Direction, Kind, Message, Source

OTHER = "+1 312 555 0142"
SISTER = "+1 312 555 0190"


def _msg(direction: Direction, sender: str | None, recipients: tuple[str, ...] = (),
         name: str | None = None) -> Message:
    return Message(datetime(2024, 3, 1, 12, tzinfo=timezone.utc), Channel.SMS, Kind.MESSAGE, direction, sender,
                   "text", Source("sms.xml", "sms[1]"), name, recipients)


def test_the_latest_role_wins_across_contact_and_people_records(case) -> None:
    pipeline.set_contact(case, [OTHER, "Jordan"], name="Jordan Reyes")
    assert people.set_roles(case, third=["+1 (312) 555-0142"]) == {"+13125550142": ("other", "third")}
    assert people.set_roles(case, third=[OTHER]) == {}  # the same role again is no change, and no record
    roles = people.read_roles(case)
    assert roles.role("+13125550142") == "third" and roles.role("JORDAN") == "other"
    assert roles.ids("other") == ["Jordan"] and roles.has_other
    assert len(case.records(people.PEOPLE_RECORD)) == 1 and case.verify().ok


def test_two_roles_for_one_address_in_one_call_is_refused(case) -> None:
    with pytest.raises(InputError, match="two roles at once"):
        people.set_roles(case, other=[OTHER], me=["+13125550142"])
    assert case.records(people.PEOPLE_RECORD) == []


@pytest.mark.parametrize(("message", "own", "role", "side", "direction"), [
    (_msg(Direction.IN, "+13125550142"), False, "other", True, Direction.IN),
    (_msg(Direction.IN, "+13125550190"), False, "third", None, Direction.IN),
    (_msg(Direction.IN, "+13125550177"), False, None, None, Direction.IN),  # no role: the other is named
    (_msg(Direction.OUT, "me", ("+13125550142",)), True, "other", False, Direction.OUT),
    (_msg(Direction.OUT, "me", ("+13125550190",)), True, "third", None, Direction.OUT),  # to her sister
    (_msg(Direction.OUT, "me", ()), True, "me", False, Direction.OUT),  # no recipient recorded
    (_msg(Direction.UNKNOWN, "Sam Rivera", ("Jordan Reyes",), "Sam Rivera"), True, "other", False, Direction.OUT),
    (_msg(Direction.UNKNOWN, "Jordan Reyes", ("Sam Rivera",), "Jordan Reyes"), False, "other", True, Direction.IN),
    (_msg(Direction.IN, "+13125550111", name="Lena"), False, "third", None, Direction.IN),  # by contact name
])
def test_whose_a_message_is(case, message: Message, own: bool, role: str | None, side: bool | None,
                            direction: Direction) -> None:
    people.set_roles(case, other=[OTHER, "Jordan Reyes"], me=["sam rivera"], third=[SISTER, "Lena"])
    roles = people.read_roles(case)
    party = people.Party.of(message, roles)
    assert (party.own, party.role, party.side(message, roles), party.direction(message)) == (own, role, side, direction)


def test_with_no_other_person_named_every_received_message_without_a_role_counts_as_theirs(case) -> None:
    people.set_roles(case, third=[SISTER])
    roles = people.read_roles(case)
    unknown = _msg(Direction.IN, "+13125550177")
    sister = _msg(Direction.IN, "+13125550190")
    assert people.Party.of(unknown, roles).side(unknown, roles) is True
    assert people.Party.of(sister, roles).side(sister, roles) is None

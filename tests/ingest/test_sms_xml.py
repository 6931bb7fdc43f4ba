"""SMS Backup & Restore (sms-xml): the real published backups, each quirk, bad input, fuzzing.

The golden files in sms_xml/ (checked by test_expected.py) pin whole outputs; these tests
pin the facts that matter most on the real files and the behaviour at the edges.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from greyrock import ingest
from greyrock.errors import ParseError
from greyrock.ingest import sms_xml
from greyrock.ingest._export import open_export
from greyrock.ingest.sms_xml import SmsXml, _CharRefFixer
from greyrock.model import Channel, Direction, Kind, Message

from ._fuzz import mangle, parse_directly

HERE = Path(__file__).parent / "sms_xml"
UTC = timezone.utc


def _read(path: Path, **kwargs: str) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **kwargs)
    messages = list(parsed)
    return messages, [str(w) for w in parsed.warnings]


def _by_locator(messages: list[Message]) -> dict[str, Message]:
    return {m.source.locator: m for m in messages}


# --- the real backups ----------------------------------------------------------------


def test_small_real_backup(fixtures: Path) -> None:
    messages, warnings = _read(fixtures / "sms-backup-restore" / "sms_small.xml")
    assert warnings == []
    assert len(messages) == 12
    assert [m.direction for m in messages] == [
        Direction.IN, Direction.IN, Direction.IN, Direction.IN, Direction.OUT, Direction.IN,
        Direction.OUT, Direction.IN, Direction.IN, Direction.OUT, Direction.IN, Direction.OUT,
    ]  # fmt: skip
    first = messages[0]
    assert first.timestamp == datetime(2017, 12, 2, 14, 49, 27, 463000, tzinfo=UTC)
    assert first.channel is Channel.SMS and first.kind is Kind.MESSAGE
    assert (first.sender, first.sender_name, first.recipients) == ("+15550000001", "Contact A", ("me",))
    assert first.body == "Body text 1"
    assert first.extra == {"date_sent": "2017-12-02T14:49:26+00:00"}
    assert messages[3].sender == "+15550000003" and messages[3].sender_name == "Contact B"
    tenth = messages[9]
    assert tenth.source.locator == "sms[10]"
    assert (tenth.sender, tenth.recipients, tenth.sender_name) == ("me", ("+15550000004",), None)
    assert tenth.body == "Body text 10\nBody text 11\nBody text 12"
    assert tenth.timestamp == datetime(2017, 12, 2, 18, 10, 21, 991000, tzinfo=UTC)
    assert tenth.extra == {"contact_name": "Contact C"}


def test_sms_and_mms_real_backup(fixtures: Path) -> None:
    """The published file declares 58 records but is cut off inside the 9th mms: 41 sms
    and 8 mms are read, and the broken 9th mms is kept whole as unparsed text."""
    path = fixtures / "sms-backup-restore" / "sms_and_mms.xml"
    messages, warnings = _read(path)
    assert b'count="58"' in path.read_bytes()[:400]
    assert len(messages) == 50
    kinds = [(m.channel, m.kind) for m in messages]
    assert kinds.count((Channel.SMS, Kind.MESSAGE)) == 41
    assert kinds.count((Channel.MMS, Kind.MESSAGE)) == 8
    assert sum(m.direction is Direction.IN for m in messages) == 27
    assert sum(m.direction is Direction.OUT for m in messages) == 22
    by = _by_locator(messages)

    one_to_one = by["mms[1]"]
    assert one_to_one.timestamp == datetime(2024, 7, 14, 22, 53, 13, tzinfo=UTC)
    assert (one_to_one.sender, one_to_one.sender_name, one_to_one.recipients) == ("+15550000006", "Contact D", ("me",))
    assert one_to_one.extra == {"date_sent": "2024-07-14T22:53:13+00:00"}  # date_sent is in seconds

    reply = by["mms[2]"]  # SMIL and text: the SMIL is layout, not content
    assert (reply.direction, reply.sender, reply.recipients) == (Direction.OUT, "me", ("+15550000006",))
    assert reply.body == "Body text 46" and reply.attachments == ()
    assert reply.extra["from"] == "+15550000007"

    rcs_in = by["mms[3]"]  # an RCS group: the thread address is not a person
    assert rcs_in.direction is Direction.IN
    assert rcs_in.sender == "+15550000009" and rcs_in.sender_name is None
    assert rcs_in.recipients == ("me", "+15550000006", "+15550000010")
    assert rcs_in.extra == {"rcs": True, "thread": "group_8@rcs.google.com", "date_sent": "2024-07-14T23:35:23+00:00"}
    rcs_out = by["mms[4]"]
    assert (rcs_out.sender, rcs_out.recipients) == ("me", ("+15550000009", "+15550000006", "+15550000010"))
    assert by["mms[5]"].sender == "+15550000010"
    assert by["mms[6]"].body == "Body text 50\nBody text 51\nBody text 52\nBody text 53"

    photo = by["mms[7]"]
    assert photo.body == "Body text 54" and photo.kind is Kind.MESSAGE
    (image,) = photo.attachments
    assert (image.name, image.mime, image.size) == ("image_8.png", "image/png", 70)
    assert image.data is not None and image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert image.sha256 == hashlib.sha256(image.data).hexdigest()
    assert image.sha256 == "6b7fa434f92a8b80aab02d9bf1a12e49ffcae424e4013a1c4f68b67e3d2bbcd0"
    assert by["mms[8]"].attachments[0].name == "image_10.png"

    tail = by["line 133"]
    assert (tail.kind, tail.channel, tail.direction) == (Kind.UNPARSED, Channel.MMS, Direction.UNKNOWN)
    assert tail.timestamp == datetime(2024, 7, 18, 20, 20, 48, tzinfo=UTC)
    assert tail.body.startswith('<mms date="1721334048000" rr="129"')
    assert 'address="+15550000009~+15550000012~+15550000013"' in tail.body
    assert tail.body.endswith('&lt;/smil&gt;" sub_id="1" />')
    assert warnings == [
        "sms_and_mms.xml, line 133: the XML is cut off in mms[9] (the file ends inside it); kept as unparsed text."
    ]


def test_real_backups_are_detected(fixtures: Path) -> None:
    folder = fixtures / "sms-backup-restore"
    assert ingest.detect(folder) == {"sms-xml": ["sms_and_mms.xml", "sms_small.xml"]}


# --- quirks --------------------------------------------------------------------------


def test_every_sms_type_code() -> None:
    messages, warnings = _read(HERE / "typecodes.xml")
    sms = [m for m in messages if m.channel is Channel.SMS]
    assert [(m.direction, m.extra.get("status")) for m in sms] == [
        (Direction.IN, None),
        (Direction.OUT, None),
        (Direction.OUT, "draft"),
        (Direction.OUT, "outbox"),
        (Direction.OUT, "failed"),
        (Direction.OUT, "queued"),
        (Direction.UNKNOWN, None),
    ]
    assert sms[6].extra["sms_type"] == "9" and sms[6].sender is None
    assert all(m.recipients == ("+13125550142",) for m in sms[1:])  # "(312) 555-0142" as E.164
    mms = [m for m in messages if m.channel is Channel.MMS]
    assert [(m.direction, m.extra.get("status")) for m in mms] == [
        (Direction.IN, None),
        (Direction.OUT, None),
        (Direction.OUT, "draft"),
        (Direction.OUT, "outbox"),
        (Direction.OUT, "failed"),
        (Direction.UNKNOWN, None),
    ]
    assert mms[0].extra["subject"] == "Dentist"
    assert "from" not in mms[2].extra  # a draft's FROM is the placeholder insert-address-token
    assert warnings == [
        "typecodes.xml: some sms have a type code this importer does not know; their direction is unknown.",
        "typecodes.xml: some mms have a msg_box code this importer does not know; their direction is unknown.",
    ]


def test_group_mms_reader_number_from_me() -> None:
    """A carrier group mms lists every member as TO; --me with the reader's number drops it."""
    plain, warnings = _read(HERE / "groups.xml")
    assert plain[2].recipients == ("me", "+13125550107", "+13125550163", "+13125550178")
    assert any("pass --me with your number" in w for w in warnings)
    told, warnings = _read(HERE / "groups.xml", me="(312) 555-0107")
    assert told[2].recipients == ("me", "+13125550163", "+13125550178")
    assert not any("pass --me" in w for w in warnings)


def test_group_addresses_joined_with_tilde_without_addrs() -> None:
    messages, _ = _read(HERE / "groups.xml")
    by = _by_locator(messages)
    assert by["mms[6]"].recipients == ("+13125550142", "+13125550178")
    assert by["mms[5]"].sender == "+13125550178" and by["mms[5]"].sender_name == "Linda Reyes"
    assert by["mms[5]"].body == "Pickup changed to 5:30, bring the permission slip"  # base64 text part
    assert by["mms[7]"].recipients == ("+13125550178", "+13125550163")  # TO then BCC


def test_attachments_reference_only_and_text_parts() -> None:
    messages, _ = _read(HERE / "groups.xml")
    media = _by_locator(messages)["mms[4]"]
    assert media.kind is Kind.MEDIA and media.body == ""
    photo, card = media.attachments
    assert (photo.name, photo.mime, photo.size, photo.sha256, photo.data) == (
        "IMG_20240510_120915.jpg", "image/jpeg", None, None, None,
    )  # fmt: skip
    assert card.data == b"BEGIN:VCARD\nVERSION:2.1\nN:Okafor;Dana\nTEL;CELL:+13125550163\nEND:VCARD\n"
    assert (card.name, card.mime, card.size) == ("Dana Okafor.vcf", "text/x-vCard", 70)


def test_surrogate_pairs_lone_halves_and_controls() -> None:
    messages, warnings = _read(HERE / "charrefs.xml")
    assert [m.body for m in messages] == [
        "you did this 💔💔💔",
        "I cant stop crying 😭\tok",
        "answer me \ufffd😭",
        "\ufffd pick up the phone\ufffd\r\nnow",
        "Im outside 💔 \ufffd",
    ]
    assert warnings == [
        "charrefs.xml: 4 character reference(s) that XML does not allow (a lone half of a UTF-16 "
        "pair, a control character) were read as U+FFFD."
    ]


def test_null_attributes_and_unknown_contact(tmp_path: Path) -> None:
    path = tmp_path / "nulls.xml"
    path.write_text(
        '<smses count="1">\n'
        '  <sms protocol="0" address="+13125550142" date="1709938933512" type="1" subject="null" body="null" '
        'date_sent="null" contact_name="(Unknown)" readable_date="null" />\n'
        "</smses>\n"
    )
    (message,) = list(ingest.parse(path))
    assert (message.body, message.sender_name, message.extra) == ("", None, {})


_PIECES = {
    "text": "hi there ",
    "pair": "&#55357;&#56838;",
    "hexpair": "&#xD83D;&#xDE06;",
    "high": "&#55357;",
    "low": "&#56838;",
    "ctrl": "&#1;",
    "newline": "&#10;",
    "amp": "&amp;",
    "wide": "é❤",
}


def _reference(pieces: list[str]) -> str:
    """What the attribute should read as: refs decoded in order, UTF-16 halves paired."""
    units: list[int | str] = []
    for name in pieces:
        source = _PIECES[name]
        for token in re.findall(r"&#x?[0-9A-Fa-f]+;|&amp;|.", source, re.S):
            if token == "&amp;":
                units.append("&")
            elif token.startswith("&#"):
                digits = token[2:-1]
                units.append(int(digits[1:], 16) if digits[0] == "x" else int(digits))
            else:
                units.append(token)
    out: list[str] = []
    i = 0
    while i < len(units):
        unit = units[i]
        nxt = units[i + 1] if i + 1 < len(units) else None
        if isinstance(unit, int) and 0xD800 <= unit <= 0xDBFF and isinstance(nxt, int) and 0xDC00 <= nxt <= 0xDFFF:
            out.append(chr(0x10000 + ((unit - 0xD800) << 10) + (nxt - 0xDC00)))
            i += 2
            continue
        if isinstance(unit, int):
            out.append("\ufffd" if 0xD800 <= unit <= 0xDFFF or unit == 1 else chr(unit))
        else:
            out.append(unit)
        i += 1
    return "".join(out)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(pieces=st.lists(st.sampled_from(sorted(_PIECES)), max_size=40), chunk=st.integers(1, 40))
def test_char_ref_repair_is_the_same_for_any_read_size(pieces: list[str], chunk: int) -> None:
    """Pairs split across reads (down to one byte a read) are still repaired."""
    body = "".join(_PIECES[p] for p in pieces)
    xml = f'<smses><sms date="1709938933512" type="1" address="+13125550142" body="{body}"/></smses>'
    original = sms_xml._CHUNK
    sms_xml._CHUNK = chunk
    try:
        fixer = _CharRefFixer(io.BytesIO(xml.encode()))
        repaired = b"".join(iter(lambda: fixer.read(7), b""))
    finally:
        sms_xml._CHUNK = original
    element = etree.fromstring(repaired).find("sms")
    assert element is not None and element.get("body") == _reference(pieces)


def test_zip_member_locators_and_truncation(tmp_path: Path) -> None:
    """Inside a zip the locators name the member; a cut-off member still yields its head."""
    source = (HERE / "truncated.xml").read_bytes()
    archive = tmp_path / "phone.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("backup/sms-20240815.xml", source)
    messages, warnings = _read(archive)
    assert [m.source.locator for m in messages] == [
        "backup/sms-20240815.xml sms[1]",
        "backup/sms-20240815.xml sms[2]",
        "backup/sms-20240815.xml sms[3]",
        "backup/sms-20240815.xml line 6",
    ]
    assert messages[-1].body.endswith('body="and tell your lawyer she can go to h')
    assert warnings[0].startswith("phone.zip, backup/sms-20240815.xml line 6: the XML is cut off in sms[4]")


def test_damage_inside_an_mms_resumes_at_the_next_record(tmp_path: Path) -> None:
    text = (HERE / "coparenting.xml").read_text(encoding="utf-8")
    broken = text.replace('<addr address="+13125550178" type="137"', '<addr address="+13125550178" type=137', 1)
    path = tmp_path / "broken.xml"
    path.write_text(broken, encoding="utf-8")
    messages, warnings = _read(path)
    assert len(messages) == 13  # 10 sms, mms[1], the broken group mms (mms[2]), mms[3]
    lost = _by_locator(messages)["line 26"]
    assert lost.kind is Kind.UNPARSED and lost.channel is Channel.MMS
    assert lost.timestamp == datetime(2024, 3, 9, 14, 3, 51, tzinfo=UTC)
    assert lost.body.startswith('<mms date="1709993031000"') and lost.body.endswith("</mms>")
    assert _by_locator(messages)["mms[3]"].body.startswith("Thank you Linda")
    assert len(warnings) == 1
    assert warnings[0].startswith("broken.xml, line 26: the XML breaks in mms[2] (")
    assert warnings[0].endswith("); kept as unparsed text.")


def test_sniff_is_specific(tmp_path: Path) -> None:
    importer = SmsXml()
    sms = open_export(HERE / "coparenting.xml").entries[0]
    calls = open_export(Path(__file__).parent / "calls_xml" / "calllog.xml").entries[0]
    assert importer.sniff(sms) == 95
    assert importer.sniff(calls) is None
    other = tmp_path / "notes.xml"
    other.write_text("<?xml version='1.0'?>\n<!-- <smses> in a comment -->\n<notes><smses/></notes>\n")
    assert importer.sniff(open_export(other).entries[0]) is None
    renamed = tmp_path / "backup.txt"
    renamed.write_bytes((HERE / "coparenting.xml").read_bytes())
    assert importer.sniff(open_export(renamed).entries[0]) == 90


# --- bad input -----------------------------------------------------------------------


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_bytes(b"")
    with pytest.raises(ParseError):
        ingest.parse(path, format="sms-xml")


def test_cut_before_the_first_record_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_text("<?xml version='1.0'?>\n<smses count=\"3\">\n  <sms address=\"+13125550142\" date=\"17")
    with pytest.raises(ParseError, match="not readable as XML"):
        list(ingest.parse(path))


def test_wrong_format_forced_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="<calls> at the top"):
        list(ingest.parse(Path(__file__).parent / "calls_xml" / "calllog.xml", format="sms-xml"))


def test_truncated_real_file_keeps_what_was_read(fixtures: Path, tmp_path: Path) -> None:
    data = (fixtures / "sms-backup-restore" / "sms_small.xml").read_bytes()
    cut = data.index(b'body="Body text 6"') + 8
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut])
    messages, warnings = _read(path)
    assert [m.body for m in messages[:5]] == [f"Body text {i}" for i in range(1, 6)]
    tail = messages[5]
    assert tail.kind is Kind.UNPARSED and tail.source.locator == "line 9"
    assert tail.body == data[data.rindex(b"\n", 0, cut) + 1 : cut].decode().strip()
    assert tail.timestamp == datetime(2017, 12, 2, 18, 4, 3, 922000, tzinfo=UTC)
    assert len(warnings) == 1 and "line 9: the XML is cut off in sms[6]" in warnings[0]


# --- fuzzing -------------------------------------------------------------------------

_FUZZ_SOURCES = [HERE / "coparenting.xml", HERE / "groups.xml", HERE / "charrefs.xml"]


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    source=st.sampled_from(_FUZZ_SOURCES),
    how=st.sampled_from(["truncate", "flip", "insert", "delete"]),
    a=st.integers(0, 1 << 16),
    b=st.integers(0, 1 << 16),
    junk=st.binary(min_size=1, max_size=40)
    | st.sampled_from([b"<", b"&#55357;", b'"', b"</mms>", b"\n<sms ", b"\x00"]),
)
def test_mangled_backups_never_crash(tmp_path: Path, source: Path, how: str, a: int, b: int, junk: bytes) -> None:
    path = tmp_path / "mangled.xml"
    path.write_bytes(mangle(source.read_bytes(), how, a, b, junk))
    messages = parse_directly(path, "sms-xml")
    for message in messages or []:
        assert message.source.locator
        assert message.kind is not Kind.UNPARSED or message.body


@settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, 20000))
def test_truncation_keeps_every_complete_record(tmp_path: Path, fixtures: Path, cut: int) -> None:
    """Whatever the cut, every record that ends before it is read, and what follows it
    (beyond closing tags) is kept as one unparsed message."""
    data = (fixtures / "sms-backup-restore" / "sms_and_mms.xml").read_bytes()[: 1500 + cut]
    path = tmp_path / "cut.xml"
    path.write_bytes(data)
    messages = parse_directly(path, "sms-xml")
    complete = [m.end() for m in re.finditer(rb"<sms [^>]*/>|</mms>", data)]
    if not complete:
        assert messages is None  # nothing useful: a ParseError
        return
    assert messages is not None
    read = [m for m in messages if m.kind is not Kind.UNPARSED]
    assert len(read) == len(complete)
    rest = data[complete[-1] :].strip()
    unparsed = [m for m in messages if m.kind is Kind.UNPARSED]
    assert [m.body.encode() for m in unparsed] == ([rest] if rest else [])


def _many_records(fixtures: Path, copies: int) -> tuple[bytes, list[bytes]]:
    """The real small backup's 12 sms repeated `copies` times, each body made unique."""
    data = (fixtures / "sms-backup-restore" / "sms_small.xml").read_bytes()
    head, _, rest = data.partition(b"\n  <sms ")
    records = [b"<sms " + r.rstrip() for r in (b"\n  <sms " + rest).split(b"\n  <sms ")[1:]]
    records[-1] = records[-1].replace(b"</smses>", b"").rstrip()
    out = []
    for n in range(copies):
        for i, record in enumerate(records):
            out.append(record.replace(b'body="Body text ', b'body="copy %d, text ' % n, 1))
    return head, out


def test_one_stray_angle_bracket_costs_one_record_whatever_the_libxml2(fixtures: Path, tmp_path: Path) -> None:
    """libxml2 2.14 withholds the records it had read in the chunk where XML breaks; the
    importer reads that stretch record by record, so only the broken record is lost."""
    head, records = _many_records(fixtures, 200)  # 2,400 records, about 700 kB
    broken = 1500
    records[broken] = records[broken].replace(b'body="copy', b'body="3 < 5, copy', 1)
    path = tmp_path / "sms.xml"
    path.write_bytes(head + b"\n  " + b"\n  ".join(records) + b"\n</smses>\n")
    messages, warnings = _read(path)
    assert len(messages) == 2400
    unparsed = [m for m in messages if m.kind is Kind.UNPARSED]
    assert len(unparsed) == 1 and unparsed[0].body.startswith("<sms ") and "3 < 5, copy 125," in unparsed[0].body
    assert unparsed[0].source.locator == f"line {broken + 4}"
    assert len(warnings) == 1 and warnings[0].startswith(f"sms.xml, line {broken + 4}: the XML breaks in sms[{broken + 1}] (")
    read = [m for m in messages if m.kind is not Kind.UNPARSED]
    assert [m.source.locator for m in read[broken - 1 : broken + 1]] == [f"sms[{broken}]", f"sms[{broken + 2}]"]
    assert read[-1].source.locator == "sms[2400]" and read[-1].body == "copy 199, text 14"


def test_damaged_base64_keeps_the_text_and_the_raw_attachment(fixtures: Path, tmp_path: Path) -> None:
    data = (fixtures / "sms-backup-restore" / "sms_and_mms.xml").read_bytes()
    start = data.index(b'cl="image_8.png"')
    at = data.index(b'data="', start) + len(b'data="')
    end = data.index(b'"', at)
    path = tmp_path / "sms.xml"
    path.write_bytes(data[:at] + b"iVBORw0KG" + data[end:])  # cut short: 9 characters are not base64
    messages, warnings = _read(path)
    photo = _by_locator(messages)["mms[7]"]
    assert photo.kind is Kind.MESSAGE and photo.body == "Body text 54"
    (image,) = photo.attachments
    assert image.damaged and image.name == "image_8.png" and image.mime == "image/png"
    assert image.data is not None and image.data == b"iVBORw0KG"
    assert image.to_dict()["damaged"] is True
    assert "sms.xml, mms[7]: an attachment's base64 is damaged; kept as the export holds it, marked damaged." in warnings
    # the published file itself is cut off in its last mms; nothing else is unparsed
    assert [m.source.locator for m in messages if m.kind is Kind.UNPARSED] == ["line 133"]


def test_a_body_written_in_cp1252_is_read_as_text(fixtures: Path, tmp_path: Path) -> None:
    data = (fixtures / "sms-backup-restore" / "sms_small.xml").read_bytes()
    path = tmp_path / "sms.xml"
    path.write_bytes(data.replace(b'body="Body text 3"', 'body="caf\u00e9 at 5 \u2013 ok"'.encode("cp1252"), 1))
    messages, warnings = _read(path)
    assert len(messages) == 12 and not [m for m in messages if m.kind is Kind.UNPARSED]
    assert _by_locator(messages)["sms[3]"].body == "caf\u00e9 at 5 \u2013 ok"
    assert _by_locator(messages)["sms[4]"].body == "Body text 4"
    assert any("bytes that are not UTF-8 were read as Windows-1252" in w for w in warnings)

"""SMS Backup & Restore call logs (calls-xml). No real call log is published with the
fixtures, so these run on the synthetic ones in calls_xml/ (goldens in test_expected.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greyrock import ingest
from greyrock.errors import ParseError
from greyrock.ingest._export import open_export
from greyrock.ingest.calls_xml import CallsXml
from greyrock.model import Channel, Direction, Kind

from ._fuzz import mangle, parse_directly

HERE = Path(__file__).parent / "calls_xml"
UTC = timezone.utc


def test_every_call_type() -> None:
    parsed = ingest.parse(HERE / "calllog.xml")
    calls = list(parsed)
    assert parsed.formats == ["calls-xml"]
    assert len(calls) == 10
    assert all(c.channel is Channel.CALL and c.kind is Kind.CALL and c.body == "" for c in calls)
    assert [(c.extra["call_type"], c.direction) for c in calls] == [
        ("missed", Direction.IN),
        ("missed", Direction.IN),
        ("voicemail", Direction.IN),
        ("outgoing", Direction.OUT),
        ("blocked", Direction.IN),
        ("rejected", Direction.IN),
        ("incoming", Direction.IN),
        ("answered_elsewhere", Direction.IN),
        ("unknown", Direction.UNKNOWN),
        ("incoming", Direction.IN),
    ]
    assert [c.extra["duration"] for c in calls] == [0, 0, 47, 312, 0, 0, 185, 64, 0, 20]
    first = calls[0]
    assert first.timestamp == datetime(2024, 9, 21, 2, 47, 3, 118000, tzinfo=UTC)
    assert (first.sender, first.sender_name, first.recipients) == ("+13125550142", "Jordan", ("me",))
    outgoing = calls[3]
    assert (outgoing.sender, outgoing.recipients) == ("me", ("+13125550163",))
    assert outgoing.extra == {"call_type": "outgoing", "duration": 312, "contact_name": "Dana Okafor"}
    withheld = calls[4]
    assert (withheld.sender, withheld.sender_name) == (None, None)
    assert withheld.extra["presentation"] == "restricted"
    assert calls[9].sender is None and calls[9].extra["presentation"] == "unknown"
    assert calls[8].extra["type"] == "9"
    assert [str(w) for w in parsed.warnings] == [
        "calllog.xml: some calls have a type code this importer does not know; their direction is unknown."
    ]


def test_cut_off_call_log_keeps_the_calls_before_the_cut() -> None:
    parsed = ingest.parse(HERE / "cutoff.xml")
    calls = list(parsed)
    assert [c.kind for c in calls] == [Kind.CALL, Kind.CALL, Kind.UNPARSED]
    tail = calls[-1]
    assert tail.channel is Channel.CALL and tail.source.locator == "line 7"
    assert tail.timestamp == datetime(2024, 9, 21, 3, 15, tzinfo=UTC)
    assert tail.body.startswith('<call number="+13125550142" duration="47"') and tail.body.endswith("post_dial_di")
    (warning,) = parsed.warnings
    assert warning.locator == "line 7" and "cut off in call[3]" in warning.reason


def test_sniff_tells_calls_from_messages() -> None:
    importer = CallsXml()
    calls = open_export(HERE / "calllog.xml").entries[0]
    sms = open_export(Path(__file__).parent / "sms_xml" / "coparenting.xml").entries[0]
    assert importer.sniff(calls) == 95
    assert importer.sniff(sms) is None


def test_a_folder_with_both_backups(tmp_path: Path) -> None:
    (tmp_path / "calls-20240921.xml").write_bytes((HERE / "calllog.xml").read_bytes())
    (tmp_path / "sms-20240921.xml").write_bytes((Path(__file__).parent / "sms_xml" / "coparenting.xml").read_bytes())
    assert ingest.detect(tmp_path) == {"sms-xml": ["sms-20240921.xml"], "calls-xml": ["calls-20240921.xml"]}
    messages = ingest.parse(tmp_path).sorted()
    assert len(messages) == 23
    assert sum(m.kind is Kind.CALL for m in messages) == 10


def test_bad_input(tmp_path: Path) -> None:
    empty = tmp_path / "calls.xml"
    empty.write_bytes(b"")
    with pytest.raises(ParseError):
        ingest.parse(empty, format="calls-xml")
    with pytest.raises(ParseError, match="<smses> at the top"):
        list(ingest.parse(Path(__file__).parent / "sms_xml" / "coparenting.xml", format="calls-xml"))
    headless = tmp_path / "headless.xml"
    headless.write_text('<calls count="1">\n  <call number="+13125550142" dura')
    with pytest.raises(ParseError):
        list(ingest.parse(headless))


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    how=st.sampled_from(["truncate", "flip", "insert", "delete"]),
    a=st.integers(0, 1 << 14),
    b=st.integers(0, 1 << 14),
    junk=st.binary(min_size=1, max_size=30) | st.sampled_from([b"<", b"&#56838;", b"'", b"\n<call ", b"&"]),
)
def test_mangled_call_logs_never_crash(tmp_path: Path, how: str, a: int, b: int, junk: bytes) -> None:
    data = (HERE / "calllog.xml").read_bytes()
    path = tmp_path / "calls.xml"
    path.write_bytes(mangle(data, how, a, b, junk))
    calls = parse_directly(path, "calls-xml")
    for call in calls or []:
        assert call.source.locator
        assert call.kind in (Kind.CALL, Kind.UNPARSED)
        assert call.kind is not Kind.UNPARSED or call.body

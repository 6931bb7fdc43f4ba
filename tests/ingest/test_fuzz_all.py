"""Every importer, fed mangled copies of its own fixtures: no exception but InputError escapes.

See _fuzz.py: the importers are called directly, so a crash here is a real importer bug.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greyrock import ingest

from ._fuzz import parse_directly

HERE = Path(__file__).parent
FILES = sorted(
    p for p in HERE.glob("*/*")
    if p.is_file() and not p.name.endswith((".expected.jsonl", ".args.json")) and p.stat().st_size < 200_000
)
CASES = []
for path in FILES:
    found = ingest.detect(path)
    if len(found) == 1:
        CASES.append((path, next(iter(found))))


@st.composite
def mangled(draw, data: bytes) -> bytes:
    op = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
    if not data:
        return data
    i = draw(st.integers(0, len(data) - 1))
    if op == "truncate":
        return data[:i]
    if op == "flip":
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    if op == "insert":
        return data[:i] + draw(st.binary(min_size=1, max_size=64)) + data[i:]
    j = draw(st.integers(i, min(len(data), i + 256)))
    return data[:i] + data[j:]


def test_every_format_has_a_fixture_here() -> None:
    assert {name for _, name in CASES} >= {"sms-xml", "calls-xml", "whatsapp", "messenger", "telegram", "signal",
                                           "imessage", "mbox", "eml", "csv"}


@pytest.mark.parametrize(("path", "fmt"), CASES, ids=[f"{p.parent.name}/{p.name}" for p, _ in CASES])
def test_mangled_input_never_crashes_the_importer(tmp_path_factory: pytest.TempPathFactory, path: Path, fmt: str) -> None:
    original = path.read_bytes()
    workdir = tmp_path_factory.mktemp("fuzz")

    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.data())
    def check(data: st.DataObject) -> None:
        target = workdir / path.name
        target.write_bytes(data.draw(mangled(original)))
        for message in parse_directly(target, fmt, region="US") or []:
            assert isinstance(message.body, str)

    check()

"""Every shared fixture (real exports, published by other projects), damaged the ways files
really are: cut short, bytes flipped, a stray element or line inserted, a range deleted,
re-saved in another encoding or with other line ends.

Two things must hold for each damaged copy:

- the importer, called directly (no safety net), either reads it or refuses it with an
  InputError (exit 2 on the command line): never any other exception;
- nothing is lost silently: every message of the undamaged file whose text lies away from
  the damage is still there, as a message or inside an unparsed record's raw text.

A message is found again by its text, where the file holds it verbatim exactly once (texts
the export escapes are skipped): as a message with that text, or inside an unparsed record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from greyrock import ingest
from tests.conftest import FIXTURES

from ._fuzz import parse_directly

MARGIN = 600  # bytes around the damage in which a record may be hit by it (an SMS record is < 600)
FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "SOURCES.md") if FIXTURES.is_dir() else []


@dataclass(frozen=True)
class Damage:
    name: str
    data: bytes
    start: int  # the damaged range, in the undamaged file's offsets (WHOLE: all of it
    end: int    # changed, and every message must still be there)


WHOLE = -MARGIN - 1


def _junk(path: Path) -> bytes:
    if path.suffix in (".xml", ".html"):
        return b"<x/>"
    if path.suffix == ".json":
        return b'{"x": [1, "\xff"]},'
    return b"\x00\xff this line belongs to no message \x1b[2J\n"


def _mixed_cp1252(text: str) -> bytes:
    """Re-saved by a program that writes Windows-1252 where it can (the rest stays UTF-8)."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            out += ch.encode("utf-8")
    return bytes(out)


def damages(path: Path) -> list[Damage]:
    data = path.read_bytes()
    n = len(data)
    rng = random.Random(path.name)  # the same damage on every run
    lines = [i + 1 for i, b in enumerate(data) if b == 0x0A and i + 1 < n]
    out = [Damage(f"truncate@{at}", data[:at], at, n) for at in (n // 3, 2 * n // 3, n - 1)]
    for _ in range(6):
        i = rng.randrange(n)
        out.append(Damage(f"flip@{i}", data[:i] + bytes([data[i] ^ rng.randrange(1, 256)]) + data[i + 1 :], i, i + 1))
    for i in rng.sample(lines, min(3, len(lines))) + [rng.randrange(n)]:
        out.append(Damage(f"insert@{i}", data[:i] + _junk(path) + data[i:], i, i))
    for _ in range(2):
        i = rng.randrange(n)
        j = min(n, i + rng.randrange(1, 40))
        out.append(Damage(f"delete@{i}-{j}", data[:i] + data[j:], i, j))
    text = data.decode("utf-8", "surrogateescape")
    if text.isascii():
        out.append(Damage("cp1252", data + _mixed_cp1252("\n\u2019caf\u00e9\u2019\n"), n, n))
    else:
        out.append(Damage("cp1252", _mixed_cp1252(data.decode("utf-8")), WHOLE, WHOLE))
    out.append(Damage("crlf", data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), WHOLE, WHOLE))
    out.append(Damage("cr", data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"), WHOLE, WHOLE))
    return out


def anchors(path: Path, fmt: str) -> list[tuple[str, str, int]]:
    """(text, how the file writes it, offset in the file) of each message of the undamaged
    file whose text the file holds verbatim and once: alone, or quoted, or as an element's
    whole content, or as a whole line."""
    data = path.read_bytes()
    found = []
    for message in parse_directly(path, fmt, region="US") or []:
        text = message.body
        if len(text.strip()) < 3 or message.kind.value == "unparsed":
            continue
        for raw in (text, f'"{text}"', f">{text}<", f"{text}\n", f": {text}\n"):
            if data.count(raw.encode("utf-8")) == 1:
                found.append((text, raw, data.index(raw.encode("utf-8"))))
                break
    return found


def _still_there(text: str, raw: str, bodies: set[str], unparsed: str) -> bool:
    flat = " ".join(text.split())
    return text in bodies or any(flat == " ".join(b.split()) for b in bodies) or raw.strip() in unparsed


CASES = []
for path in FILES:
    formats = ingest.detect(path)
    if len(formats) == 1:
        fmt = next(iter(formats))
        CASES += [(path, fmt, d) for d in damages(path)]


def test_every_shared_fixture_is_damaged_here() -> None:
    fixtures = {p for p, _, _ in CASES}
    assert fixtures == set(FILES) and len(fixtures) >= 18
    assert {fmt for _, fmt, _ in CASES} == {"sms-xml", "whatsapp", "messenger", "telegram", "signal", "google-voice"}


@pytest.mark.parametrize(("path", "fmt", "damage"), CASES,
                         ids=[f"{p.parent.name}/{p.name}:{d.name}" for p, _, d in CASES])
def test_damaged_shared_fixture_is_read_or_refused_and_loses_nothing_silently(
    tmp_path: Path, path: Path, fmt: str, damage: Damage
) -> None:
    target = tmp_path / path.name
    target.write_bytes(damage.data)
    messages = parse_directly(target, fmt, region="US")  # any exception but InputError fails here
    if messages is None:
        return  # refused with one line (exit 2): loud, not silent
    bodies = {m.body for m in messages if m.kind.value != "unparsed"}
    unparsed = "\n".join(m.body for m in messages if m.kind.value == "unparsed")
    lost = [text for text, raw, at in anchors(path, fmt)
            if (at + len(raw.encode()) < damage.start - MARGIN or at > damage.end + MARGIN)
            and not _still_there(text, raw, bodies, unparsed)]
    assert lost == [], f"{damage.name}: messages gone without a word"

"""Golden tests: every `tests/ingest/<format>/<variant>.<ext>` is parsed and compared,
message by message, with `<variant>.expected.jsonl` beside it. A fixture is a test.

Optional `<variant>.args.json` gives parse() arguments: {"format": ..., "me": ..., "region": ...}.
Expected files were checked by hand against the export, field by field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greyrock import ingest

HERE = Path(__file__).parent
CASES = sorted(
    p
    for p in HERE.glob("*/*")
    if not p.name.endswith((".expected.jsonl", ".args.json", ".py")) and not p.name.startswith(("_", "."))
    and (p.parent / f"{p.name.split('.')[0]}.expected.jsonl").exists()
)


def _expected_path(case: Path) -> Path:
    return case.parent / f"{case.name.split('.')[0]}.expected.jsonl"


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_export_parses_as_expected(case: Path) -> None:
    args_file = case.parent / f"{case.name.split('.')[0]}.args.json"
    args = json.loads(args_file.read_text()) if args_file.exists() else {}
    parsed = ingest.parse(case, **args)
    got = [m.to_dict() for m in parsed.sorted()]
    want = [json.loads(line) for line in _expected_path(case).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"message {i} differs"

from __future__ import annotations

from pathlib import Path

from tests.conftest import CHEAP, PASS  # noqa: F401  (re-exported for the tests here)


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["timestamp,sender,body"]
    for ts, sender, body in rows:
        lines.append(f'{ts},{sender},"{body}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path



from __future__ import annotations

from pathlib import Path

import pytest

from greyrock import vault
from greyrock.vault import KdfParams

# Tests create many cases: a cheap Argon2 cost keeps them fast. The CLI always uses the default.
CHEAP = KdfParams(time_cost=1, memory_log2_kib=10, parallelism=1)
PASS = "correct horse battery staple"


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["timestamp,sender,body"]
    for ts, sender, body in rows:
        lines.append(f'{ts},{sender},"{body}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    return tmp_path / "case.grc"


@pytest.fixture
def case(case_path: Path):
    c = vault.create_case(case_path, PASS, kdf=CHEAP)
    yield c
    c.close()

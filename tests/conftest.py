from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GREYROCK_SHARED", REPO.parent / "shared"))
FIXTURES = SHARED / "fixtures"
DEV_SET = SHARED / "eval" / "dev.jsonl"
TESTS = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _fixed_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbers without a country code are read as US numbers in every test."""
    monkeypatch.setenv("GREYROCK_REGION", "US")


@pytest.fixture
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"shared fixtures not found at {FIXTURES}; set GREYROCK_SHARED")
    return FIXTURES

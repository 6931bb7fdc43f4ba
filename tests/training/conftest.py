"""training/ is scripts, not a package: its torch-free modules are loaded from their files,
under the names train.py imports them by, for the tests of this folder."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.conftest import REPO


def _loaded(name: str) -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location(name, REPO / "training" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[name]


@pytest.fixture(scope="module")
def calibration() -> Iterator[ModuleType]:
    yield from _loaded("calibration")


@pytest.fixture(scope="module")
def augment() -> Iterator[ModuleType]:
    yield from _loaded("augment")

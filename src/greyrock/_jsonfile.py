"""Reading a JSON file the reader named: every way it can fail is one InputError naming it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from greyrock.errors import InputError

__all__ = ["read_json"]


def read_json(path: Path, what: str) -> Any:
    """The parsed contents of `path`; `what` names the file in errors ("the plan file")."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} ({exc.strerror}).") from exc
    except ValueError as exc:  # also a file that is not UTF-8
        raise InputError(f"{path}: not valid JSON ({exc}).") from exc

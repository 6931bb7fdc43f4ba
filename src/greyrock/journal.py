"""The incident journal: the guided questions advocates ask, answered and kept in the case.

Advocates and police guidance agree on what makes a written incident useful later: when
and where, what happened in the person's own words, injuries, witnesses, a police report
number, a medical visit, and photos or documents. Each entry is a chained record; the
files it names are stored inside the encrypted case, never copied elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from greyrock.errors import InputError
from greyrock.vault import Case

__all__ = ["QUESTIONS", "Question", "add_entry", "check_answer", "entries"]


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    prompt: str
    required: bool = False
    kind: str = "text"  # "datetime": a form reads free text ("March 16 around 1am") and confirms it


QUESTIONS: tuple[Question, ...] = (
    Question("when", "When did it happen? (date and time, e.g. 2024-03-06 23:40, or March 6 around 11pm)",
             required=True, kind="datetime"),
    Question("where", "Where did it happen?"),
    Question("what_happened", "What happened? Use their exact words where you remember them.", required=True),
    Question("injuries", "Were you or anyone else hurt? Describe any injuries."),
    Question("witnesses", "Who saw or heard it? (names, how to reach them)"),
    Question("police_report", "Police report or incident number, if any"),
    Question("medical_visit", "Did you see a doctor, nurse or hospital? Where and when?"),
    Question("files", "Photos or documents to attach (paths, separated by commas)"),
)
_KEYS = {q.key for q in QUESTIONS}


def _parse_when(value: str) -> str:
    """An incident has happened: a moment in the future is a typing mistake. A time without a
    zone is the case's wall clock, which may be up to 14 hours ahead of UTC."""
    text = value.strip()
    for candidate in (text, text.replace(" ", "T", 1)):
        try:
            when = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        now = datetime.now(timezone.utc)
        latest = now + timedelta(minutes=1) if when.tzinfo else now.replace(tzinfo=None) + timedelta(hours=14)
        if when > latest:
            raise InputError(f"journal: 'when' {text!r} is in the future.", "Give the date and time it happened.")
        return when.isoformat()
    raise InputError(f"journal: 'when' must be a date and time like 2024-03-06 23:40, not {text!r}.")


def _split_files(files: Any) -> list[str]:
    if isinstance(files, str):
        return [f for f in (part.strip() for part in files.split(",")) if f]
    return list(files or [])


def check_answer(key: str, value: str) -> str:
    """One answer checked as it is given (a form asks again on InputError): the same rules
    `add_entry` applies to the whole entry, so nothing typed is lost to a later error."""
    if key == "when":
        return _parse_when(value)
    if key == "files":
        for name in _split_files(value):
            path = Path(name).expanduser()
            if not path.is_file() or not os.access(path, os.R_OK):
                why = "not a readable file" if path.exists() else "no such file"
                raise InputError(f"cannot read attachment {path} ({why}).",
                                 "Give the paths of files that exist, separated by commas, or leave it empty.")
    return value


def add_entry(case: Case, answers: dict[str, Any], source: str = "journal",
              attachments: Sequence[tuple[str, bytes]] = ()) -> int:
    """Validate and store one entry; attached files are read and stored encrypted.
    `attachments`: (name, bytes) of files already in memory (photos uploaded through the
    browser), stored like the files the `files` answer names, after them."""
    unknown = set(answers) - _KEYS
    if unknown:
        raise InputError(f"{source}: unknown field(s) {', '.join(sorted(unknown))}.",
                         f"Fields: {', '.join(q.key for q in QUESTIONS)}.")
    for q in QUESTIONS:
        if q.required and not str(answers.get(q.key) or "").strip():
            raise InputError(f"{source}: '{q.key}' is required.")
    entry = {q.key: str(answers.get(q.key) or "").strip() for q in QUESTIONS if q.key != "files"}
    entry["when"] = _parse_when(entry["when"])
    files = _split_files(answers.get("files"))
    blobs = []
    for name in files:
        path = Path(name).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{source}: cannot read attachment {path} ({exc.strerror}).") from exc
        blobs.append((path.name, data))
    blobs.extend(attachments)
    with case.transaction():
        entry["files"] = [{"name": n, "size": len(d), "sha256": case.add_blob(d)} for n, d in blobs]
        return case.add_record("journal", entry)


def entries(case: Case) -> list[dict[str, Any]]:
    return sorted(case.records("journal"), key=lambda e: (e["when"], e["id"]))

"""The record-keeping pages: the incident journal and the timeline charts.

Like `_views`, each view reads the request, makes library calls and renders a template:
the journal's questions, checks and storage are `greyrock.journal`'s, a free-text time is
read by `greyrock._when` exactly as the CLI's form reads it (and echoed back for the
reader to confirm before anything is saved), and the timeline's counts are
`greyrock.report.case_timeline`'s, the figures `greyrock timeline` prints.

Photos come through the browser and stay in memory (see `_upload`: no temporary file):
their kind is checked by their first bytes, not by the name or the browser's word, and
they are stored in the case as the journal's attachments. When a time has to be confirmed
first, the photos already chosen wait in `WebState.held` (dropped on lock) so the reader
need not choose them again.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from greyrock.errors import InputError

from ._security import checked_form
from ._upload import safe_name
from ._views import Pages

__all__ = ["MAX_PHOTO_BYTES", "MAX_PHOTOS", "RecordPages", "photo_kind"]

MAX_PHOTOS = 10
MAX_PHOTO_BYTES = 25 * 1024 * 1024
# What a photo or document may be, by its first bytes: (magic at offset, kind).
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "JPEG"), (0, b"\x89PNG\r\n\x1a\n", "PNG"), (0, b"GIF87a", "GIF"), (0, b"GIF89a", "GIF"),
    (8, b"WEBP", "WebP"), (4, b"ftypheic", "HEIC"), (4, b"ftypheix", "HEIC"), (4, b"ftypmif1", "HEIF"),
    (4, b"ftyphevc", "HEIC"), (0, b"%PDF-", "PDF"),
)
_HELD = "journal-photos"
# Bar colours of the timeline, in labels.md's order; the threat's red is also the week mark's.
LABEL_COLOURS = {"threat": "#960000", "coercion": "#eb821e", "verbal_abuse": "#5a328c",
                 "manipulation": "#50aaaa", "hoovering": "#9696cc", "logistics": "#bbbbbb"}


def photo_kind(data: bytes) -> str | None:
    """The kind of a photo or document by its first bytes (JPEG, PNG, GIF, WebP, HEIC, PDF), or None."""
    for offset, magic, kind in _MAGIC:
        if data[offset:offset + len(magic)] == magic and (kind != "WebP" or data[:4] == b"RIFF"):
            return kind
    return None


def _show_when(iso: str) -> str:
    from datetime import datetime

    try:
        return f"{datetime.fromisoformat(iso):%A %d %B %Y, %H:%M}"
    except ValueError:
        return iso


class RecordPages:
    """The journal and timeline views, over the same Pages (render, reader, case, CSRF)."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.state = pages.state

    # -- journal -------------------------------------------------------------------------

    def _journal(self, case: Any, status: int = 200, **context: Any) -> Response:
        from greyrock import journal

        context.setdefault("answers", {})
        context.setdefault("understood", None)
        context.setdefault("held", [])
        context.setdefault("saved", None)
        questions = [q for q in journal.QUESTIONS if q.key != "files"]
        return self.pages.render("journal.html", status=status, questions=questions, entries=journal.entries(case),
                                 show_when=_show_when, max_photos=MAX_PHOTOS, max_mib=MAX_PHOTO_BYTES // 2**20,
                                 **context)

    async def journal_page(self, request: Request) -> Response:
        case = self.pages.case(request)
        self.state.held.pop(_HELD, None)  # a fresh form: photos held for an unfinished one are dropped
        saved = request.query_params.get("saved")
        return self._journal(case, saved=saved if saved and saved.isdigit() else None)

    async def journal_post(self, request: Request) -> Response:
        self.pages.reader(request)
        form = await checked_form(request, self.state)
        case = self.pages.case(request)
        from greyrock import _when, journal

        answers = {q.key: str(form.get(q.key, "")).strip() for q in journal.QUESTIONS if q.key != "files"}
        held_token = str(form.get("held", ""))
        held = self.state.held.get(_HELD)
        photos: list[tuple[str, bytes]] = list(held[1]) if held and held_token and held[0] == held_token else []
        lost = bool(held_token) and not photos  # held for another form (a second tab): never dropped silently

        def again(message: str | None, understood: str | None = None, status: int = 400,
                  confirm: str = "") -> Response:
            token = secrets.token_urlsafe(16)
            if photos:
                self.state.held[_HELD] = (token, photos)
            else:
                self.state.held.pop(_HELD, None)
            return self._journal(case, status=status, answers=answers, error=message, understood=understood,
                                 held=[name for name, _ in photos], held_token=token if photos else "",
                                 confirm_when=confirm)

        for item in form.getlist("photos"):
            if not isinstance(item, UploadFile) or not item.filename:
                continue
            data = await item.read()
            await item.close()
            name = safe_name(item.filename)
            if not data:
                continue
            if len(data) > MAX_PHOTO_BYTES:
                return again(f"{name}: {len(data) / 2**20:.1f} MiB, more than the limit of "
                             f"{MAX_PHOTO_BYTES // 2**20} MiB for one photo.")
            if photo_kind(data) is None:
                return again(f"{name}: not a photo or PDF greyrock can keep (JPEG, PNG, GIF, WebP, HEIC or PDF).")
            photos.append((name, data))
        if len(photos) > MAX_PHOTOS:
            del photos[MAX_PHOTOS:]
            return again(f"At most {MAX_PHOTOS} photos in one entry; the first {MAX_PHOTOS} are kept. "
                         "Add the others to a second entry.")
        if lost:
            return again("The photos chosen before are no longer held (the form was sent from another tab, "
                         "or the case was locked). Please choose them again.")
        for q in journal.QUESTIONS:
            if q.required and q.key != "files" and not answers.get(q.key):
                return again(f"Please answer: {q.prompt}")
        try:
            understood = _when.understand(answers["when"])
        except InputError as exc:
            return again(f"When: not understood: {exc}")
        iso = understood.value.isoformat(sep=" ", timespec="minutes")
        if not understood.exact and str(form.get("confirm_when", "")) != iso:
            # Read from free text: echoed back, saved only once the reader confirms it (the form
            # then carries `confirm_when`; a changed text is read and echoed again).
            return again(None, understood=understood.describe(), status=200, confirm=iso)
        try:
            entry_id = journal.add_entry(case, {**answers, "when": iso}, source="journal", attachments=photos)
        except InputError as exc:
            return again(str(exc))
        self.state.held.pop(_HELD, None)
        return RedirectResponse(f"/journal?saved={entry_id}", status_code=303)

    # -- timeline ------------------------------------------------------------------------

    async def timeline(self, request: Request) -> Response:
        case = self.pages.case(request)
        from greyrock import report
        from greyrock.report._timeline import label_order

        from ._svg import Bar, stacked_bars

        try:
            first = report.parse_day(request.query_params.get("from") or None, "from")
            last = report.parse_day(request.query_params.get("to") or None, "to")
        except InputError as exc:
            raise HTTPException(400, str(exc)) from None
        if first and last and first > last:
            raise HTTPException(400, f"'from' {first} is after 'to' {last}.")
        tl = report.case_timeline(case, first, last)
        weeks = [{"week": w.week, "start": w.start, "messages": w.messages, "calls": w.calls, "sent": w.sent,
                  "labels": w.to_dict()["by_label"], "threats": w.by_label.get("threat", 0)} for w in tl.weeks]
        used = label_order({label for w in tl.weeks for label in w.by_label})
        attempts = stacked_bars(
            "Contact attempts by the other person, per week",
            [Bar(f"{w.start:%d %b %y}", (("messages", w.messages), ("calls", w.calls)), bool(w.by_label.get("threat")))
             for w in tl.weeks],
            {"messages": "#1f3c6e", "calls": "#e69628"}, mark_label="a week with a threat")
        by_label = stacked_bars(
            "Messages by suggested label, per week",
            [Bar(f"{w.start:%d %b %y}", tuple((label.replace("_", " "), w.by_label.get(label, 0)) for label in used),
                 bool(w.by_label.get("threat"))) for w in tl.weeks],
            {label.replace("_", " "): LABEL_COLOURS.get(label, "#888888") for label in used},
            mark_label="a week with a threat")
        return self.pages.render("timeline.html", tl=tl, weeks=weeks, attempts_svg=attempts, labels_svg=by_label,
                                 first=first, last=last, format_ts=report.format_ts)

"""The record a report shows: gathered once from the case, then drawn as PDF, HTML, CSV or JSON.

Gathering everything into one `CaseRecord` first is what makes the four outputs "the same
record": they cannot disagree about which messages are in it, what the period is, or what
the fingerprint was, because they all read this one object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from greyrock import __version__, journal
from greyrock.identity import default_region
from greyrock.accounting import UnparsedRecord, roles_of, unparsed_reasons
from greyrock.agreed import agreed_contact
from greyrock.errors import InputError
from greyrock.model import Label
from greyrock.people import Roles
from greyrock.vault import Case

from ._entries import Entry, LeftOut, select
from ._images import Thumb, thumbnails
from ._settings import CaseSettings, read_settings
from ._signs import describe
from ._timeline import Timeline, build_timeline

__all__ = ["Accounting", "CaseRecord", "DangerSign", "Integrity", "Parties", "ReportOptions", "gather", "paper_for",
           "parse_day"]

_READER = re.compile(r"\b(the|The|THE) (?:reader|READER)\b")

# Messages shown in full in their own section, whatever the --labels choice.
SERIOUS = ("threat", "coercion")
PAPERS = ("a4", "letter")
# Regions whose courts file on US Letter; everywhere else A4.
LETTER_REGIONS = frozenset({"US", "CA"})
# How the PDF names the person who made the report when the case gives no name: neutral,
# whichever side of a case they are on (never "the reader", greyrock's word for its user).
NO_NAME = "the reporting party"


def paper_for(region: str) -> str:
    return "letter" if region.upper() in LETTER_REGIONS else "a4"


@dataclass(frozen=True, slots=True)
class Parties:
    """Who the report is about: the names and court reference it prints (None: not set)."""

    my_name: str | None = None
    their_name: str | None = None
    court_ref: str | None = None

    @property
    def me(self) -> str:
        """The person who made the report, as the report's sentences name them."""
        return self.my_name or NO_NAME

    def title(self, fallback: str) -> str:
        """The report's title: the parties' names, or `fallback` (the case name) without them."""
        if self.my_name and self.their_name:
            return f"{self.my_name} and {self.their_name}"
        if self.their_name:
            return f"Messages and calls from {self.their_name}"
        if self.my_name:
            return f"Messages and calls received by {self.my_name}"
        return fallback


def parse_day(value: str | None, option: str) -> date | None:
    """A --from/--to value as a date, or an InputError naming the option."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option}: {value!r} is not a date like 2024-03-01.") from None


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the reader chose to put in the report.

    `labels` keeps, in the log and the exports, only the other person's messages that the
    screening gave one of these labels (the reader's own messages carry no labels, so they
    leave too); empty keeps everything. `own_messages` False leaves the reader's own
    messages out of the log and the exports (they still count in the timeline's `sent`).
    `include_third` names people with the role `third` (by address) whose messages the
    reader asked to show in the log; they are never counted or screened as the other
    person's. `risk` False leaves the danger-sign answers out (--no-risk). `paper` is
    "a4" or "letter" (None: by the case's region). `my_name`, `their_name` and `court_ref`
    replace the case settings of the same names for this report (None: the setting).
    """

    start: date | None = None
    end: date | None = None
    labels: tuple[str, ...] = ()
    own_messages: bool = True
    include_third: tuple[str, ...] = ()
    risk: bool = True
    paper: str | None = None
    my_name: str | None = None
    their_name: str | None = None
    court_ref: str | None = None

    def __post_init__(self) -> None:
        if self.paper is not None and self.paper not in PAPERS:
            raise InputError(f"--paper: {self.paper!r} is not a paper size; give letter or a4.")
        if self.start and self.end and self.start > self.end:
            raise InputError(f"--from {self.start} is after --to {self.end}.")
        known = {str(label) for label in Label}
        unknown = [label for label in self.labels if label not in known]
        if unknown:
            raise InputError(f"--labels: unknown label(s) {', '.join(unknown)}.",
                             f"Labels: {', '.join(str(label) for label in Label)}.")

    def keeps(self, entry: Entry) -> bool:
        if entry.third:
            return not self.labels
        if not entry.from_other:
            return self.own_messages and not self.labels
        return not self.labels or any(label in self.labels for label in entry.labels)


@dataclass(frozen=True, slots=True)
class Integrity:
    """The result of verifying the case when the report was made."""

    ok: bool
    fingerprint: str
    entries: int
    problem: str | None


@dataclass(frozen=True, slots=True)
class Accounting:
    """Every record of the case, once: shown in the log, or left out for one stated reason.

    `held` is every record the case holds (messages, calls, notices and unparsed records);
    `shown` those in the chronological log. The rest, by reason: `unparsed` (greyrock could
    not read them; listed in the annex), `others` (messages with people other than the other
    person: counted, never shown), `unassigned` (with addresses that have no role yet: counted,
    never shown), `unknown_sender` (the export does not say who sent them),
    `system` (notices such as "X joined"), and the reader's choices: `outside_period`
    (--from/--to), `by_labels` (--labels) and `own_left_out` (--no-own-messages).
    """

    held: int
    shown: int
    unparsed: int = 0
    others: int = 0
    unknown_sender: int = 0
    system: int = 0
    outside_period: int = 0
    by_labels: int = 0
    own_left_out: int = 0
    unassigned: int = 0
    unassigned_ids: tuple[str, ...] = ()

    @property
    def by_filter(self) -> int:
        return self.outside_period + self.by_labels + self.own_left_out

    @property
    def left_out(self) -> int:
        return self.held - self.shown

    def to_dict(self) -> dict[str, int]:
        return {"held": self.held, "shown": self.shown, "left_out": self.left_out, "unparsed": self.unparsed,
                "other_people": self.others, "unassigned": self.unassigned,
                "unknown_sender": self.unknown_sender,
                "system": self.system,
                "filtered": {"period": self.outside_period, "labels": self.by_labels,
                             "own_messages": self.own_left_out}}


def _account(entries: tuple[Entry, ...], log: tuple[Entry, ...], left: LeftOut, options: ReportOptions) -> Accounting:
    not_kept = [e for e in entries if not options.keeps(e)]
    own_out = sum(e.own and not options.own_messages for e in not_kept)
    held = (len(entries) + len(left.unparsed) + left.system + left.others + left.unassigned + left.unknown_sender
            + left.outside_period)
    return Accounting(held=held, shown=len(log), unparsed=len(left.unparsed), others=left.others,
                      unknown_sender=left.unknown_sender, system=left.system, outside_period=left.outside_period,
                      by_labels=len(not_kept) - own_out, own_left_out=own_out, unassigned=left.unassigned,
                      unassigned_ids=tuple(sorted(left.unassigned_ids)))


@dataclass(frozen=True, slots=True)
class DangerSign:
    """A danger sign the reader confirmed, with the messages screening linked to it."""

    sign: str
    statement: str
    confirmed_at: str
    messages: tuple[tuple[Entry, dict[str, Any]], ...]  # (entry, its danger flag)
    linked: tuple[Entry, ...] = ()  # messages the reader named as showing it (`risk confirm --message`)
    linked_not_shown: int = 0  # of those, outside the period or not between the reader and the other person


@dataclass(frozen=True)
class CaseRecord:
    case_name: str
    case_file: str
    case_id: str
    people: dict[str, list[str]]
    options: ReportOptions
    settings: CaseSettings
    entries: tuple[Entry, ...]  # the other person's and the reader's, within the period: what the timeline counts
    log: tuple[Entry, ...]  # what the reader chose to show: the appendix and the exports
    serious: tuple[Entry, ...]  # the other person's threats and coercion, within the period
    timeline: Timeline
    danger_signs: tuple[DangerSign, ...]
    journal: tuple[dict[str, Any], ...]
    originals: tuple[dict[str, Any], ...]
    integrity: Integrity
    accounting: Accounting
    unparsed: tuple[UnparsedRecord, ...]  # every record of the case greyrock could not read: the annex
    notes: tuple[str, ...] = ()  # what the reader should know about this record (unusable settings, ...)
    parties: Parties = field(default_factory=Parties)
    paper: str = "a4"
    attachments: dict[int, tuple[Thumb, ...]] = field(default_factory=dict)  # message id -> its attachments
    risk_left_out: int = 0  # danger signs the reader confirmed that --no-risk leaves out
    agreed_schedule: str = ""  # the schedule of agreed calls in the settings, as read
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    version: str = __version__

    @property
    def title(self) -> str:
        return self.parties.title(self.case_name)

    def words(self, text: str) -> str:
        """Report wording with "the reader" (greyrock's word for its user) replaced by the
        name of the person who made the report, or a neutral "the reporting party". Never
        applied to evidence (message text, journal entries)."""
        me = self.parties.me

        def name(m: re.Match[str]) -> str:
            if m.group(1) == "THE":
                return me.upper()
            return me[0].upper() + me[1:] if m.group(1) == "The" else me

        return _READER.sub(name, text)

    @property
    def other(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.from_other)

    @property
    def first(self) -> Entry | None:
        return next((e for e in self.entries if e.when is not None), None)

    @property
    def last(self) -> Entry | None:
        return next((e for e in reversed(self.entries) if e.when is not None), None)

    def counts(self) -> dict[str, int]:
        other = self.other
        return {
            "their_messages": sum(e.is_attempt and not e.is_call for e in other),
            "their_calls": sum(e.is_attempt and e.is_call for e in other),
            "your_messages": sum(e.own and not e.is_call for e in self.entries),
            "your_calls": sum(e.own and e.is_call for e in self.entries),
            "threat": sum("threat" in e.labels for e in other),
            "coercion": sum("coercion" in e.labels for e in other),
            "night_bursts": len(self.timeline.night_bursts),
            "journal_entries": len(self.journal),
            "originals": len(self.originals),
            "in_log": len(self.log),
            "agreed_contact": sum(bool(e.agreed) for e in other),
        }


def _confirmed_signs(case: Case, entries: tuple[Entry, ...]) -> tuple[DangerSign, ...]:
    latest: dict[str, dict[str, Any]] = {}
    named: dict[str, set[int]] = {}  # the messages the reader linked since the sign was last dismissed
    for rec in case.records("risk_answer"):
        if isinstance(rec.get("sign"), str):
            latest[rec["sign"]] = rec  # records come oldest first: the last answer wins
            if rec.get("answer") != "confirmed":
                named.pop(rec["sign"], None)
            else:
                named.setdefault(rec["sign"], set()).update(i for i in rec.get("messages") or () if isinstance(i, int))
    other = tuple(e for e in entries if e.from_other)
    signs = []
    for sign, rec in latest.items():
        if rec.get("answer") != "confirmed":
            continue
        flagged = tuple((e, flag) for e in other for flag in e.danger if flag.get("sign") == sign)
        shown = {e.id for e, _ in flagged}
        wanted = named.get(sign, set())
        linked = tuple(e for e in entries if e.id in wanted and e.id not in shown)
        missing = len(wanted - shown - {e.id for e in linked})
        signs.append(DangerSign(sign, describe(sign), str(rec.get("created_at", "")), flagged, linked, missing))
    return tuple(signs)


def _journal_in(entries: list[dict[str, Any]], options: ReportOptions) -> tuple[dict[str, Any], ...]:
    kept = []
    for e in entries:
        try:
            day = datetime.fromisoformat(str(e.get("when"))).date()
        except ValueError:
            day = None
        if day is None or ((options.start is None or day >= options.start)
                           and (options.end is None or day <= options.end)):
            kept.append(e)
    return tuple(kept)


def _people(case: Case, roles: Roles) -> dict[str, list[str]]:
    """The other person as the cover names them: the name given with --contact (or "the
    other person") -> every address with the role `other` now."""
    names = [rec["name"] for rec in case.records("contact") if rec.get("name") and rec["name"] != "other"]
    return {(names[-1] if names else "The other person"): roles.ids("other")}


def gather(case: Case, options: ReportOptions | None = None) -> CaseRecord:
    """Read everything a report shows from `case`, verifying it first.

    InputError when the case names no other person: the report could not tell their
    messages from a sister's, a lawyer's or a bank's.
    """
    options = options or ReportOptions()
    roles = roles_of(case)
    if not roles.has_other:
        raise InputError(f"{case.path.name}: the case names no other person, so a report cannot tell their messages "
                         f"from anyone else's; name them with 'greyrock case people {case.path.name} --other ID' "
                         f"('greyrock case people {case.path.name}' lists who is in the case).")
    unknown = [a for a in options.include_third if roles.role(a) != "third"]
    if unknown:
        raise InputError(f"--include-third: {', '.join(unknown)} {'has' if len(unknown) == 1 else 'have'} not the "
                         f"role third in {case.path.name}; 'greyrock case people {case.path.name}' lists the roles.")
    settings = read_settings(case)
    verified = case.verify()
    integrity = Integrity(verified.ok, verified.fingerprint if verified.ok else "", verified.entries,
                          verified.problem)
    left = LeftOut()
    selected = tuple(select(case, settings.clock, options.start, options.end, left, options.include_third))
    entries = tuple(e for e in selected if not e.third)
    notes = settings.warnings
    if left.unassigned:
        n, ids = left.unassigned, sorted(left.unassigned_ids)
        notes += (f"{n} message{'s are' if n != 1 else ' is'} left out because {len(ids)} "
                  f"{'address has' if len(ids) == 1 else 'addresses have'} no role yet ({', '.join(ids[:5])}"
                  f"{', …' if len(ids) > 5 else ''}); give each one with 'greyrock case people {case.path.name} "
                  "--other ID' or '--third ID'.",)
    if left.unknown_sender:
        n = left.unknown_sender
        notes += (f"{n} message{'s are' if n != 1 else ' is'} left out because the export does not say who sent "
                  f"{'them' if n != 1 else 'it'}.",)
    other = tuple(e for e in entries if e.from_other)
    log = tuple(e for e in selected if options.keeps(e))
    reasons = unparsed_reasons(case)
    signs = _confirmed_signs(case, entries)
    names = settings.names
    parties = Parties(*(chosen if chosen is not None else saved for chosen, saved in (
        (options.my_name, names.my_name), (options.their_name, names.their_name),
        (options.court_ref, names.court_ref))))
    serious = tuple(e for e in other if any(label in SERIOUS for label in e.labels))
    timeline = build_timeline(entries, separation_date=settings.separation_date, start=options.start,
                              end=options.end, timezone=settings.clock.name)
    return CaseRecord(
        case_name=settings.case_name,
        case_file=case.path.name,
        case_id=case.case_id,
        people=_people(case, roles),
        options=options,
        settings=settings,
        entries=entries,
        log=log,
        serious=serious,
        timeline=timeline,
        danger_signs=signs if options.risk else (),
        journal=_journal_in(journal.entries(case), options),
        originals=tuple(case.originals()),
        integrity=integrity,
        accounting=_account(selected, log, left, options),
        unparsed=tuple(UnparsedRecord.of(s, roles, reasons) for s in left.unparsed),
        notes=notes,
        parties=Parties(*(value.strip() or None if value else None for value in (
            parties.my_name, parties.their_name, parties.court_ref))),
        paper=options.paper or paper_for(default_region()),
        attachments=thumbnails(case, (*serious, *log)),
        risk_left_out=0 if options.risk else len(signs),
        agreed_schedule=agreed_contact(case).schedule_text,
    )

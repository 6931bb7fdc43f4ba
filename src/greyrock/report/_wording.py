"""The words of a report that are not the evidence: how to verify, the method, the statement.

Kept in one place so that the PDF and the HTML say exactly the same thing, and so that a
lawyer reviewing greyrock's wording reviews one file. Plain, factual, first person where
the reader speaks; no adjectives about the other person: the messages speak for themselves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from greyrock.accounting import listing_command

from ._record import CaseRecord
from ._text import format_ts
from ._timeline import NIGHT_BURST, TREND_DAYS

__all__ = [
    "LABEL_NAMES", "Paragraphs", "accounting_text", "counting_agreed", "cover_facts", "filter_options", "filter_text", "linked_not_shown", "unparsed_intro", "how_to_verify", "method", "period_text", "statement", "summary_lines",
    "verify_command", "verify_steps",
]

LABEL_NAMES = {
    "threat": "threat",
    "coercion": "coercion",
    "verbal_abuse": "verbal abuse",
    "manipulation": "manipulation",
    "hoovering": "hoovering (pulling back into contact)",
    "logistics": "logistics (practical matters)",
}


@dataclass(frozen=True, slots=True)
class Paragraphs:
    """A titled block of text: a heading and its paragraphs."""

    title: str
    paragraphs: tuple[str, ...]


def period_text(record: CaseRecord) -> str:
    start = record.options.start or (record.first.day if record.first else None)
    end = record.options.end or (record.last.day if record.last else None)
    if start is None:
        return "no dated messages"
    return f"{start.isoformat()} to {end.isoformat() if end else '?'}"


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def accounting_text(record: CaseRecord) -> str:
    """The cover's account of every record of the case: how many it holds, how many this
    report shows, and why each of the rest is out. The same words in the PDF and the HTML."""
    a = record.accounting
    reasons = []
    if a.unparsed:
        reasons.append(f"{a.unparsed} unparsed (greyrock could not read {'it' if a.unparsed == 1 else 'them'}; "
                       "Appendix C lists where each is in its export, and why)")
    if a.others:
        reasons.append(f"{_n(a.others, 'message', 'messages')} with people other than the other person "
                       "(counted only: their content is not shown)")
    if a.unassigned:
        reasons.append(f"{_n(a.unassigned, 'message', 'messages')} with "
                       f"{_n(len(a.unassigned_ids), 'address', 'addresses')} the reader has not yet said is the "
                       "other person or someone else (counted only: their content is not shown; "
                       f"'greyrock case people {record.case_file}' lists them)")
    if a.unknown_sender:
        reasons.append(f"{_n(a.unknown_sender, 'message', 'messages')} whose export does not say who sent "
                       f"{'it' if a.unknown_sender == 1 else 'them'}")
    if a.system:
        reasons.append(f"{_n(a.system, 'system notice', 'system notices')} (such as a member joining a chat)")
    if a.outside_period:
        reasons.append(f"{a.outside_period} outside the period chosen (--from/--to)")
    if a.by_labels:
        reasons.append(f"{a.by_labels} without one of the labels chosen (--labels)")
    if a.own_left_out:
        reasons.append(f"{_n(a.own_left_out, 'message', 'messages')} of the reader's own (--no-own-messages)")
    text = (f"The case holds {_n(a.held, 'record', 'records')} (messages, calls and unreadable pieces of the "
            f"exports). This report shows {a.shown} of them in its chronological log (Appendix A)")
    if a.left_out:
        text += f" and leaves out {a.left_out}: " + "; ".join(reasons) + "."
    else:
        text += "; none is left out."
    if not a.unparsed:
        text += " 0 unparsed: greyrock read every record of the exports."
    return record.words(text)


def unparsed_intro(record: CaseRecord) -> str:
    """The opening of the annex of unparsed records."""
    n = len(record.unparsed)
    return (f"{_n(n, 'record', 'records')} of the exports could not be read by greyrock. Each is kept whole in "
            "the case, byte for byte in its original export, and is listed here with its place in that export "
            "and the reason it could not be read. Its raw text is shown only where the export names the other "
            "person as its sender: an unreadable record with no known sender may hold someone else's words (a "
            "relative's, a lawyer's, several messages run together), so for those only the place, the reason and "
            f"the length are given. The reader can list every one, raw text included, with "
            f"'{listing_command(record.case_file)}'.")


def cover_facts(record: CaseRecord) -> list[tuple[str, str]]:
    """The cover page's table, the same in the PDF and the HTML report."""
    c = record.counts()
    people = "; ".join(f"{name}: {', '.join(aliases)}" for name, aliases in record.people.items())
    parties = record.parties
    rows = []  # the court number heads the cover on its own line, not again in this table
    if parties.my_name:
        rows.append(("Made by", parties.my_name))
    other = people or record.words("not named in the case (every message received by the reader counts)")
    addresses = ", ".join(a for aliases in record.people.values() for a in aliases)
    return [
        *rows,
        ("The other person", f"{parties.their_name} ({addresses or other})" if parties.their_name else other),
        ("Period", period_text(record)),
        ("Time zone", record.settings.clock.name),
        ("Messages from the other person", str(c["their_messages"])),
        ("Calls from the other person", str(c["their_calls"])),
        (record.words("Messages / calls by the reader"), f"{c['your_messages']} / {c['your_calls']}"),
        ("Suggested threats / coercion", f"{c['threat']} / {c['coercion']}"),
        ("Incident journal entries", str(c["journal_entries"])),
        ("Original exports", str(c["originals"])),
        ("Case file", f"{record.case_file} (case id {record.case_id})"),
        ("Report made", f"{record.generated_at:%Y-%m-%d %H:%M:%S} UTC with greyrock {record.version}"),
    ]


def filter_options(record: CaseRecord) -> list[str]:
    """The options of `greyrock report` that narrowed this report, as typed."""
    o = record.options
    given = []
    if o.start:
        given.append(f"--from {o.start.isoformat()}")
    if o.end:
        given.append(f"--to {o.end.isoformat()}")
    if o.labels:
        given.append(f"--labels {','.join(o.labels)}")
    if not o.own_messages:
        given.append("--no-own-messages")
    if not o.risk:
        given.append("--no-risk")
    given.extend(f"--include-third {who}" for who in o.include_third)
    return given


def filter_text(record: CaseRecord) -> str:
    """The cover's plain statement of what was filtered out of this report, and by which options."""
    o = record.options
    given = filter_options(record)
    if not given:
        return record.words("Not filtered: this report shows every message and call of the case between the "
                            "reader and the other person, and every danger sign the reader confirmed.")
    parts = []
    if o.start or o.end:
        parts.append(f"it covers only the period {period_text(record)}")
    if o.labels:
        parts.append("its log shows only the other person's messages that the screening suggested as "
                     + " or ".join(LABEL_NAMES.get(label, label).split(" (")[0] for label in o.labels)
                     + " (everything else of theirs, and every message of the reader, is left out of the log)")
    if not o.own_messages and not o.labels:
        parts.append("the reader's own messages are left out of the log (they still count in the figures)")
    if not o.risk:
        parts.append("the danger signs the reader confirmed are left out"
                     + (f" ({record.risk_left_out} confirmed)" if record.risk_left_out else ""))
    if o.include_third:
        parts.append(f"messages with {_n(len(o.include_third), 'other person', 'other people')} are added on request")
    text = ("FILTERED: this report does not show the whole case: " + "; ".join(parts)
            + f". Options used: {' '.join(given)}. The method note says what was counted.")
    return record.words(text)


def verify_command(record: CaseRecord) -> str:
    return f"greyrock case verify {record.case_file}"


def verify_steps(record: CaseRecord) -> tuple[str, str]:
    """What to do to check the fingerprint: the text before the command, and after it."""
    before = (
        f"Every original export, message, screening result and journal entry in the case file "
        f"'{record.case_file}' is linked in a SHA-256 hash chain. The fingerprint above is the hash of its "
        f"last entry ({record.integrity.entries} entries when this report was made). To check it, open the "
        "case with greyrock (the passphrase is needed) and run:"
    )
    after = (
        "The command recomputes the SHA-256 of every original and every link of the chain, and prints the same "
        "fingerprint if nothing has been changed, removed or added since. Material added to the case later "
        "extends the chain and changes the fingerprint; an encrypted copy made with 'greyrock case backup' at "
        "the time of this report keeps this exact fingerprint."
    )
    return before, after


def how_to_verify(record: CaseRecord) -> str:
    before, after = verify_steps(record)
    return f"{before} {verify_command(record)}. {after}"


def times_note(record: CaseRecord) -> tuple[str, ...]:
    """The method note on times: the one clock, and which exports recorded no zone."""
    zone = record.settings.clock.name
    naive = Counter(e.message.source.file for e in record.entries if e.message.timestamp and not e.message.tz_known)
    notes = [
        f"Every time is shown on one clock, the case's time zone ({zone}), with its offset from UTC, and "
        "messages are ordered by the moment they were sent. Days, nights and hours are counted on that clock, "
        "so the figures are the same whatever computer makes the report. Where an export recorded the time "
        "zone, the time is converted to the case's zone."]
    if naive:
        files = "; ".join(f"{name} ({n})" for name, n in sorted(naive.items()))
        notes.append(
            f"Some exports did not record the time zone, only the phone's clock: {files}. These times are read as "
            f"times in the case's zone ({zone}); if that phone was set to another zone, they are off by the "
            "difference. The case keeps each time exactly as the export recorded it.")
    return tuple(notes)


def summary_lines(record: CaseRecord) -> list[tuple[str, str]]:
    """The facts of the one-page summary, as (what, value) pairs."""
    c = record.counts()
    tl = record.timeline
    first_other = next((e for e in record.entries if e.from_other and e.when), None)
    last_other = next((e for e in reversed(record.entries) if e.from_other and e.when), None)
    rows = [
        ("Period of this report", period_text(record)),
        ("Messages from the other person", str(c["their_messages"])),
        ("Calls from the other person", str(c["their_calls"])),
        ("Messages / calls by the reader", f"{c['your_messages']} / {c['your_calls']}"),
        ("First contact in the period", format_ts(first_other.when) if first_other else "none"),
        ("Last contact in the period", format_ts(last_other.when) if last_other else "none"),
        ("Messages suggested as threats", str(c["threat"])),
        ("Messages suggested as coercion", str(c["coercion"])),
        ("First suggested threat", format_ts(tl.first_threat.when) if tl.first_threat else "none"),
    ]
    if tl.separation_date:
        rows.append(("Separation date (set by the reader)", tl.separation_date.isoformat()))
        rows.append(("Suggested threats on or after separation", str(len(tl.threats_after_separation))))
    else:
        rows.append(("Separation date", "not set in the case"))
    busiest = max(tl.days, key=lambda d: d.attempts, default=None)
    if busiest and busiest.attempts:
        rows.append(("Most contact attempts in one day", f"{busiest.attempts} on {busiest.date.isoformat()}"))
    rows.append((f"Nights with {NIGHT_BURST}+ attempts (22:00-06:00)", str(len(tl.night_bursts))))
    t = tl.trend
    rows.append(("Trend of contact attempts",
                 f"{t.direction}: {t.last} in the last {t.window_days} days of the record, "
                 f"{t.previous} in the {t.window_days} days before" if t.window_days
                 else "too few days of contact to tell"))
    rows.append(("Danger signs confirmed by the reader", str(len(record.danger_signs)) if record.options.risk
                 else "left out of this report (--no-risk)"))
    rows.append(("Incident journal entries", str(c["journal_entries"])))
    if c["agreed_contact"]:
        rows.append(("Agreed contact (not counted as attempts)", str(c["agreed_contact"])))
    return [(record.words(key), value) for key, value in rows]


def method(record: CaseRecord, font_note: str | None, replaced_any: bool,
           reordered_any: bool = False) -> list[Paragraphs]:
    """The method note; `font_note` names the PDF's font, None for the HTML page."""
    o = record.options
    choices = []
    if o.start or o.end:
        choices.append(f"only messages dated {period_text(record)} (days on the report's clock, both included)")
    if o.labels:
        choices.append("in the log, only the other person's messages suggested as "
                       + ", ".join(LABEL_NAMES.get(label, label) for label in o.labels))
    if not o.own_messages:
        choices.append("the reader's own messages left out of the log")
    people = "; ".join(f"{name}: {', '.join(aliases)}" for name, aliases in record.people.items())
    blocks = [
        Paragraphs("Where the messages come from", (
            "The reader exported the conversations from their own phone or accounts (the exports listed in the "
            "manifest). greyrock stored each export byte for byte inside an encrypted case file, recorded its "
            "SHA-256, and read the messages out of it without changing them. Every message in this report "
            "points back to its export and its place in it (the reference after 'source').",
            "The other person's messages are those received by the reader"
            + (f" from the numbers, addresses or names the reader recorded for them ({people})." if people
               else "; the case does not name the other person's numbers, so every received message counts.")
            + " The log shows the original text of each message, never a summary.",
        )),
        Paragraphs("Times", times_note(record)),
        Paragraphs("Automated labels are suggestions", (
            "greyrock screens each message of the other person with a small text classifier that runs on the "
            "reader's own computer (a sentence-embedding model with one output per label, plus fixed phrase "
            "rules for danger signs). It suggests labels: threat, coercion, verbal abuse, manipulation, "
            "hoovering (pulling the reader back into contact) and logistics. These labels are automated "
            "suggestions, not findings: the classifier can miss a message or mark one wrongly, and every "
            "label in this report should be read against the message's full text, which is always shown. "
            "The danger signs section shows only what the reader personally confirmed.",
        ) + ((f"The reader corrected the labels of {n} message{'s' if n != 1 else ''} shown here (a label "
              "removed as wrong or added as missing); each is marked 'Labels corrected by the reader', beside "
              "what the screening suggested, and the report's sections and counts use the corrected labels.",)
             if (n := sum(e.correction is not None for e in record.entries)) else ())),
        Paragraphs("Counting", (
            "A contact attempt is a message, photo, deleted message or call from the other person. "
            f"A night runs from 22:00 to 06:00 and is named by the evening it starts on; a night with "
            f"{NIGHT_BURST} or more attempts is counted as a night-time burst. The trend compares the attempts "
            f"in the last {TREND_DAYS} days of the record with the {TREND_DAYS} days before (the two halves of "
            "the record when it is shorter than eight weeks): more than 20% more is 'rising', more than 20% "
            "fewer is 'falling', otherwise 'steady'. A threat after separation is a message suggested as a "
            "threat dated on or after the separation date that the reader set in the case.",
            counting_agreed(record),
        )),
        Paragraphs("What the reader chose", (
            ("This report includes " + "; ".join(choices) + ".") if choices
            else "This report includes every message of the case between the reader and the other person.",
        )),
        Paragraphs("Characters", (
            "This page shows every character as received, except invisible formatting characters that could "
            "change how a line reads (such as right-to-left overrides), which are shown as their code, e.g. "
            "[U+202E]. The CSV and JSON exports keep every character exactly." if font_note is None else
            f"This PDF is set in {font_note}. "
            + ("Characters that this font cannot draw (for example some emoji) are replaced by a visible "
               "placeholder such as [emoji] or [U+1F44D], and invisible formatting characters that could change "
               "how a line reads (such as right-to-left overrides) are shown as their code, e.g. [U+202E]. The "
               "messages where this happened are marked. The CSV and JSON exports of this report keep every "
               "character exactly." if replaced_any else
               "Every character of the messages shown could be drawn in this font. The CSV and JSON exports "
               "of this report keep every character exactly."),
        ) + (("Right-to-left text (such as Hebrew or Arabic) is shown in reading order by the Unicode "
              "bidirectional algorithm; Arabic letters are shown in their separate forms, without joining. The "
              "messages with right-to-left text are marked; the exports keep the text as received.",)
             if reordered_any and font_note is not None else ())),
    ]
    if not o.risk:
        blocks.append(Paragraphs("Danger signs", (
            "The danger signs the reader confirmed are left out of this report at the reader's choice "
            "(--no-risk)" + (f": {record.risk_left_out} confirmed sign{'s are' if record.risk_left_out != 1 else ' is'} "
                             "not shown." if record.risk_left_out else "; none had been confirmed."),)))
    if record.notes:
        blocks.append(Paragraphs("Notes on this case", record.notes))
    return [Paragraphs(b.title and record.words(b.title), tuple(record.words(p) for p in b.paragraphs))
            for b in blocks]


def counting_agreed(record: CaseRecord) -> str:
    """How agreed contact was counted: which calls and messages are not attempts, and why."""
    other = [e for e in record.entries if e.from_other]
    marked = sum(e.agreed == "marked" for e in other)
    scheduled = sum(e.agreed == "schedule" for e in other)
    schedule = record.agreed_schedule
    if not (marked or scheduled or schedule):
        return ("Every message and call from the other person counts as a contact attempt: the reader marked "
                "none as agreed contact and set no schedule of agreed calls.")
    text = (f"Agreed contact is not counted as a contact attempt: {_n(marked, 'call or message', 'calls and messages')} "
            "the reader marked one by one as agreed (for example calls with the children)")
    if schedule:
        text += f", and {_n(scheduled, 'call', 'calls')} that started within the agreed weekly schedule ({schedule})"
    return (text + ". They are still shown in the log, marked 'Agreed contact'. Every other message, photo, "
            "deleted message and call from the other person is counted.")


def statement(record: CaseRecord) -> Paragraphs:
    return Paragraphs("Statement of the person who made this report", (
        "I made this report with greyrock from message exports of my own phone and accounts. To the best of "
        "my knowledge, the messages in it are complete and unaltered copies of the messages I received"
        + (" and sent" if record.options.own_messages and not record.options.labels else "")
        + f" in the period {period_text(record)}, except where I chose to leave messages out as stated in "
        "the method note. The journal entries are my own account of what happened.",
        "The labels shown with the messages were suggested by software and were not written by me.",
        "Ask your lawyer or advocate whether this statement needs to be sworn, witnessed or worded differently "
        "where your case is heard.",
    ))


def linked_not_shown(n: int) -> str:
    """The messages the reader linked to a danger sign that this report cannot show."""
    return (f"{n} more message{'s' if n != 1 else ''} the reader linked to this sign "
            f"{'are' if n != 1 else 'is'} outside this report's period or not between the reader and the other "
            "person, and not shown here.")

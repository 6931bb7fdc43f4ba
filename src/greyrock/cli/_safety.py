"""`greyrock risk`, `plan`, `nocontact` and `help-now`: the safety commands (greyrock.safety).

Each command reads its arguments, makes the library calls and renders. Anything the
other person wrote goes through `safe_text` before it reaches a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer

from greyrock.errors import InputError

from ._lazy import lazy
from ._output import safe_text, write_json
from ._settings import open_on_clock, show_iso

__all__ = ["register"]

safety, vault = lazy("greyrock.safety"), lazy("greyrock.vault")

CaseArg = Annotated[Path, typer.Argument(help="The case file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CountryOpt = Annotated[
    Optional[str], typer.Option("--country", help="Two-letter country code (default: GREYROCK_REGION or the locale).")
]

risk_app = typer.Typer(
    help="Danger signs: a checklist in plain words, and the signs a case's messages suggest.",
    invoke_without_command=True,
)


def _open(path: Path) -> vault.Case:
    return open_on_clock(path)


def _resources(country: str | None) -> list[safety.Resource]:
    """The help numbers; with no --country, an unknown default region gives none rather than an error.

    Someone answering the checklist must always get the advice, even where greyrock holds no
    numbers for their country.
    """
    if country:
        return safety.resources_for(country)
    try:
        return safety.resources_for(None)
    except InputError:
        return []


def _echo_resources(resources: Sequence[safety.Resource], details: bool = False) -> None:
    if not resources:
        typer.echo("  greyrock has no numbers for your country: call your local emergency number "
                   "(112 in the European Union). See 'greyrock help-now --country CC'.")
        return
    for r in resources:
        name = r.name + (f" ({r.area})" if r.area else "")
        reach = "; ".join(x for x in (r.phone, r.text, r.web) if x)
        typer.echo(f"  {name}: {reach} ({r.hours})")
        if details:
            if r.note:
                typer.echo(f"      {r.note}")
            typer.echo(f"      source: {r.source}, checked {r.checked}")


def _echo_sources() -> None:
    typer.echo("Sources:")
    for c in safety.SOURCES:
        typer.echo(f"  - {c.text}" + (f" {c.web}" if c.web else ""))


# -- greyrock risk ----------------------------------------------------------------------------

_YES = {"y", "yes"}
_NO = {"n", "no"}
_UNSURE = {"?", "not sure", "unsure", "s", "skip", "dont know", "don't know"}


def _ask_answers() -> safety.Answers:
    typer.echo("Answer each question with y (yes), n (no) or ? (not sure). Nothing is stored unless you use --case.\n")
    yes, no = set(), set()
    for sign in safety.SIGNS:
        while True:
            reply = typer.prompt(f"{sign.question} [y/n/?]", default="?", show_default=False).strip().lower()
            if reply in _YES:
                yes.add(sign.id)
            elif reply in _NO:
                no.add(sign.id)
            elif reply not in _UNSURE:
                typer.echo("Please answer y, n or ?.")
                continue
            break
    return safety.Answers(frozenset(yes), frozenset(no))


def _echo_assessment(result: safety.Assessment) -> None:
    if result.signs:
        typer.echo(f"Danger signs that apply to you ({len(result.signs)}):")
        for s in result.signs:
            typer.echo(f"  - {s.name}{'  [one of the gravest signs]' if s.grave else ''}")
            typer.echo(f"    {s.meaning}")
        typer.echo("")
    typer.echo("What this means:")
    typer.echo(f"  {result.advice}\n")
    typer.echo(safety.NOT_CERTIFIED + "\n")
    typer.echo("Help:")
    _echo_resources(result.resources)
    typer.echo("")
    _echo_sources()


@risk_app.callback()
def risk(
    ctx: typer.Context,
    answers_file: Annotated[
        Optional[Path], typer.Option("--answers", help='A JSON file with the lists "yes" and "no" of sign ids.')
    ] = None,
    case: Annotated[
        Optional[Path], typer.Option("--case", help="Also keep the answers in this case (yes = confirmed, no = dismissed).")
    ] = None,
    country: CountryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Go through the danger signs (asked one by one, or from --answers) and see what they mean."""
    if ctx.invoked_subcommand is not None:
        return
    if as_json and answers_file is None:
        raise InputError("--json: needs --answers FILE; without a file the questions are asked on the terminal.")
    resources = _resources(country)
    answers = safety.load_answers(answers_file) if answers_file is not None else None
    # Open the case before asking, so a wrong passphrase does not throw the answers away.
    opened = _open(case) if case is not None else None
    try:
        if answers is None:
            emergency = next((r for r in resources if r.emergency), None)
            typer.echo(f"If you are in danger right now, call "
                       f"{emergency.phone if emergency else 'your local emergency number'}.")
            answers = _ask_answers()
            typer.echo("")
        if opened is not None:
            safety.record_checklist(opened, answers)
    finally:
        if opened is not None:
            opened.close()
    result = safety.assess(answers, resources)
    if as_json:
        write_json(result.to_dict())
    else:
        _echo_assessment(result)


@risk_app.command("suggest")
def risk_suggest(case: CaseArg, as_json: JsonOpt = False) -> None:
    """Danger signs the case's messages suggest, each with its messages, for you to confirm or dismiss."""
    with _open(case) as c:
        suggestions = safety.suggest_signs(c)
    if as_json:
        write_json([s.to_dict() for s in suggestions])
        return
    if not suggestions:
        typer.echo("The messages in this case suggest none of the danger signs. That does not mean there are none: "
                   "'greyrock risk' asks about all of them.")
        return
    for s in suggestions:
        sign = safety.get_sign(s.sign)
        status = "" if s.status == "open" else f"  [{s.status}]"
        typer.echo(f"{s.sign}: {sign.name}{status}")
        typer.echo(f"  why: {safe_text(s.why)}")
        for e in s.messages:
            typer.echo(f"  #{e.id}  {show_iso(e.timestamp)}  {e.channel}: {safe_text(e.text)}")
        typer.echo("")
    name = safe_text(str(case))
    typer.echo(f"Confirm a sign with 'greyrock risk confirm {name} SIGN', or dismiss it with "
               f"'greyrock risk dismiss {name} SIGN'. Nothing is marked until you do.")
    if any(s.sign in safety.GRAVE_SIGNS and s.status != "dismissed" for s in suggestions):
        typer.echo("\nSome of these are among the gravest signs. If they are true, talk to a domestic-violence "
                   "advocate today:")
        _echo_resources(_resources(None)[:2])


SignArg = Annotated[str, typer.Argument(help="A danger-sign id (see 'greyrock risk suggest').")]


@risk_app.command("confirm")
def risk_confirm(
    case: CaseArg,
    sign: SignArg,
    message: Annotated[Optional[list[int]], typer.Option("--message", help="A message id that shows it.")] = None,
) -> None:
    """Say that a danger sign applies to you; it is kept in the case."""
    safety.check_sign(sign, "SIGN")
    with _open(case) as c:
        safety.confirm_sign(c, sign, list(message or []), where="SIGN")
    typer.echo(f"Confirmed: {safety.get_sign(sign).name}.")
    if sign in safety.GRAVE_SIGNS:
        typer.echo("This is one of the gravest danger signs. Please talk to a domestic-violence advocate today:")
        _echo_resources(_resources(None))


@risk_app.command("dismiss")
def risk_dismiss(case: CaseArg, sign: SignArg) -> None:
    """Say that a suggested danger sign does not apply; it is kept in the case, marked dismissed."""
    safety.check_sign(sign, "SIGN")
    with _open(case) as c:
        safety.dismiss_sign(c, sign, where="SIGN")
    typer.echo(f"Dismissed: {safety.get_sign(sign).name}. You can confirm it later if that changes.")


@risk_app.command("separated")
def risk_separated(
    case: CaseArg, day: Annotated[str, typer.Argument(metavar="DATE", help="The day you separated (YYYY-MM-DD).")]
) -> None:
    """Record the day you separated; rising contact after it is suggested as escalation."""
    when = safety.parse_day(day, "DATE")
    with _open(case) as c:
        safety.set_separation_date(c, when)
    typer.echo(f"Separation date {when.isoformat()} kept in the case.")


# -- greyrock help-now ------------------------------------------------------------------------


def help_now(country: CountryOpt = None, as_json: JsonOpt = False) -> None:
    """Emergency and domestic-violence helpline numbers for your country."""
    code = safety.resolve_country(country)
    resources = safety.resources_for(code)
    if as_json:
        write_json([r.to_dict() for r in resources])
        return
    typer.echo(f"Help in {safety.known_countries()[code]}:")
    _echo_resources(resources, details=True)


# -- greyrock plan ----------------------------------------------------------------------------

def _phase_ids() -> list[str]:
    return [p.id for p in safety.PHASES]


def _ask_plan(existing: safety.Plan | None, phase: str | None) -> safety.Plan:
    base = existing or safety.Plan(phase or "living_together")
    if phase is None:
        typer.echo("Which phase are you in?")
        for n, p in enumerate(safety.PHASES, 1):
            typer.echo(f"  {n}. {p.title}")
        default = str(_phase_ids().index(base.phase) + 1)
        choice = typer.prompt("Phase", default=default).strip()
        while choice not in ("1", "2", "3"):
            choice = typer.prompt("Please answer 1, 2 or 3", default=default).strip()
        phase = _phase_ids()[int(choice) - 1]
    typer.echo("\nPress Enter to keep what is shown in brackets; type '-' to clear it.\n")

    def ask(prompt: str, current: str) -> str:
        value = typer.prompt(prompt, default=current, show_default=bool(current)).strip()
        return "" if value == "-" else value

    code_word = base.code_word
    team = []
    sections = {}
    for section in safety.SECTIONS:
        typer.echo(f"\n== {section.title} ==\n{section.why}\nTip: {section.tips[phase]}\n")
        entry = base.section(section.id)
        if section.id == "support_team":
            code_word = ask("Code word", base.code_word)
            for role, title in safety.ROLES:
                current = next((m for m in base.team if m.role == role), None)
                name = ask(f"{title}: name", current.name if current else "")
                if name:
                    team.append(safety.TeamMember(role, name, ask("  how to reach them", current.contact if current else "")))
        done = tuple(i.id for i in section.items if typer.confirm(f"  {i.text}?", default=i.id in entry.done))
        sections[section.id] = safety.SectionEntry(done, ask("Notes", entry.notes))
    return safety.Plan(phase, code_word, tuple(team), sections)


def plan(
    case: CaseArg,
    from_json: Annotated[Optional[Path], typer.Option("--from-json", help="Read the plan from a JSON file.")] = None,
    phase: Annotated[
        Optional[str], typer.Option("--phase", help="living_together, preparing_to_leave or after_leaving.")
    ] = None,
    export: Annotated[
        Optional[Path], typer.Option("--export", help="Write a printable plan: HTML, or plain text for a .txt name.")
    ] = None,
    country: CountryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Build, edit or print your safety plan (kept encrypted in the case)."""
    if phase is not None and phase not in _phase_ids():
        raise InputError(f"--phase: must be one of {', '.join(_phase_ids())}, not {phase!r}.")
    new_plan = safety.load_plan_file(from_json) if from_json is not None else None
    resources = _resources(country) if export is not None else []
    with _open(case) as c:
        current = safety.load_plan(c)
        if new_plan is not None:
            if phase is not None:
                new_plan = safety.Plan(phase, new_plan.code_word, new_plan.team, new_plan.sections)
        elif phase is not None and current is not None and (export is not None or as_json):
            new_plan = safety.Plan(phase, current.code_word, current.team, current.sections)
        elif export is None and not as_json:
            new_plan = _ask_plan(current, phase)
        if new_plan is not None and new_plan != current:
            safety.save_plan(c, new_plan)
            typer.echo("Safety plan saved in the case.", err=as_json)
        shown = new_plan or current
    if shown is None:
        raise InputError(f"{case}: no safety plan in this case yet.", f"Make one with 'greyrock plan {case}'.")
    if export is not None:
        safety.export_plan(shown, export, resources)
        typer.echo(f"Plan written to {safe_text(str(export))}. {safety.KEEP_SAFE}", err=as_json)
    if as_json:
        write_json(shown.to_dict())


# -- greyrock nocontact -----------------------------------------------------------------------


def _read_reasons(reasons_file: Path | None) -> str:
    if reasons_file is not None:
        try:
            return reasons_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{reasons_file}: cannot read it ({exc.strerror}).") from exc
    typer.echo("Write your reasons for leaving, one a line, in your own words. An empty line ends.")
    lines = []
    while True:
        line = typer.prompt(">", default="", show_default=False)
        if not line.strip():
            break
        lines.append(line)
    return "\n".join(lines)


def _echo_card(text: str | None, case: Path) -> None:
    if text:
        typer.echo("\nYour reasons for leaving:")
        for line in text.splitlines():
            typer.echo(f"  {safe_text(line)}")
    else:
        typer.echo(f"\nYou have not written your reasons card yet: 'greyrock nocontact {case} --reasons'.")


def _echo_status(status: safety.NoContactStatus, case: Path) -> None:
    low = status.mode == "low-contact"
    if low:
        typer.echo("Low contact: your messages about the children, handovers, school, money and court do not count "
                   "as contact.")
    if status.days_since_reader_contact is None:
        typer.echo("You have not contacted them in the messages this case holds"
                   + (" (beyond logistics)." if low else "."))
    else:
        typer.echo(f"Days since you last contacted them{' beyond logistics' if low else ''}: "
                   f"{status.days_since_reader_contact}")
    if low and status.logistics_left_out:
        typer.echo(f"Logistics messages you sent since then, not counted: {status.logistics_left_out}")
    weeks = status.attempts_per_week[-8:]
    if weeks:
        typer.echo("\nTheir contact attempts (last weeks):")
        typer.echo("  week of     messages  calls")
        for w in weeks:
            typer.echo(f"  {w.monday.isoformat()}  {w.messages:8d}  {w.calls:5d}")
    else:
        typer.echo("\nNo contact attempts from them in this case.")
    shown = status.hoovers[-5:]
    latest = f"; the latest {len(shown)}:" if len(shown) < len(status.hoovers) else ""
    typer.echo(f"\nHoover attempts: {len(status.hoovers)}{latest}")
    for h in shown:
        typer.echo(f"  #{h.id}  {show_iso(h.timestamp)}  {h.channel}" + (f": {safe_text(h.summary)}" if h.summary else "")
                   + ("  (DANGER too: see greyrock shield)" if h.danger else ""))
    typer.echo(f"Urges logged: {status.urges}")
    if status.recent_hoover:
        typer.echo("\nA hoover attempt arrived in the last few days.")
        _echo_card(status.reasons, case)
    typer.echo(f"\n{status.caution}")


def nocontact(
    case: CaseArg,
    as_json: JsonOpt = False,
    urge: Annotated[Optional[str], typer.Option("--urge", help="Log an urge to make contact, with a note.")] = None,
    write_reasons: Annotated[bool, typer.Option("--reasons", help="Write your 'reasons I left' card.")] = False,
    reasons_file: Annotated[
        Optional[Path], typer.Option("--reasons-file", help="Read the 'reasons I left' card from a file.")
    ] = None,
    today: Annotated[Optional[str], typer.Option("--today", help="Count as of this date (YYYY-MM-DD).")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Weeks from this date (YYYY-MM-DD).")] = None,
    mode: Annotated[Optional[str], typer.Option(
        "--mode", help="Set the case's mode: no-contact, or low-contact (co-parents: replies about logistics do not count).")] = None,
) -> None:
    """No contact: days since you last reached out, their attempts per week, hoovers, urges."""
    as_of = safety.parse_day(today, "--today") if today else None  # None: today on the case's clock
    start = safety.parse_day(since, "--since") if since else None
    if mode is not None and mode not in safety.CONTACT_MODES:
        raise InputError(f"--mode: {mode!r} is not a mode.", f"Modes: {', '.join(safety.CONTACT_MODES)}.")
    if write_reasons or reasons_file is not None:
        text = _read_reasons(reasons_file)
        with _open(case) as c:
            safety.set_reasons(c, text)
        typer.echo("Your reasons card is kept in the case.")
        return
    with _open(case) as c:
        if urge is not None:
            safety.log_urge(c, urge)
            card = safety.reasons(c)
            typer.echo("Urge logged. It will pass; you do not have to act on it.")
            _echo_card(card, case)
            return
        if mode is not None and mode != safety.contact_mode(c):
            safety.set_contact_mode(c, mode)
        status = safety.no_contact_status(c, as_of, since=start)
    if as_json:
        write_json(status.to_dict())
    else:
        _echo_status(status, case)


def register(app: typer.Typer) -> None:
    """Add the safety commands to the root app."""
    app.add_typer(risk_app, name="risk")
    app.command("help-now")(help_now)
    app.command("plan")(plan)
    app.command("nocontact")(nocontact)

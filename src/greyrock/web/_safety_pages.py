"""The safety pages: danger signs, the safety plan, and no contact (`greyrock risk`, `plan`, `nocontact`).

Each view reads the request, makes the same `greyrock.safety` calls as the CLI, and renders a
template: the checklist's answers are kept with `record_checklist` (as `greyrock risk --case`
keeps them), a suggested sign is confirmed or dismissed with `confirm_sign` / `dismiss_sign`
(as `risk confirm` / `risk dismiss`), the plan is validated by `Plan.from_dict` and kept with
`save_plan`, and the no-contact figures are `no_contact_status`'s. What is left here is layout:
which question comes next, and the bar heights of the weekly chart.

The other person's words (a suggestion's evidence, a hoover) reach the templates as plain
strings and are escaped by Jinja2; the chart is SVG written in the template, so every text in
it is escaped too, and no script is needed (the Content-Security-Policy forbids inline script).
Grave danger, from the checklist or from the messages, always shows the way to Help now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from greyrock.errors import GreyrockError
from greyrock.safety import WeekCount

from ._security import checked_form
from ._views import Pages, _when

__all__ = ["Bar", "SafetyPages", "chart_bars"]

CHART_WEEKS = 26  # the chart shows at most the last half year; the table beside it says so
CHART_HEIGHT = 120  # pixels of the tallest bar
BAR_WIDTH, BAR_GAP = 16, 4


@dataclass(frozen=True, slots=True)
class Bar:
    """One week's bar in the attempts chart: where it is drawn, and the week it stands for."""

    x: int
    y: int
    height: int
    week: WeekCount

    @property
    def total(self) -> int:
        return self.week.total


def chart_bars(weeks: Sequence[WeekCount], height: int = CHART_HEIGHT) -> list[Bar]:
    """Bars for the last CHART_WEEKS weeks, the busiest one `height` high, the others in proportion.

    A week with attempts is never drawn flat (at least 2 pixels), so that one message in a
    quiet stretch is still seen.
    """
    shown = list(weeks)[-CHART_WEEKS:]
    top = max((w.total for w in shown), default=0)
    bars = []
    for n, w in enumerate(shown):
        h = 0 if top == 0 or w.total == 0 else max(2, round(w.total * height / top))
        bars.append(Bar(n * (BAR_WIDTH + BAR_GAP), height - h, h, w))
    return bars


class SafetyPages:
    """The three safety pages, over the helpers of the one `Pages` of this server."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.state = pages.state

    def routes(self) -> list[Route]:
        return [
            Route("/danger", self.danger),
            Route("/danger/answer", self.danger_answer, methods=["POST"]),
            Route("/danger/sign", self.danger_sign, methods=["POST"]),
            Route("/plan", self.plan),
            Route("/plan", self.plan_post, methods=["POST"]),
            Route("/plan/print", self.plan_print),
            Route("/nocontact", self.nocontact),
            Route("/nocontact/urge", self.urge, methods=["POST"]),
            Route("/nocontact/reasons", self.reasons_post, methods=["POST"]),
        ]

    async def _posted(self, request: Request) -> tuple[Any, Any]:
        """The form (CSRF checked) and the open case; a locked case goes back to the open page."""
        self.pages.reader(request)
        form = await checked_form(request, self.state)
        return form, self.pages.case(request)

    def _resources(self) -> list[Any]:
        """The help numbers for the app's country; none (the page says so) where greyrock has none."""
        from greyrock import safety

        try:
            return safety.resources_for(self.state.config.country)
        except GreyrockError:
            return []

    # -- danger signs ----------------------------------------------------------------------

    async def danger(self, request: Request) -> Response:
        case = self.pages.case(request)
        from greyrock import safety

        resources = self._resources()
        answers = safety.checklist_answers(case)
        number = request.query_params.get("q")
        if number is not None:
            if not number.isdigit() or not 1 <= int(number) <= len(safety.SIGNS):
                raise HTTPException(404, "No such question.")
            sign = safety.SIGNS[int(number) - 1]
            current = "yes" if sign.id in answers.yes else "no" if sign.id in answers.no else ""
            return self.pages.render("danger.html", question=sign, number=int(number), total=len(safety.SIGNS),
                                     current=current, resources=resources)
        answered = bool(answers.yes or answers.no)
        suggestions = safety.suggest_signs(case)
        return self.pages.render(
            "danger.html", question=None, total=len(safety.SIGNS), resources=resources,
            assessment=safety.assess(answers, resources) if answered else None,
            suggestions=[(s, safety.get_sign(s.sign)) for s in suggestions],
            grave_suggested=any(s.sign in safety.GRAVE_SIGNS and s.status != "dismissed" for s in suggestions),
            not_certified=safety.NOT_CERTIFIED, sources=safety.SOURCES, when=_when)

    async def danger_answer(self, request: Request) -> Response:
        """One checklist answer: yes / no are kept in the case, "not sure" keeps nothing; then the next."""
        form, case = await self._posted(request)
        from greyrock import safety

        sign, answer = str(form.get("sign", "")), str(form.get("answer", ""))
        if sign not in safety.SIGN_IDS or answer not in ("yes", "no", "unsure"):
            raise HTTPException(400, "That answer is not one of the checklist's.")
        if answer != "unsure":
            yes, no = frozenset({sign} if answer == "yes" else ()), frozenset({sign} if answer == "no" else ())
            safety.record_checklist(case, safety.Answers(yes, no))
        number = safety.SIGN_IDS.index(sign) + 2
        target = f"/danger?q={number}" if number <= len(safety.SIGNS) else "/danger#result"
        return RedirectResponse(target, status_code=303)

    async def danger_sign(self, request: Request) -> Response:
        """Confirm (with the messages that suggested it) or dismiss a suggested sign."""
        form, case = await self._posted(request)
        from greyrock import safety

        sign, action = str(form.get("sign", "")), str(form.get("action", ""))
        if sign not in safety.SIGN_IDS or action not in ("confirm", "dismiss"):
            raise HTTPException(400, "That is not a danger sign to confirm or dismiss.")
        try:
            if action == "confirm":
                ids = [int(v) for v in form.getlist("message") if str(v).isdigit()]
                safety.confirm_sign(case, sign, ids, where="sign")
            else:
                safety.dismiss_sign(case, sign, where="sign")
        except GreyrockError as exc:
            raise HTTPException(400, str(exc)) from None
        return RedirectResponse(f"/danger#sign-{sign}", status_code=303)

    # -- safety plan -----------------------------------------------------------------------

    def _plan_page(self, plan: Any, status: int = 200, printing: bool = False, saved: bool = False,
                   error: str | None = None) -> Response:
        from greyrock import safety

        resources = self._resources()
        return self.pages.render(
            "plan.html", status=status, plan=plan, phases=safety.PHASES, sections=safety.SECTIONS,
            roles=safety.ROLES, team={m.role: m for m in plan.team}, printing=printing, saved=saved,
            phase_title=next(p.title for p in safety.PHASES if p.id == plan.phase), keep_safe=safety.KEEP_SAFE,
            tech_warning=safety.TECH_WARNING, resources=resources, error=error)

    def _current_plan(self, case: Any) -> Any:
        from greyrock import safety

        return safety.load_plan(case) or safety.Plan("living_together")

    async def plan(self, request: Request) -> Response:
        case = self.pages.case(request)
        return self._plan_page(self._current_plan(case), saved=request.query_params.get("saved") == "1")

    async def plan_print(self, request: Request) -> Response:
        case = self.pages.case(request)
        return self._plan_page(self._current_plan(case), printing=True)

    async def plan_post(self, request: Request) -> Response:
        """The form as the plan's JSON shape, validated by `Plan.from_dict` like `plan --from-json`."""
        form, case = await self._posted(request)
        from greyrock import safety

        team = [{"role": role, "name": str(form.get(f"team:{role}:name", "")),
                 "contact": str(form.get(f"team:{role}:contact", ""))}
                for role, _ in safety.ROLES if str(form.get(f"team:{role}:name", "")).strip()]
        sections = {s.id: {"done": [str(v) for v in form.getlist(f"done:{s.id}")],
                           "notes": str(form.get(f"notes:{s.id}", ""))} for s in safety.SECTIONS}
        data = {"phase": str(form.get("phase", "")), "code_word": str(form.get("code_word", "")), "team": team,
                "sections": sections}
        try:
            plan = safety.Plan.from_dict(data, "the plan form")
        except GreyrockError as exc:
            return self._plan_page(self._current_plan(case), status=400, error=str(exc))
        if plan != safety.load_plan(case):
            safety.save_plan(case, plan)
        return RedirectResponse("/plan?saved=1", status_code=303)

    # -- no contact ------------------------------------------------------------------------

    async def nocontact(self, request: Request) -> Response:
        case = self.pages.case(request)
        from greyrock import safety

        params = request.query_params
        try:
            today = safety.parse_day(params["today"], "today") if params.get("today") else None
            since = safety.parse_day(params["since"], "since") if params.get("since") else None
        except GreyrockError as exc:
            raise HTTPException(400, str(exc)) from None
        status = safety.no_contact_status(case, today, since=since)
        return self._nocontact_page(status, urged=params.get("urged") == "1")

    def _nocontact_page(self, status: Any, urged: bool = False, code: int = 200,
                        error: str | None = None) -> Response:
        from greyrock import safety

        bars = chart_bars(status.attempts_per_week)
        return self.pages.render(
            "nocontact.html", status=code, s=status, bars=bars, chart_height=CHART_HEIGHT, bar_width=BAR_WIDTH,
            chart_width=CHART_WEEKS * (BAR_WIDTH + BAR_GAP), top=max((b.total for b in bars), default=0),
            hoovers=list(status.hoovers)[-5:], urged=urged, grave=bool(status.grave_signs or
                                                                       status.grave_signs_suggested),
            sign_names={s.id: s.name for s in safety.SIGNS}, when=_when, error=error)

    async def urge(self, request: Request) -> Response:
        form, case = await self._posted(request)
        from greyrock import safety

        safety.log_urge(case, str(form.get("note", "")))
        return RedirectResponse("/nocontact?urged=1#reasons", status_code=303)

    async def reasons_post(self, request: Request) -> Response:
        form, case = await self._posted(request)
        from greyrock import safety

        try:
            safety.set_reasons(case, str(form.get("reasons", "")))
        except GreyrockError as exc:
            return self._nocontact_page(safety.no_contact_status(case), code=400, error=str(exc))
        return RedirectResponse("/nocontact#reasons", status_code=303)

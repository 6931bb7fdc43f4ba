"""The pages: each one reads the request, makes library calls, and renders a template.

No screening, safety or evidence logic lives here: the shield, the people's suggestions,
the reply advice and the tone check are the library's (`greyrock.shield`, `greyrock.people`,
`greyrock.reply`); this module only decides which page shows what. The other person's text
reaches templates as plain strings, which Jinja2 escapes (autoescape is on for every
template), and no message HTML is ever rendered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from greyrock.errors import GreyrockError

from ._security import checked_form, cookie_header, COOKIE
from ._state import WebState
from ._upload import ImportProgress, Upload, in_memory_exports

__all__ = ["Pages"]

# What each label means, in the words of docs/labels.md: shown beside a message's labels.
LABEL_WORDS = {
    "threat": "a threat or sign of physical danger to you, the children, others or pets",
    "coercion": "pressure backed by a penalty: the children, money, reports, secrets",
    "verbal_abuse": "insults, name calling, mocking, abusive anger",
    "manipulation": "guilt-tripping, denial, blame-shifting, playing the victim",
    "hoovering": "pulling you back into contact: love-bombing, nostalgia, pretexts",
    "logistics": "practical content you may need to act on",
}
_KIND_WORDS = {"danger": "Danger", "check": "Check this one", "action": "Needs action", "plain": "Message",
               "hidden": "Held back"}


def _env() -> Environment:
    env = Environment(loader=PackageLoader("greyrock.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["LABEL_WORDS"] = LABEL_WORDS
    env.globals["KIND_WORDS"] = _KIND_WORDS
    return env


class Pages:
    """The views, bound to the one WebState of this server."""

    def __init__(self, state: WebState) -> None:
        self.state = state
        self.env = _env()
        self.progress = ImportProgress()  # the import under way, for GET /import/progress

    # -- helpers ---------------------------------------------------------------------------

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        cfg = self.state.config
        context.setdefault("error", None)
        html = self.env.get_template(name).render(
            csrf=self.state.csrf, discreet=cfg.discreet, unlocked=self.state.unlocked,
            idle_seconds=int(cfg.idle_seconds), case_name=self.state.case_path.name if self.state.case_path else "",
            **context)
        return HTMLResponse(html, status_code=status)

    def reader(self, request: Request) -> None:
        """Only the browser that redeemed the start token gets past this (403 otherwise)."""
        if not self.state.is_reader(request.cookies.get(COOKIE)):
            raise HTTPException(403, "Open this page from the link 'greyrock web' gave you.")
        self.state.touch()

    def case(self, request: Request) -> Any:
        self.reader(request)
        if self.state.case is None:
            raise _Redirect("/")
        if self.progress.running:  # the import writes from a worker thread: one user of the case at a time
            raise HTTPException(503, "An import is being read and screened. This page opens when it has finished.")
        return self.state.case

    # -- session ---------------------------------------------------------------------------

    async def start(self, request: Request) -> Response:
        session = self.state.redeem(request.query_params.get("token"))
        if session is None:
            return self.render("expired.html", status=403)
        response = RedirectResponse("/", status_code=303)
        response.headers["set-cookie"] = cookie_header(session)
        return response

    async def home(self, request: Request) -> Response:
        self.reader(request)
        if self.state.unlocked:
            return RedirectResponse("/today", status_code=303)
        path = self.state.case_path or self.state.config.case_path
        return self.render("open.html", path=str(path) if path else "", exists=bool(path and path.exists()))

    async def open_case(self, request: Request) -> Response:
        self.reader(request)
        form = await checked_form(request, self.state)
        path = Path(str(form.get("path", "")).strip()).expanduser()
        passphrase = str(form.get("passphrase", ""))
        from greyrock import vault
        from greyrock.settings import ensure_zone

        try:
            case = vault.open_case(path, passphrase)
        except GreyrockError as exc:
            return self.render("open.html", status=400, path=str(path), exists=path.exists(), error=str(exc))
        ensure_zone(case)
        self.state.open(case, path)
        return RedirectResponse("/today", status_code=303)

    async def create_case(self, request: Request) -> Response:
        self.reader(request)
        form = await checked_form(request, self.state)
        path = Path(str(form.get("path", "")).strip()).expanduser()
        passphrase, again = str(form.get("passphrase", "")), str(form.get("again", ""))
        from greyrock import passphrase as pp, vault
        from greyrock.settings import record_system_zone

        def refuse(message: str, example: str = "") -> Response:
            return self.render("open.html", status=400, path=str(path), exists=False, error=message,
                               example=example, creating=True)

        if not str(path) or str(path) == ".":
            return refuse("Give the case file a name, such as notes.grc.")
        if passphrase != again:
            return refuse("The two passphrases differ. Type the same one twice.")
        measured = pp.strength(passphrase, [path.stem])
        if measured.weak and form.get("allow_weak") != "yes":
            return refuse(f"This passphrase could be guessed in {measured.guess_time}. {measured.reason}",
                          example=pp.example_passphrase())
        try:
            case = vault.create_case(path, passphrase)
        except GreyrockError as exc:
            return refuse(str(exc))
        record_system_zone(case)
        self.state.open(case, path)
        return RedirectResponse("/import", status_code=303)

    async def strength(self, request: Request) -> Response:
        """The strength meter's reading (the page posts the passphrase here; never echoed back)."""
        self.reader(request)
        form = await checked_form(request, self.state)
        from greyrock import passphrase as pp

        measured = pp.strength(str(form.get("passphrase", "")), [Path(str(form.get("path", ""))).stem])
        from starlette.responses import JSONResponse

        return JSONResponse({"score": measured.score, "weak": measured.weak, "guess_time": measured.guess_time,
                             "reason": measured.reason})

    async def alive(self, request: Request) -> Response:
        """The page says the reader is typing or reading: the idle lock counts from now.

        Without it a long journal entry typed in one page would be lost to the idle lock,
        which only sees requests. The page sends it at most once a minute, and only while
        the reader is active (app.js)."""
        self.reader(request)
        await checked_form(request, self.state)
        return Response(status_code=204)

    def new_session(self, response: Response) -> Response:
        """After a lock: a new session cookie for the reader's browser. The cookie's change is
        what makes Chromium forget the case pages it kept for Back (see WebState.rotate)."""
        session = self.state.rotate()
        if session is not None:
            response.headers["set-cookie"] = cookie_header(session)
        return response

    async def lock(self, request: Request) -> Response:
        self.reader(request)
        await checked_form(request, self.state)
        self.state.lock()
        return self.new_session(RedirectResponse("/", status_code=303))

    async def quit(self, request: Request) -> Response:
        self.reader(request)
        await checked_form(request, self.state)
        self.state.lock()
        self.state.quit_requested = True
        return self.new_session(self.render("locked.html", quit=True))

    async def away(self, request: Request) -> Response:
        """The quick exit's neutral page. With the reader's cookie it also locks the case."""
        if self.state.is_reader(request.cookies.get(COOKIE)):
            self.state.lock()
            return self.new_session(self.render("away.html", exit_page=self.state.config.exit_page))
        return self.render("away.html", exit_page=self.state.config.exit_page)

    # -- import and people -----------------------------------------------------------------

    async def import_page(self, request: Request) -> Response:
        self.case(request)
        return self.render("import.html", results=None)

    async def import_post(self, request: Request) -> Response:
        self.reader(request)
        form = await checked_form(request, self.state)
        case = self.case(request)
        uploads = []
        for item in form.getlist("files"):
            if isinstance(item, UploadFile):
                uploads.append(Upload(item.filename or "upload", await item.read()))
                await item.close()
        from greyrock import pipeline
        from greyrock.screen import Screener

        from starlette.concurrency import run_in_threadpool

        results: list[dict[str, Any]] = []
        errors: list[str] = []
        progress = self.progress

        def update(what: str, count: int) -> None:
            progress.update(what, count)
            self.state.touch()  # a long import is use: the idle lock waits for it

        def run() -> None:  # in a worker thread, so that the progress endpoint is answered meanwhile
            screener = Screener()
            with in_memory_exports(uploads) as exports:
                progress.start(len(exports))
                for name, path, label in exports:
                    progress.next_file(name)
                    try:
                        r = pipeline.import_export(case, path, screener=screener.screen_messages,
                                                   model_id=screener.model_id, progress=update, name=label)
                    except GreyrockError as exc:
                        errors.append(f"{name}: {exc}")
                        continue
                    finally:
                        progress.file_done()
                    results.append({"name": name, "added": r.added, "duplicates": r.duplicates,
                                    "unparsed": r.unparsed, "already": r.already_imported,
                                    "warnings": [str(w) for w in r.warnings]})

        try:
            await run_in_threadpool(run)
        except GreyrockError as exc:
            errors.append(str(exc))
        finally:
            progress.finish()
            uploads.clear()
        return self.render("import.html", status=400 if errors and not results else 200,
                           results=results, error="; ".join(errors) or None)

    async def import_progress(self, request: Request) -> Response:
        """The import under way, as counts (JSON) for the progress bar of app.js."""
        self.reader(request)
        from starlette.responses import JSONResponse

        return JSONResponse(self.progress.to_dict())

    async def people_page(self, request: Request) -> Response:
        case = self.case(request)
        from greyrock import people

        found = people.list_people(case)
        return self.render("people.html", people=found)

    async def people_post(self, request: Request) -> Response:
        self.reader(request)
        form = await checked_form(request, self.state)
        case = self.case(request)
        from greyrock import people

        roles: dict[str, list[str]] = {"other": [], "me": [], "third": []}
        for key, value in form.multi_items():
            if key.startswith("role:") and value in roles:
                roles[str(value)].append(key[5:])
        try:
            people.set_roles(case, other=roles["other"], me=roles["me"], third=roles["third"])
        except GreyrockError as exc:
            return self.render("people.html", status=400, people=people.list_people(case), error=str(exc))
        from greyrock import pipeline
        from greyrock.screen import Screener

        screener = Screener()
        pipeline.screen_theirs(case, screener.screen_messages, screener.model_id)
        return RedirectResponse("/today", status_code=303)

    # -- reading -----------------------------------------------------------------------------

    def _stored(self, case: Any) -> tuple[list[Any], Any, Any]:
        from greyrock.accounting import roles_of
        from greyrock.settings import case_clock

        clock = case_clock(case)[0]
        return list(case.messages(clock=clock)), roles_of(case), clock

    async def today(self, request: Request) -> Response:
        case = self.case(request)
        from greyrock import shield

        stored, roles, clock = self._stored(case)
        items = shield.shield(stored, roles, clock)
        counts = shield.account(stored, roles, str(self.state.case_path))
        danger = [i for i in items if i.kind == "danger"]
        check = [i for i in items if i.kind == "check"]
        action = sorted((i for i in items if i.kind in ("action", "plain")), key=lambda i: i.timestamp or "",
                        reverse=True)
        held: dict[str, int] = {}
        for i in items:
            if i.kind == "hidden":
                for name in i.held_back or ("nothing practical",):
                    held[name] = held.get(name, 0) + 1
        since = self.state.last_looked
        newest = max((i.timestamp or "" for i in items), default=None)
        self.state.last_looked = newest or since
        page = max(int(request.query_params.get("page", "1") or 1), 1)
        per = 50
        return self.render("today.html", danger=danger, check=check, action=action[(page - 1) * per: page * per],
                           more=len(action) > page * per, page=page, held=sorted(held.items()),
                           hidden=sum(1 for i in items if i.kind == "hidden"), counts=counts, since=since,
                           suicide=any("suicide_threat" in i.signs for i in items), when=_when,
                           cautions=shield.CAUTIONS, may_miss=shield.MAY_MISS)

    async def message(self, request: Request) -> Response:
        case = self.case(request)
        from greyrock import reply

        message_id = request.path_params["message_id"]
        stored, _, clock = self._stored(case)
        found = next((s for s in stored if s.id == message_id), None)
        if found is None:
            raise HTTPException(404, "No such message in this case.")
        finding = found.finding or {}
        advice = reply.advise(found.message.body or "", finding, None, self.state.config.country) \
            if found.finding else None
        return self.render("message.html", s=found, m=found.message, finding=finding, advice=advice,
                           when=clock.show(found.message.timestamp, seconds=False) if found.message.timestamp else "?",
                           labels=list(LABEL_WORDS), tone=None, draft="")

    async def label(self, request: Request) -> Response:
        self.reader(request)
        form = await checked_form(request, self.state)
        case = self.case(request)
        message_id = request.path_params["message_id"]
        chosen = {str(v) for v in form.getlist("labels")}
        current = next((s.labels for s in case.messages() if s.id == message_id), None)
        if current is None:
            raise HTTPException(404, "No such message in this case.")
        add, remove = sorted(chosen - set(current)), sorted(set(current) - chosen)
        if add or remove:
            try:
                case.correct_labels(message_id, add=add, remove=remove, note=str(form.get("note", "")))
            except GreyrockError as exc:
                raise HTTPException(400, str(exc)) from None
        return RedirectResponse(f"/message/{message_id}", status_code=303)

    async def tone(self, request: Request) -> Response:
        self.reader(request)
        form = await checked_form(request, self.state)
        from greyrock import reply

        draft = str(form.get("draft", ""))
        result = reply.check(draft) if draft.strip() else None
        return self.render("tone.html", tone=result, draft=draft, back=str(form.get("back", "")))

    async def attachment(self, request: Request) -> Response:
        case = self.case(request)
        sha = request.path_params["sha256"]
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise HTTPException(404, "No such file.")
        data = case.blob(sha)
        if data is None:
            raise HTTPException(404, "No such file.")
        name = request.query_params.get("name", "attachment")
        return Response(data, media_type="application/octet-stream", headers={
            "content-disposition": f"attachment; filename=\"attachment\"; filename*=UTF-8''{quote(name)}"})

    async def help_now(self, request: Request) -> Response:
        self.reader(request)
        from greyrock import safety

        try:
            code = safety.resolve_country(request.query_params.get("country") or self.state.config.country)
            resources, country = safety.resources_for(code), safety.known_countries()[code]
        except GreyrockError:
            resources, country = [], None
        return self.render("help.html", resources=resources, country=country,
                           countries=sorted(safety.known_countries().items(), key=lambda kv: kv[1]))

    async def report(self, request: Request) -> Response:
        case = self.case(request)
        download = request.query_params.get("download")
        if download == "bundle":
            from datetime import date

            from greyrock import evidence

            name = f"evidence-bundle-{date.today().isoformat()}"
            try:
                data, _ = evidence.bundle_zip(case, name)
            except GreyrockError as exc:
                return self.render("report.html", status=409, error=str(exc))
            return Response(data, media_type="application/zip",
                            headers={"content-disposition": f'attachment; filename="{name}.zip"'})
        if download != "pdf":
            return self.render("report.html")
        from greyrock import report

        record = report.gather(case, report.ReportOptions())
        pdf = report.render_pdf(record)
        return Response(pdf.data, media_type="application/pdf",
                        headers={"content-disposition": "attachment; filename=\"report.pdf\""})


class _Redirect(Exception):
    def __init__(self, to: str) -> None:
        self.to = to


def _when(text: str | None) -> str:
    """An ISO time from a library result as the pages show it: '2024-03-02 22:14'."""
    from datetime import datetime

    if not text:
        return "?"
    try:
        return f"{datetime.fromisoformat(text):%Y-%m-%d %H:%M}"
    except ValueError:
        return text


def redirect_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, _Redirect)
    return RedirectResponse(exc.to, status_code=303)

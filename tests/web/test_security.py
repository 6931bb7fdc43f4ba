"""The web app's guards, each checked on real requests (Starlette's TestClient)."""

from __future__ import annotations

import time
from pathlib import Path

from starlette.routing import Route

from greyrock.web import create_app
from greyrock.web._security import COOKIE

from ..conftest import eventually
from .conftest import BASE, PORT, SAMPLE, Web, make, text_of

HOSTILE = ('<script>alert(1)</script> <img src=x onerror="alert(2)"> '
           '<a href="javascript:alert(3)">click</a> I will kill you')


def test_start_token_buys_one_session_with_a_strict_httponly_cookie(tmp_path: Path) -> None:
    client, state = make(tmp_path)
    token = state.start_token
    with client:
        r = client.get(f"/start?token={token}", follow_redirects=False)
        cookie = r.headers["set-cookie"]
        assert r.status_code == 303 and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert cookie.startswith(f"{COOKIE}={state.session_id};")
        client.cookies.clear()  # the same token again, from another browser: refused
        assert client.get(f"/start?token={token}").status_code == 403
        assert client.get("/").status_code == 403


def test_pages_refuse_a_browser_without_the_session(tmp_path: Path) -> None:
    client, state = make(tmp_path)
    with client:
        assert client.get("/").status_code == 403
        assert client.get("/today").status_code == 403
        assert client.get("/away").status_code == 200  # the neutral page is for anyone


def test_a_foreign_host_header_is_refused(web: Web) -> None:
    assert web.client.get("/", headers={"host": "evil.example:8765"}).status_code == 400
    assert web.client.get("/", headers={"host": f"localhost:{PORT + 1}"}).status_code == 400
    assert web.client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200


def test_every_post_needs_the_csrf_token(web: Web, tmp_path: Path) -> None:
    app = create_app(web.state).app
    posts = [r.path.replace("{message_id:int}", "1") for r in app.routes
             if isinstance(r, Route) and "POST" in (r.methods or ())]
    assert len(posts) >= 9
    for path in posts:
        r = web.client.post(path, data={"csrf": "wrong", "path": str(tmp_path / "x.grc")})
        assert r.status_code == 403, path
        assert web.client.post(path, data={}).status_code == 403, path
    assert not (tmp_path / "x.grc").exists()


def test_a_post_from_another_origin_is_refused(web: Web) -> None:
    r = web.client.post("/lock", data={"csrf": web.state.csrf}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403


def test_headers_forbid_inline_script_and_other_origins(web: Web) -> None:
    r = web.client.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text and "http" not in r.text.split("<body")[1]  # nothing from another host


def test_hostile_message_is_escaped_everywhere(web: Web, tmp_path: Path) -> None:
    from xml.sax.saxutils import quoteattr

    xml = SAMPLE.read_text(encoding="utf-8").replace(
        'body="Answer me."', f"body={quoteattr(HOSTILE)}")
    assert web.create(tmp_path / "notes.grc").status_code == 200
    assert web.upload("hostile.xml", xml.encode()).status_code == 200
    web.post("/people", {"role:+12025550147": "other"})
    today = web.client.get("/today").text
    assert "I will kill you" in text_of(today)  # the threat is shown, with its words
    ids = [i for i in range(1, 25) if "alert(1)" in web.client.get(f"/message/{i}").text]
    assert ids, "the hostile message was imported"
    page = web.client.get(f"/message/{ids[0]}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page and 'href="javascript:' not in page
    assert page.count("<script") == 1  # only /static/app.js


def test_attachments_download_and_are_never_rendered(opened: Web) -> None:
    case = opened.state.case
    with case.transaction():
        sha = case.add_blob(b"<html><script>alert(1)</script></html>")
    r = opened.client.get(f"/attachment/{sha}?name=photo.html")
    assert r.status_code == 200 and r.content.startswith(b"<html>")
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert opened.client.get("/attachment/../../etc").status_code == 404


def test_lock_drops_the_case_and_asks_for_the_passphrase_again(opened: Web, tmp_path: Path) -> None:
    assert opened.state.case is not None
    r = opened.post("/lock")
    assert opened.state.case is None and "Open a case" in r.text
    r = opened.post("/open", {"path": str(tmp_path / "notes.grc"), "passphrase": "not it"})
    assert r.status_code == 400 and opened.state.case is None
    r = opened.post("/open", {"path": str(tmp_path / "notes.grc"), "passphrase": "maple quarry lantern ostrich"})
    assert r.url.path == "/today" and "Watch your back" in r.text


def test_idle_lock_closes_the_case_and_stops(tmp_path: Path) -> None:
    stopped = []
    from greyrock.web import WebConfig, WebState
    from starlette.testclient import TestClient

    # Idle for 2 s: long enough that creating the case (a slow key derivation on a loaded
    # machine) is not itself taken for idleness; the lock is then awaited, not timed.
    state = WebState(WebConfig(port=PORT, idle_seconds=2.0))
    client = TestClient(create_app(state, on_idle=lambda: stopped.append(True)), base_url=BASE)
    with client:
        client.get(f"/start?token={state.start_token}")
        web = Web(client, state)
        web.create(tmp_path / "n.grc")
        assert state.case is not None
        assert eventually(lambda: state.case is None, 10)
        assert eventually(lambda: stopped, 15)  # the server stops 5 s after the lock (the page's own lock is answered)
        assert stopped == [True]
        assert "Open a case" in client.get("/").text


def test_a_page_in_use_keeps_the_case_open(tmp_path: Path) -> None:
    """The page tells the server the reader is typing (POST /alive, as app.js does once a
    minute while keys are pressed): the idle lock counts from then, so a long entry is not lost."""
    from greyrock.web import WebConfig, WebState
    from starlette.testclient import TestClient

    state = WebState(WebConfig(port=PORT, idle_seconds=1.0))
    client = TestClient(create_app(state), base_url=BASE)
    with client:
        client.get(f"/start?token={state.start_token}")
        web = Web(client, state)
        web.create(tmp_path / "n.grc")
        for _ in range(4):  # 2.4 s of typing, more than the idle time
            time.sleep(0.6)
            assert web.post("/alive").status_code == 204
        assert state.case is not None
        assert client.post("/alive", data={"csrf": "forged"}).status_code == 403
        time.sleep(2.0)  # then nothing: the lock strikes
        assert state.case is None


def test_quick_exit_page_is_neutral_and_locks(opened: Web) -> None:
    page = opened.client.get("/today").text
    assert 'id="quick-exit" href="/away"' in page
    r = opened.client.get("/away")
    assert "<title>Weather</title>" in r.text and opened.state.case is None
    for word in ("greyrock", "abuse", "case", "Notes"):
        assert word not in r.text


def test_discreet_mode_names_nothing_in_the_tab(web: Web, tmp_path: Path) -> None:
    page = web.client.get("/").text
    head = page.split("</head>")[0]
    assert "<title>Notes</title>" in head and "greyrock" not in head.lower() and "abuse" not in head.lower()
    client, state = make(tmp_path, discreet=False)
    with client:
        client.get(f"/start?token={state.start_token}")
        assert "<title>greyrock</title>" in client.get("/").text


def test_a_weak_passphrase_is_refused_with_an_example_and_never_echoed(web: Web, tmp_path: Path) -> None:
    r = web.post("/create", {"path": str(tmp_path / "n.grc"), "passphrase": "password1", "again": "password1"})
    assert r.status_code == 400 and "could be guessed" in r.text and "password1" not in r.text
    assert not (tmp_path / "n.grc").exists()
    r = web.post("/create", {"path": str(tmp_path / "n.grc"), "passphrase": "password1", "again": "password1",
                             "allow_weak": "yes"})
    assert r.url.path == "/import" and (tmp_path / "n.grc").exists()


def test_every_lock_gives_a_new_session_cookie_and_a_locked_page(opened: Web, tmp_path: Path) -> None:
    """The cookie's change is what makes Chromium drop the case pages it kept for Back."""
    for lock in (lambda: opened.post("/lock"), lambda: opened.client.get("/away"), lambda: opened.post("/quit")):
        before = opened.client.cookies.get(COOKIE)
        r = lock()
        after = opened.client.cookies.get(COOKIE)
        assert r.status_code == 200 and opened.state.case is None
        assert 'href="/today"' not in r.text and "Lock and quit" not in r.text  # the page shows the case locked
        assert after and after != before
        assert opened.state.is_reader(after) and not opened.state.is_reader(before)
        assert "Open a case" in opened.client.get("/").text  # the reader, with the new cookie, opens it again
        r = opened.post("/open", {"path": str(tmp_path / "notes.grc"), "passphrase": "maple quarry lantern ostrich"})
        assert r.url.path == "/today"

"""The web app in a real headless Chromium (Debian's chromium and chromium-driver, Selenium).

One server and one browser serve the module's tests, in file order, on one case made through
the browser (creating it and screening the import is the slow part; a loaded CI machine takes
a minute): create, import, who is who, the threat on Today, the hostile message inert, a label
corrected, a draft's tone checked, the report downloaded, the quick exit by its button and by
Escape three times; last, a second server started with a 2 s idle time locks by itself.

Skipped, naming what is missing, where the browser or its driver is not installed (.ci/run
installs them with apt-get where it can).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest

from .conftest import SAMPLE, STRONG

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason=f"browser tests need Debian's chromium and chromium-driver; missing: "
           f"{', '.join(n for n, p in (('chromium', CHROMIUM), ('chromedriver', DRIVER)) if not p)}")

SLOW = 120  # seconds an explicit wait allows: the import screens a fixture on a loaded CI machine


def hostile(other: str) -> str:
    """Abuser-written text that, were it ever run, would open a dialog and call `other` (another host)."""
    return (f'<script>alert(1);fetch("{other}/script")</script>'
            f'<img src="{other}/img.png" onerror="alert(2);fetch(\'{other}/onerror\')">'
            f'<a href="javascript:alert(3);fetch(\'{other}/js\')">click</a>'
            " Nice car outside your sister's last night.")


NAME = '<img src="{other}/name.png" onerror="alert(5)">Jordan'  # a contact name that is markup


class _Other(BaseHTTPRequestHandler):
    """Another host: it records every request that reaches it (there must be none)."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def other_host() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Other", (_Other,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


@dataclass
class App:
    """A `greyrock web` running in a thread: its start link, its base URL and the server's state."""

    start: str
    thread: threading.Thread
    state: Any
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = self.start.split("/start")[0]


def start_app(idle_seconds: float) -> App:
    """`greyrock.web.serve` as the command runs it, with a hook that keeps the WebState it makes."""
    import greyrock.web as web

    states: list[Any] = []

    class Kept(web.WebState):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            states.append(self)

    sock = web.bind(None)
    config = web.WebConfig(port=sock.getsockname()[1], idle_seconds=idle_seconds)
    urls: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(web, "WebState", Kept)
        thread = threading.Thread(target=web.serve, args=(sock, config), daemon=True,
                                  kwargs={"open_browser": False, "announce": urls.append})
        thread.start()
        deadline = time.monotonic() + SLOW
        while not urls and time.monotonic() < deadline:
            time.sleep(0.05)
    assert urls and states, "greyrock web did not start"
    return App(urls[0], thread, states[0])


@pytest.fixture(scope="module")
def app() -> Iterator[App]:
    running = start_app(idle_seconds=300)
    yield running
    running.state.lock()  # the case file is closed before its folder is removed


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "download.directory_upgrade": True})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(300)  # the import page screens the export: minutes on a loaded machine
    driver.implicitly_wait(60)  # a loaded machine (CI) answers slowly; absences are checked with script
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def case_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("case") / "notes.grc"


def _fill(driver: Any, form_css: str, values: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By

    form = driver.find_element(By.CSS_SELECTOR, form_css)
    for name, value in values.items():
        field_ = form.find_element(By.NAME, name)
        field_.clear()
        field_.send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def _wait(driver: Any, condition: Any, timeout: float = SLOW) -> None:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # A page being replaced under the condition (the import's answer arriving) is no failure: look again.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    WebDriverWait(driver, timeout, ignored_exceptions=ignored).until(condition)


def _main(driver: Any) -> str:
    return driver.execute_script("var m = document.querySelector('main'); return m ? m.innerText : ''")


def _count(driver: Any, css: str) -> int:
    """How many elements match, at once (find_elements would wait out the implicit wait for none)."""
    return driver.execute_script("return document.querySelectorAll(arguments[0]).length", css)


def _no_dialog(driver: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text


def _only_this_server(driver: Any, app: App) -> None:
    loaded = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(r.startswith(app.base + "/") for r in loaded), loaded


def _asked_again(driver: Any) -> None:
    """After Back: the page came from the server, not from the browser's memory of the case page.

    Chromium keeps even no-store pages for Back (its back/forward cache) until a cookie changes:
    restored, a page keeps its old navigation entry ("navigate") and shows the case as it was.
    The lock's new session cookie makes it fetch ("back_forward"); app.js reloads a restored page
    ("reload") where a browser keeps it anyway."""
    kind = driver.execute_script("return performance.getEntriesByType('navigation')[0].type")
    assert kind in ("back_forward", "reload"), kind
    assert "/message/" not in driver.current_url and "/today" not in driver.current_url
    assert "Watch your back" not in driver.page_source and "Nice car" not in driver.page_source


def _message_link(driver: Any, app: App, words: str) -> str:
    """The Today page's link to the message whose line shows `words`."""
    from selenium.webdriver.common.by import By

    driver.get(app.base + "/today")
    for a in driver.find_elements(By.CSS_SELECTOR, "main a[href^='/message/']"):
        if words in a.find_element(By.XPATH, "..").text:
            return a.get_attribute("href")
    raise AssertionError(f"no message on Today shows {words!r}")


@pytest.fixture(scope="module")
def opened(app: App, browser: Any, case_file: Path, other_host: tuple[str, list[str]],
           tmp_path_factory: pytest.TempPathFactory) -> App:
    """A case created, the demo export (one message made hostile) imported and who is who set, all in the browser."""
    from selenium.webdriver.common.by import By

    browser.get(app.start)
    assert browser.title == "Notes"
    _fill(browser, "#create-form", {"path": str(case_file), "passphrase": STRONG, "again": STRONG})
    _wait(browser, lambda d: d.current_url.endswith("/import"))
    export = tmp_path_factory.mktemp("export") / "export.xml"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if 'body="Answer me."' in line)
    lines[at] = (lines[at].replace('body="Answer me."', f"body={quoteattr(hostile(other_host[0]))}")
                 .replace('contact_name="Jordan"', f"contact_name={quoteattr(NAME.format(other=other_host[0]))}"))
    export.write_text("".join(lines), encoding="utf-8")
    browser.find_element(By.NAME, "files").send_keys(str(export))
    browser.find_element(By.CSS_SELECTOR, "#import-form button").click()
    _wait(browser, lambda d: "17 added" in _main(d))
    sent = browser.execute_script(  # app.js sent the upload itself (for the progress bar), no page load
        "return performance.getEntriesByType('resource').filter(e => e.initiatorType === 'xmlhttprequest')"
        ".map(e => new URL(e.name).pathname)")
    assert sent == ["/import"] and browser.current_url.endswith("/import")
    browser.get(app.base + "/people")
    assert NAME.format(other=other_host[0]) in _main(browser)  # the name they gave themselves, as text
    assert _count(browser, "main img, main script") == 0
    browser.find_element(By.CSS_SELECTOR, "select[name='role:+12025550147'] option[value=other]").click()
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait(browser, lambda d: d.current_url.endswith("/today"))
    return app


def _reopen(browser: Any, app: App, case_file: Path) -> None:
    """After a lock: open the case again from the start page."""
    browser.get(app.base + "/")
    _fill(browser, "form[action='/open']", {"path": str(case_file), "passphrase": STRONG})
    _wait(browser, lambda d: d.current_url.endswith("/today"))
    assert app.state.unlocked


def test_the_threat_on_today_and_the_hostile_message_stays_inert(opened: App, browser: Any,
                                                                 other_host: tuple[str, list[str]]) -> None:
    from selenium.webdriver.common.by import By

    danger = browser.find_element(By.CSS_SELECTOR, "section.danger").text
    assert "Watch your back" in danger
    # the hostile message, opened and its original shown: nothing runs, no dialog opens, no other host is called
    browser.get(_message_link(browser, opened, "Nice car"))
    browser.find_element(By.CSS_SELECTOR, "details.original summary").click()
    body = browser.find_element(By.CSS_SELECTOR, "blockquote.body").text
    assert "<script>alert(1);" in body and '<img src="http://127.0.0.1:' in body and 'href="javascript:' in body
    assert _count(browser, "main img, main script, main a[href^='javascript']") == 0
    _no_dialog(browser)
    _only_this_server(browser, opened)
    assert other_host[1] == []


def test_correct_a_label_and_the_page_shows_it(opened: App, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(_message_link(browser, opened, "school trip form"))
    mid = int(browser.current_url.rsplit("/", 1)[1])
    labels = [li.text.split(":")[0] for li in browser.find_elements(By.CSS_SELECTOR, "ul.labels li")]
    assert "logistics" in labels and "coercion" not in labels
    assert "You corrected these labels" not in _main(browser)
    form = browser.find_element(By.CSS_SELECTOR, "form.labels-form")
    form.find_element(By.CSS_SELECTOR, "input[name=labels][value=coercion]").click()
    form.find_element(By.NAME, "note").send_keys("the form is a lever")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(browser, lambda d: "You corrected these labels" in _main(d))
    assert browser.current_url == f"{opened.base}/message/{mid}"
    labels = [li.text.split(":")[0] for li in browser.find_elements(By.CSS_SELECTOR, "ul.labels li")]
    assert sorted(labels) == ["coercion", "logistics"]
    assert browser.find_element(By.CSS_SELECTOR, "input[name=labels][value=coercion]").is_selected()
    stored = next(s for s in opened.state.case.messages() if s.id == mid)
    assert sorted(stored.labels) == ["coercion", "logistics"] and stored.correction is not None


def test_draft_a_reply_and_check_its_tone(opened: App, browser: Any, other_host: tuple[str, list[str]]) -> None:
    from selenium.webdriver.common.by import By

    browser.get(_message_link(browser, opened, "school trip form"))
    back = browser.current_url
    drafts = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ol.drafts li")]
    assert drafts and all(d.strip() for d in drafts)
    # the reader's own draft, over-explaining and apologising, with markup pasted into it: shown, never run
    draft = (f"I'm sorry, I was late because my mum was ill. Please stop shouting at me. "
             f"<img src=\"{other_host[0]}/tone.png\" onerror=\"alert(4)\">")
    box = browser.find_element(By.CSS_SELECTOR, "form[action='/tone'] textarea[name=draft]")
    box.send_keys(draft)
    box.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(browser, lambda d: d.current_url.endswith("/tone") and "Your draft" in _main(d))
    flags = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.flags li")]
    assert any("sorry" in f.lower() for f in flags), flags
    assert any("because" in f.lower() for f in flags), flags
    rewrite = browser.find_element(By.CSS_SELECTOR, "blockquote.rewrite").text
    assert rewrite and "sorry" not in rewrite.lower()
    assert browser.find_element(By.NAME, "draft").get_attribute("value") == draft
    assert _count(browser, "main img") == 0
    _no_dialog(browser)
    assert other_host[1] == []
    browser.find_element(By.LINK_TEXT, "Back to the message").click()
    _wait(browser, lambda d: d.current_url == back)


def test_download_the_report(opened: App, browser: Any, downloads: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(opened.base + "/report")
    browser.find_element(By.LINK_TEXT, "Download the PDF report").click()
    pdf = downloads / "report.pdf"
    try:
        # the file arrives whole (Chromium writes a .crdownload beside it until then)
        _wait(browser, lambda d: pdf.exists() and not list(downloads.glob("*.crdownload")))
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert [p.name for p in downloads.iterdir()] == ["report.pdf"]
        assert browser.current_url == opened.base + "/report"  # the page stays; the file went to the folder
    finally:
        for p in downloads.iterdir():  # the report is the case in plain text: not left behind
            p.unlink()


def test_quick_exit_button_leaves_no_way_back_to_the_case(opened: App, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    if not opened.state.unlocked:
        pytest.fail("the case is not open: an earlier test failed")
    browser.get(opened.base + "/today")
    browser.get(_message_link(browser, opened, "Watch your back"))
    depth = browser.execute_script("return window.history.length")
    browser.find_element(By.ID, "quick-exit").click()
    _wait(browser, lambda d: d.title == "Weather")
    assert browser.current_url == opened.base + "/away"
    # location.replace: the message's entry became the neutral page's, none was added
    assert browser.execute_script("return window.history.length") == depth
    assert not opened.state.unlocked  # the neutral page locked the case
    # Back reaches the entry before (Today), which no longer shows anything: the case is locked and
    # no page is kept in the cache (no-store), so it is asked again and answers with the start page
    browser.back()
    _wait(browser, lambda d: "Open a case" in _main(d))
    _asked_again(browser)


def test_quick_exit_by_escape_three_times(opened: App, browser: Any, case_file: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _reopen(browser, opened, case_file)
    browser.get(_message_link(browser, opened, "Watch your back"))
    depth = browser.execute_script("return window.history.length")
    # one command: three presses within the page's 1.5 s window, even on a slow machine
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE * 3)
    _wait(browser, lambda d: d.title == "Weather")
    assert browser.current_url == opened.base + "/away"
    assert browser.execute_script("return window.history.length") == depth
    assert not opened.state.unlocked
    browser.back()
    _wait(browser, lambda d: "Open a case" in _main(d))
    _asked_again(browser)


def test_idle_lock_takes_the_page_away_and_drops_the_key(browser: Any, tmp_path: Path) -> None:
    """Last: this server's session cookie (same host, 127.0.0.1) replaces the first server's."""
    idle = start_app(idle_seconds=2)
    try:
        browser.get(idle.start)
        _fill(browser, "#create-form", {"path": str(tmp_path / "idle.grc"), "passphrase": STRONG, "again": STRONG})
        _wait(browser, lambda d: d.current_url.endswith("/import"))
        case = idle.state.case
        assert case is not None
        # nobody touches the page: after 2 s the page posts its lock and the server locks by itself
        _wait(browser, lambda d: "Open a case" in _main(d) or "Locked" in _main(d), timeout=60)
        assert "/import" not in browser.current_url
        assert browser.execute_script("return document.body.getAttribute('data-unlocked')") == "no"
        _wait(browser, lambda d: not idle.state.unlocked, timeout=60)
        assert idle.state.case is None
        with pytest.raises(Exception, match="closed"):  # the connection, and the key with it, is gone
            list(case.messages())
        idle.thread.join(timeout=60)  # after the idle lock the server stops
        assert not idle.thread.is_alive()
    finally:
        idle.state.lock()

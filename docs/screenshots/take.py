"""Screenshots of greyrock web's pages at 1280 and 390 pixels wide, on the bundled demo export.

    python docs/screenshots/take.py              # every page; needs Debian's chromium and chromium-driver, and selenium
    python docs/screenshots/take.py danger plan  # only these pages (the names below)
    python docs/screenshots/take.py --out /tmp/shots

Writes OUT/PAGE-WIDTH.png (OUT is this folder unless --out); the case is made in a temporary
folder and removed. A page this version of greyrock web does not have (404) is skipped with a
note, so that the script runs before and after new pages are merged.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from greyrock.web import WebConfig, bind, serve

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[1] / "src" / "greyrock" / "samples" / "sms-demo.xml"
PASS = "maple quarry lantern ostrich"
WIDTHS = (1280, 390)
# The pages reached by a plain link, in the order they are shot (after open, import, people and today).
# The demo's messages are from March 2024: the no-contact chart is drawn as of that month.
LINKED = [("danger-question", "/danger?q=1"), ("danger", "/danger"), ("plan", "/plan"),
          ("nocontact", "/nocontact?today=2024-03-12"), ("journal", "/journal"),
          ("timeline", "/timeline"), ("report", "/report"), ("help", "/help")]
PAGES = ["open", "import", "people", "today", "message", "tone", *(n for n, _ in LINKED), "quick-exit", "locked"]


class Shooter:
    def __init__(self, driver: webdriver.Chrome, base: str, out: Path, wanted: set[str]) -> None:
        self.driver, self.base, self.out, self.wanted = driver, base, out, wanted
        self.written: list[str] = []
        self.skipped: list[str] = []

    def shot(self, name: str) -> None:
        if name not in self.wanted:
            return
        driver = self.driver
        for width in WIDTHS:
            driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
            driver.set_window_size(width, 900)
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height + 40, 700), 2400))
            driver.execute_script("window.scrollTo(0, 0)")
            time.sleep(0.2)  # the resize's layout settles
            path = self.out / f"{name}-{width}.png"
            driver.save_screenshot(str(path))
            self.written.append(path.name)

    def status(self, path: str) -> int:
        """The HTTP status of a GET of `path` in the reader's session (0 if it could not be had)."""
        return self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) { done(r.status); })"
            ".catch(function () { done(0); });", self.base + path)

    def page(self, name: str, path: str) -> None:
        """Shoot a page reached by a link; a page that is not there (404) is noted and skipped."""
        if name not in self.wanted:
            return
        code = self.status(path)
        if code != 200:
            self.skipped.append(f"{name} ({path}): HTTP {code}" + (", not in this version" if code == 404 else ""))
            return
        self.driver.get(self.base + path)
        self.shot(name)


def _wait(driver: webdriver.Chrome, condition, timeout: float = 300) -> None:
    # a page replaced while the condition reads it (the import's answer arriving) is no failure: look again
    WebDriverWait(driver, timeout, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                  ).until(condition)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", metavar="PAGE", help=f"pages to shoot (default all): {', '.join(PAGES)}")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files (default: this one)")
    args = parser.parse_args(argv)
    unknown = [p for p in args.pages if p not in PAGES]
    if unknown:
        parser.error(f"unknown page {', '.join(unknown)}; the pages are: {', '.join(PAGES)}")
    args.out.mkdir(parents=True, exist_ok=True)

    sock = bind(None)
    port = sock.getsockname()[1]
    urls: list[str] = []
    threading.Thread(target=serve, args=(sock, WebConfig(port=port, country="US")), daemon=True,
                     kwargs={"open_browser": False, "announce": urls.append}).start()
    while not urls:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    options = Options()
    options.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(60)
    driver.set_page_load_timeout(300)  # the import screens the export: slow on a loaded machine
    driver.set_script_timeout(120)
    s = Shooter(driver, base, args.out, set(args.pages or PAGES))
    folder = Path(tempfile.mkdtemp())
    try:
        driver.get(urls[0])
        driver.find_element(By.CSS_SELECTOR, "#create-form input[name=path]").send_keys(str(folder / "notes.grc"))
        s.shot("open")
        form = driver.find_element(By.ID, "create-form")
        form.find_element(By.NAME, "passphrase").send_keys(PASS)
        form.find_element(By.NAME, "again").send_keys(PASS)
        form.find_element(By.CSS_SELECTOR, "button").click()
        _wait(driver, lambda d: d.current_url.endswith("/import"))
        driver.find_element(By.NAME, "files").send_keys(str(SAMPLE))
        driver.find_element(By.CSS_SELECTOR, "#import-form button").click()
        _wait(driver, lambda d: " added" in d.find_element(By.TAG_NAME, "main").text)
        s.shot("import")
        driver.get(base + "/people")
        s.shot("people")
        driver.find_element(By.CSS_SELECTOR, "select[name='role:+12025550147'] option[value=other]").click()
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        _wait(driver, lambda d: d.current_url.endswith("/today"))
        s.shot("today")
        for i in range(1, 30):
            driver.get(f"{base}/message/{i}")
            if "school trip form" in driver.page_source:
                break
        driver.find_element(By.CSS_SELECTOR, "details.original summary").click()
        s.shot("message")
        draft = driver.find_element(By.NAME, "draft")
        draft.send_keys("Sorry, I was late because my mum was ill. I'll sign the form by Monday, stop shouting at me.")
        draft.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button").click()
        _wait(driver, lambda d: d.current_url.endswith("/tone"))
        s.shot("tone")
        for name, path in LINKED:
            s.page(name, path)
        driver.get(base + "/away")  # the quick exit's neutral page; it locks the case
        s.shot("quick-exit")
        if "locked" in s.wanted:  # open the case again, then "Lock and quit": the server stops
            driver.get(base + "/")
            form = driver.find_element(By.CSS_SELECTOR, "form[action='/open']")
            form.find_element(By.NAME, "passphrase").send_keys(PASS)
            form.find_element(By.CSS_SELECTOR, "button").click()
            _wait(driver, lambda d: d.current_url.endswith("/today"))
            driver.find_element(By.XPATH, "//form[@action='/quit']//button").click()
            _wait(driver, lambda d: "Locked" in d.find_element(By.TAG_NAME, "main").text)
            s.shot("locked")
    finally:
        driver.quit()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"wrote {len(s.written)} files to {args.out}")
    for note in s.skipped:
        print(f"skipped {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

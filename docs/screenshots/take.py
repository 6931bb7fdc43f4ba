"""Screenshots of greyrock web's pages at 1280 and 390 pixels wide, on the bundled demo export.

    python docs/screenshots/take.py      # needs Debian's chromium and chromium-driver, and selenium

Writes docs/screenshots/PAGE-WIDTH.png; the case is made in a temporary folder and removed.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from greyrock.web import WebConfig, bind, serve

OUT = Path(__file__).resolve().parent
SAMPLE = OUT.parents[1] / "src" / "greyrock" / "samples" / "sms-demo.xml"
PASS = "maple quarry lantern ostrich"


def shot(driver: webdriver.Chrome, name: str, width: int) -> None:
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height + 40, 700), 2400))
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.2)
    driver.save_screenshot(str(OUT / f"{name}-{width}.png"))


def journal(driver: webdriver.Chrome, base: str) -> None:
    """The journal with one entry saved and a free-text time waiting to be confirmed."""
    photo = OUT.parents[1] / "tests" / "ingest" / "telegram" / "full_export" / "photos" / "photo_1@12-03-2023_21-14-09.jpg"
    driver.get(base + "/journal")
    form = driver.find_element(By.ID, "journal-form")
    form.find_element(By.NAME, "when").send_keys("2024-03-06 23:40")
    form.find_element(By.NAME, "where").send_keys("The car park behind the school")
    form.find_element(By.NAME, "what_happened").send_keys("He blocked my car and said 'you will regret this'.")
    form.find_element(By.NAME, "photos").send_keys(str(photo))
    form.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(driver, 60).until(lambda d: "saved=" in d.current_url)
    form = driver.find_element(By.ID, "journal-form")
    form.find_element(By.NAME, "when").send_keys("March 9 around 10pm")
    form.find_element(By.NAME, "what_happened").send_keys("Twelve calls in an hour.")
    form.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(driver, 60).until(lambda d: "Understood as" in d.find_element(By.TAG_NAME, "main").text)
    for width in (1280, 390):
        shot(driver, "journal", width)


def main() -> None:
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
    folder = Path(tempfile.mkdtemp())
    try:
        driver.get(urls[0])
        driver.find_element(By.CSS_SELECTOR, "#create-form input[name=path]").send_keys(str(folder / "notes.grc"))
        for width in (1280, 390):
            shot(driver, "open", width)
        form = driver.find_element(By.ID, "create-form")
        form.find_element(By.NAME, "passphrase").send_keys(PASS)
        form.find_element(By.NAME, "again").send_keys(PASS)
        form.find_element(By.CSS_SELECTOR, "button").click()
        driver.find_element(By.NAME, "files").send_keys(str(SAMPLE))
        driver.find_element(By.CSS_SELECTOR, "#import-form button").click()
        for width in (1280, 390):
            shot(driver, "import", width)
        driver.get(base + "/people")
        for width in (1280, 390):
            shot(driver, "people", width)
        driver.find_element(By.CSS_SELECTOR, "select[name='role:+12025550147'] option[value=other]").click()
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        driver.get(base + "/today")
        for width in (1280, 390):
            shot(driver, "today", width)
        for i in range(1, 30):
            driver.get(f"{base}/message/{i}")
            if "school trip form" in driver.page_source:
                break
        driver.find_element(By.CSS_SELECTOR, "details.original summary").click()
        for width in (1280, 390):
            shot(driver, "message", width)
        draft = driver.find_element(By.NAME, "draft")
        draft.send_keys("Sorry, I was late because my mum was ill. I'll sign the form by Monday, stop shouting at me.")
        draft.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button").click()
        for width in (1280, 390):
            shot(driver, "tone", width)
        for page, url in (("danger-question", "/danger?q=1"), ("danger", "/danger"), ("plan", "/plan"),
                          ("nocontact", "/nocontact?today=2024-03-12")):
            driver.get(base + url)
            for width in (1280, 390):
                shot(driver, page, width)
        driver.get(base + "/help")
        for width in (1280, 390):
            shot(driver, "help", width)
        journal(driver, base)
        driver.get(base + "/timeline")
        for width in (1280, 390):
            shot(driver, "timeline", width)
        driver.get(base + "/away")
        for width in (1280, 390):
            shot(driver, "quick-exit", width)
    finally:
        driver.quit()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The pages as a reader uses them, on the bundled demo export (invented messages)."""

from __future__ import annotations

from .conftest import Web, text_of


def _id_of(web: Web, words: str) -> int:
    for i in range(1, 30):
        r = web.client.get(f"/message/{i}")
        if r.status_code == 200 and words in r.text:
            return i
    raise AssertionError(words)


def test_who_is_who_suggests_and_the_reader_confirms(web: Web, tmp_path) -> None:
    from .conftest import SAMPLE

    web.create(tmp_path / "n.grc")
    r = web.upload("sms-demo.xml", SAMPLE.read_bytes())
    assert f"sms-demo.xml : {SAMPLE.read_text().count('<sms ')} added, 0 already held" in text_of(r.text)
    page = web.client.get("/people").text
    assert "+12025550147" in page
    assert web.state.case is not None
    from greyrock.accounting import roles_of

    assert roles_of(web.state.case).role("+12025550147") is None
    web.post("/people", {"role:+12025550147": "other"})
    assert roles_of(web.state.case).role("+12025550147") == "other"


def test_today_puts_danger_first_with_its_words(opened: Web) -> None:
    text = text_of(opened.client.get("/today").text)
    assert text.index("Danger") < text.index("Needs your attention") < text.index("Held back")
    assert "Watch your back" in text and "Help now" in text
    assert "The court date is 18 April, 10am" in text
    assert "pathetic" not in text.split("Needs your attention")[1]  # abuse is held back below danger and check
    # "held back" is the screen's judgement, and the screen can be wrong: the page says so there
    assert "The screen can miss a threat, most often a veiled one" in text.split("Held back")[1]


def test_message_page_labels_correction_drafts_and_tone(opened: Web) -> None:
    mid = _id_of(opened, "school trip form")
    page = opened.client.get(f"/message/{mid}").text
    assert "logistics" in page and "Drafts to edit" in page
    opened.post(f"/message/{mid}/label", {"labels": ["logistics", "coercion"], "note": "pressure"})
    stored = next(s for s in opened.state.case.messages() if s.id == mid)
    assert "coercion" in stored.labels and stored.correction is not None
    r = opened.post("/tone", {"draft": "I'm sorry, I was late because my mum was ill. Please stop shouting.",
                              "back": f"/message/{mid}"})
    assert r.status_code == 200 and "grey-rock version" in r.text


def test_help_now_gives_tel_links(opened: Web) -> None:
    page = opened.client.get("/help?country=US").text
    assert 'href="tel:911"' in page and "Help in" in page


def test_report_downloads_a_pdf(opened: Web) -> None:
    r = opened.client.get("/report?download=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-disposition"].startswith("attachment;")


def test_report_downloads_an_evidence_bundle_that_verifies(opened: Web, tmp_path) -> None:
    """The zip, unzipped, is a bundle `evidence verify` accepts, of this case as it is now,
    holding the demo export byte for byte and none of the reader's private records."""
    import io
    import zipfile

    from greyrock import evidence

    from .conftest import SAMPLE

    r = opened.post("/plan", {"phase": "preparing_to_leave", "code_word": "blue umbrella"})
    assert r.status_code == 200 and "Your plan is kept in the case." in r.text
    r = opened.client.get("/report?download=bundle")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].startswith('attachment; filename="evidence-bundle-')
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        archive.extractall(tmp_path / "got")
    [folder] = (tmp_path / "got").iterdir()
    check = evidence.verify_bundle(folder)
    assert check.ok, check
    assert check.fingerprint == opened.state.case.fingerprint()
    originals = [p for p in (folder / "originals").iterdir()]
    assert [p.read_bytes() for p in originals] == [SAMPLE.read_bytes()]
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    assert b"blue umbrella" not in b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())

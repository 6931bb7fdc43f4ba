"""The safety pages (danger signs, safety plan, no contact) over the same records as the CLI."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import safety
from greyrock.cli import app as cli_app

from .conftest import STRONG, Web, text_of

runner = CliRunner()
OTHER = "+15550001111"


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp() * 1000)


def _sms(rows: list[tuple[str, int, str]]) -> bytes:
    """An SMS Backup & Restore file: (UTC time, type 1 received / 2 sent, body) from OTHER."""
    out = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", f'<smses count="{len(rows)}">']
    for when, kind, body in rows:
        out.append(f'  <sms protocol="0" address="{OTHER}" date="{_ms(when)}" type="{kind}" subject="null" '
                   f'body="{body}" read="1" status="-1" locked="0" date_sent="0" readable_date="" '
                   f'contact_name="Sam" />')
    out.append("</smses>")
    return "\n".join(out).encode()


def _case_from(web: Web, tmp_path: Path, rows: list[tuple[str, int, str]]) -> Path:
    path = tmp_path / "case.grc"
    assert web.create(path).status_code == 200
    from greyrock.settings import update_settings

    update_settings(web.state.case, timezone="UTC")  # the days and weeks below are UTC days
    r = web.upload("sms.xml", _sms(rows))
    assert r.status_code == 200, r.text
    assert web.post("/people", {f"role:{OTHER}": "other"}).status_code == 200
    return path


def _cli_json(args: list[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GREYROCK_PASSPHRASE", STRONG)
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- danger signs ---------------------------------------------------------------------------


def test_checklist_one_question_at_a_time_stores_what_greyrock_risk_reads(
        opened: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, third = safety.SIGNS[0], safety.SIGNS[1], safety.SIGNS[2]
    page = opened.client.get("/danger?q=1")
    assert page.status_code == 200
    text = text_of(page.text)
    assert f"Question 1 of {len(safety.SIGNS)}" in text and first.question in text
    assert second.question not in text  # one question per page

    r = opened.post("/danger/answer", {"sign": first.id, "answer": "yes"})
    assert r.url.path == "/danger" and r.url.params.get("q") == "2" and second.question in text_of(r.text)
    opened.post("/danger/answer", {"sign": second.id, "answer": "no"})
    r = opened.post("/danger/answer", {"sign": third.id, "answer": "unsure"})
    assert safety.SIGNS[3].question in text_of(r.text)

    assert safety.sign_answers(opened.state.case) == {first.id: "confirmed", second.id: "dismissed"}
    records = opened.state.case.records("risk_answer")
    assert [(x["sign"], x["answer"], x["source"]) for x in records] == [
        (first.id, "confirmed", "checklist"), (second.id, "dismissed", "checklist")]

    # The result: weapon (a grave sign) leads to Help now.
    result = text_of(opened.client.get("/danger").text)
    assert first.grave and "one of the gravest signs" in result
    assert "Talk to a domestic-violence advocate today." in result
    assert 'href="/help"' in opened.client.get("/danger").text

    # And the CLI reads the same answers from the case.
    opened.post("/lock")
    data = _cli_json(["nocontact", str(tmp_path / "notes.grc"), "--json"], monkeypatch)
    assert data["grave_signs_confirmed"] == [first.id]


def test_suggested_sign_confirm_and_dismiss_change_the_record(
        opened: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = opened.client.get("/danger").text
    suggested = {g.sign: g for g in safety.suggest_signs(opened.state.case)}
    assert {"suicide_threat", "stalking"} <= set(suggested)
    pills = suggested["suicide_threat"].messages[0]
    assert f'href="/message/{pills.id}"' in page and "I have the pills right here" in text_of(page)

    opened.post("/danger/sign", {"sign": "suicide_threat", "action": "confirm",
                                 "message": [str(e.id) for e in suggested["suicide_threat"].messages]})
    opened.post("/danger/sign", {"sign": "stalking", "action": "dismiss"})
    records = opened.state.case.records("risk_answer")
    assert [(x["sign"], x["answer"], x["source"], x.get("messages")) for x in records] == [
        ("suicide_threat", "confirmed", "suggestion", [pills.id]), ("stalking", "dismissed", "suggestion", None)]
    page = text_of(opened.client.get("/danger").text)
    assert "you confirmed this" in page and "you dismissed this" in page

    opened.post("/lock")
    data = _cli_json(["risk", "suggest", str(tmp_path / "notes.grc"), "--json"], monkeypatch)
    status = {s["sign"]: s["status"] for s in data}
    assert status["suicide_threat"] == "confirmed" and status["stalking"] == "dismissed"


def test_hostile_message_text_is_escaped_on_the_danger_page(web: Web, tmp_path: Path) -> None:
    _case_from(web, tmp_path, [
        ("2024-03-01T10:00:00", 1, "I will kill you &lt;script&gt;alert(1)&lt;/script&gt; "
                                   "&lt;img src=x onerror=alert(2)&gt;"),
    ])
    assert "threat_to_kill" in {g.sign for g in safety.suggest_signs(web.state.case)}
    page = web.client.get("/danger").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="/static/app.js" defer>']
    # a grave sign suggested by the messages points to Help now
    assert "Some of these are among the gravest signs" in text_of(page) and 'href="/help"' in page


def test_a_bad_answer_or_sign_is_refused(opened: Web) -> None:
    assert opened.post("/danger/answer", {"sign": "nope", "answer": "yes"}).status_code == 400
    assert opened.post("/danger/sign", {"sign": "weapon", "action": "delete"}).status_code == 400
    assert opened.client.get("/danger?q=99").status_code == 404
    assert opened.state.case.records("risk_answer") == []


# -- safety plan ----------------------------------------------------------------------------


def test_plan_shows_three_phases_and_saves_an_edit(opened: Web) -> None:
    page = opened.client.get("/plan").text
    for p in safety.PHASES:
        assert f'value="{p.id}"' in page and p.title in page
    assert all(s.title in page for s in safety.SECTIONS)
    r = opened.post("/plan", {"phase": "preparing_to_leave", "code_word": "blue umbrella",
                              "team:advocate:name": "Ana <b>", "team:advocate:contact": "0800 123",
                              "done:emergency_bag": ["ids", "keys"], "notes:emergency_bag": "bag at Kim's"})
    assert r.status_code == 200 and "Your plan is kept in the case." in r.text
    plan = safety.load_plan(opened.state.case)
    assert plan is not None and plan.phase == "preparing_to_leave" and plan.code_word == "blue umbrella"
    assert [(m.role, m.name, m.contact) for m in plan.team] == [("advocate", "Ana <b>", "0800 123")]
    assert plan.section("emergency_bag").done == ("ids", "keys")
    assert plan.section("emergency_bag").notes == "bag at Kim's"
    assert plan.section("support_team").done == ()

    printed = opened.client.get("/plan/print").text
    assert "Ana &lt;b&gt;" in printed and "Ana <b>" not in printed
    assert "Phase: <strong>Preparing to leave</strong>" in printed
    assert "<form method=\"post\" action=\"/plan\"" not in printed
    assert "Pack the bag little by little" in printed  # the tip for the chosen phase
    css = opened.client.get("/static/app.css").text
    media = css[css.index("@media print"):]
    assert ".bar, footer, form { display: none; }" in media and ".no-print { display: none; }" in media

    # An unchanged save adds no record; a bad phase is refused with the field named.
    opened.post("/plan", {"phase": "preparing_to_leave", "code_word": "blue umbrella",
                          "team:advocate:name": "Ana <b>", "team:advocate:contact": "0800 123",
                          "done:emergency_bag": ["ids", "keys"], "notes:emergency_bag": "bag at Kim's"})
    assert len(opened.state.case.records("plan")) == 1
    r = opened.post("/plan", {"phase": "gone"})
    assert r.status_code == 400 and "phase must be one of" in r.text
    assert len(opened.state.case.records("plan")) == 1


# -- no contact -----------------------------------------------------------------------------

ROWS = [
    ("2024-02-27T09:00:00", 1, "Call me back."),
    ("2024-02-28T21:30:00", 1, "Why are you ignoring me"),
    ("2024-03-05T12:00:00", 2, "Please stop messaging me."),  # the reader's last contact
    ("2024-03-06T08:15:00", 1, "Answer your phone."),
    ("2024-03-18T07:00:00", 1, "Hello?"),
    ("2024-03-19T07:00:00", 1, "I know you read these."),
    ("2024-03-20T23:50:00", 1, "Fine."),
    ("2024-03-21T10:10:00", 1, "Are you there"),
]


def test_nocontact_days_and_one_bar_per_week(web: Web, tmp_path: Path) -> None:
    _case_from(web, tmp_path, ROWS)
    page = web.client.get("/nocontact?today=2024-03-25").text
    assert '<span class="count" id="days">20</span> days since you last contacted them' in page
    bars = re.findall(r'<rect class="bar" x="(\d+)" y="(\d+)" width="16" height="(\d+)" '
                      r'data-week="([\d-]+)" data-total="(\d+)"', page)
    # Weeks of 26 Feb .. 25 Mar: 2, 1, 0, 4, 0 attempts; the busiest week is 120 px high.
    assert [(w, int(t), int(h), int(y)) for _, y, h, w, t in bars] == [
        ("2024-02-26", 2, 60, 60), ("2024-03-04", 1, 30, 90), ("2024-03-11", 0, 0, 120),
        ("2024-03-18", 4, 120, 0), ("2024-03-25", 0, 0, 120)]
    assert [int(x) for x, *_ in bars] == [0, 20, 40, 60, 80]
    assert "<title>week of 2024-03-18: 4 messages, 0 calls</title>" in page
    # the same figures as greyrock nocontact
    status = safety.no_contact_status(web.state.case, datetime(2024, 3, 25).date())
    assert status.days_since_reader_contact == 20
    assert [w.total for w in status.attempts_per_week] == [2, 1, 0, 4, 0]
    assert web.client.get("/nocontact?today=March").status_code == 400


def test_chart_bars_scale_to_the_busiest_week() -> None:
    from datetime import date

    from greyrock.safety import WeekCount
    from greyrock.web._safety_pages import CHART_WEEKS, chart_bars

    weeks = [WeekCount(f"w{i}", date(2024, 1, 1), i % 3, 0) for i in range(40)]
    bars = chart_bars(weeks)
    assert len(bars) == CHART_WEEKS and bars[0].total == (40 - CHART_WEEKS) % 3
    assert {b.height for b in bars} == {0, 60, 120}
    assert chart_bars([WeekCount("w", date(2024, 1, 1), 1, 0), WeekCount("w", date(2024, 1, 8), 500, 0)])[0].height == 2
    assert chart_bars([]) == []


def test_urge_is_logged_and_shows_the_reasons_card(opened: Web) -> None:
    r = opened.post("/nocontact/reasons", {"reasons": "He read my phone.\nThe kids deserve calm."})
    assert r.status_code == 200
    assert safety.reasons(opened.state.case) == "He read my phone.\nThe kids deserve calm."
    r = opened.post("/nocontact/urge", {"note": "saw the coffee place"})
    assert r.status_code == 200 and r.url.params.get("urged") == "1"
    text = text_of(r.text)
    assert "Urge logged. It will pass" in text and "The kids deserve calm." in text and "Urges logged: 1" in text
    urges = opened.state.case.records("urge")
    assert len(urges) == 1 and urges[0]["note"] == "saw the coffee place"
    r = opened.post("/nocontact/reasons", {"reasons": "   "})
    assert r.status_code == 400 and "the card is empty" in r.text
    assert safety.reasons(opened.state.case) == "He read my phone.\nThe kids deserve calm."


# -- the guards -----------------------------------------------------------------------------


@pytest.mark.parametrize("url, data", [
    ("/danger/answer", {"sign": "weapon", "answer": "yes"}),
    ("/danger/sign", {"sign": "stalking", "action": "dismiss"}),
    ("/plan", {"phase": "after_leaving"}),
    ("/nocontact/urge", {"note": "x"}),
    ("/nocontact/reasons", {"reasons": "x"}),
])
def test_every_post_needs_the_csrf_token_and_an_open_case(opened: Web, url: str, data: dict) -> None:
    r = opened.client.post(url, data=data)
    assert r.status_code == 403
    assert r.status_code == 403 and opened.state.case.records("risk_answer") == []
    assert opened.state.case.records("urge") == [] and opened.state.case.records("plan") == []
    opened.post("/lock")
    r = opened.post(url, data)
    assert r.status_code == 200 and r.url.path == "/" and "passphrase" in r.text.lower()


def test_the_pages_are_in_the_menu_and_locked_pages_go_to_open(opened: Web) -> None:
    nav = opened.client.get("/today").text
    assert all(f'<a href="{u}">' in nav for u in ("/danger", "/plan", "/nocontact"))
    opened.post("/lock")
    for url in ("/danger", "/danger?q=1", "/plan", "/plan/print", "/nocontact"):
        r = opened.client.get(url)
        assert r.url.path == "/" and "passphrase" in r.text.lower()

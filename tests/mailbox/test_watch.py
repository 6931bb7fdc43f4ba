"""The store-then-move pass on an in-memory mailbox: runs everywhere, server or not."""

from __future__ import annotations

import pytest

from greyrock.mailbox import MAIL_RECORD, Account, parse_url, sweep, undo
from greyrock.people import set_roles
from greyrock.errors import InputError

from ._fake import FakeMailbox, mail

ACCOUNT = Account("127.0.0.1", 143, "reader", "plain")


def _threats(messages):
    return [{"labels": ["threat"], "danger": []} if "hurt" in m.body else {"labels": [], "danger": []}
            for m in messages]


@pytest.fixture
def box() -> FakeMailbox:
    b = FakeMailbox()
    b.deliver(mail("Ex <ex@example.com>", "you will regret this, I will hurt you", "1@ex"))
    b.deliver(mail("school@example.org", "Trip on Friday", "2@school"))
    b.deliver(mail('"Someone else" <EX.ALIAS@Example.NET>', "call me back", "3@ex"))
    return b


def test_the_other_persons_mail_from_two_aliases_is_stored_then_moved(case, box) -> None:
    set_roles(case, other=["ex@example.com", "ex.alias@example.net"])
    result = sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    assert (result.moved, result.stored, result.skipped, result.errors, result.needs_you) == (2, 2, 0, [], 1)
    assert list(box.folders["INBOX"]) == ["2"]  # the school's mail untouched
    assert sorted(box.folders["greyrock/quarantine"].values()) == sorted(
        [mail("Ex <ex@example.com>", "you will regret this, I will hurt you", "1@ex"),
         mail('"Someone else" <EX.ALIAS@Example.NET>', "call me back", "3@ex")])
    assert box.bodies_fetched == ["1", "3"]  # the school's body never fetched
    records = case.records(MAIL_RECORD)
    assert [(r["uid"], r["message_id"], r["folder"]) for r in records] == [("1", "<1@ex>", "INBOX"), ("3", "<3@ex>", "INBOX")]
    bodies = sorted(s.message.body.strip() for s in case.messages())
    assert bodies == ["call me back", "you will regret this, I will hurt you"]
    assert case.original_bytes(records[0]["sha256"]) == box.folders["greyrock/quarantine"]["4"]


def test_a_second_pass_moves_and_stores_nothing(case, box) -> None:
    set_roles(case, other=["ex@example.com"])
    sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    again = sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    assert (again.moved, again.stored) == (0, 0)
    assert len(case.originals()) == 1


def test_a_crash_between_store_and_move_is_finished_without_a_second_copy(case, box) -> None:
    set_roles(case, other=["ex@example.com"])
    box.fail_move = True
    with pytest.raises(KeyboardInterrupt):
        sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    assert len(case.originals()) == 1 and "1" in box.folders["INBOX"]  # stored, not moved
    box.fail_move = False
    result = sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    assert (result.moved, result.stored) == (1, 0)
    assert len(case.originals()) == 1 and len(case.records(MAIL_RECORD)) == 1
    assert "1" not in box.folders["INBOX"]


def test_an_oversized_mail_is_reported_and_left_where_it_is(case, box, monkeypatch) -> None:
    set_roles(case, other=["ex@example.com"])
    big = box.deliver(mail("ex@example.com", "x" * 5000, "big@ex"))
    monkeypatch.setenv("GREYROCK_MAX_MAIL", "4K")
    result = sweep(case, box, ACCOUNT, screener=None)
    assert (result.moved, result.skipped) == (1, 1)
    assert big in box.folders["INBOX"] and big not in box.bodies_fetched
    assert result.errors == [f"127.0.0.1:143 INBOX UID {big}: 5.0 KiB, over the limit of 4 KiB; left in the folder "
                             "(lift it with GREYROCK_MAX_MAIL)."]


def test_malformed_mail_is_stored_and_moved(case) -> None:
    box = FakeMailbox()
    broken = (b"From: ex@example.com\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n"
              b"Subject: =?utf-8?B?////?=\r\n\r\n--zz\r\nContent-Type: text/plain; charset=klingon\r\n"
              b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64\xff\xfe\r\n")
    box.deliver(broken)
    set_roles(case, other=["ex@example.com"])
    result = sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    assert (result.moved, result.stored) == (1, 1)
    assert case.original_bytes(case.records(MAIL_RECORD)[0]["sha256"]) == broken
    assert len(list(case.messages())) == 1


def test_dry_run_touches_nothing(case, box) -> None:
    set_roles(case, other=["ex@example.com"])
    result = sweep(case, box, ACCOUNT, screener=None, dry_run=True)
    assert result.would_move == ["1"] and result.moved == 0
    assert list(box.folders) == ["INBOX"] and case.originals() == []


def test_undo_moves_every_quarantined_mail_back(case, box) -> None:
    set_roles(case, other=["ex@example.com", "ex.alias@example.net"])
    sweep(case, box, ACCOUNT, screener=None)
    assert undo(box, ACCOUNT) == 2
    assert box.folders["greyrock/quarantine"] == {} and len(box.folders["INBOX"]) == 3


def test_without_an_other_person_nothing_is_touched(case, box) -> None:
    result = sweep(case, box, ACCOUNT, screener=None)
    assert result.moved == 0 and "names no 'other' person" in result.errors[0]
    assert len(box.folders["INBOX"]) == 3


@pytest.mark.parametrize("url, expected", [
    ("imaps://me@mail.example.org", ("mail.example.org", 993, "me", "tls", "INBOX")),
    ("imap://me%40x.org@mail.example.org:1143/Work", ("mail.example.org", 1143, "me@x.org", "starttls", "Work")),
])
def test_urls(url, expected) -> None:
    a = parse_url(url)
    assert (a.host, a.port, a.user, a.security, a.folder) == expected


def test_urls_refused() -> None:
    with pytest.raises(InputError, match="never taken from the command line"):
        parse_url("imaps://me:secret@mail.example.org")
    with pytest.raises(InputError, match="only to 127.0.0.1"):
        parse_url("imap://me@mail.example.org", insecure_local=True)
    assert parse_url("imap://me@127.0.0.1:1143", insecure_local=True).security == "plain"


def test_many_mails_go_in_batches_and_the_same_bytes_twice_are_stored_once(case) -> None:
    box = FakeMailbox()
    for i in range(120):
        box.deliver(mail("ex@example.com", f"note {i}", f"{i}@ex"))
    box.deliver(mail("ex@example.com", "note 7", "7@ex"))  # the same bytes again, under a new UID
    set_roles(case, other=["ex@example.com"])
    result = sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    assert (result.moved, result.stored) == (121, 120)
    assert len(case.originals()) == 120 and len(list(case.messages())) == 120
    assert box.folders["INBOX"] == {}


def test_a_mail_after_a_threat_is_read_in_its_context_across_passes(case) -> None:
    """"I'm outside" by mail, a pass after the threat: the case's context makes it a threat
    (the stub screener knows nothing of context), and it needs the reader."""
    set_roles(case, other=["ex@example.com"])
    box = FakeMailbox()
    box.deliver(mail("Ex <ex@example.com>", "you will regret this, I will hurt you", "1@ex"))
    sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    box.deliver(mail("Ex <ex@example.com>", "I'm outside. Come down.", "2@ex"))
    result = sweep(case, box, ACCOUNT, screener=_threats, model_id="stub")
    assert (result.stored, result.needs_you) == (1, 1)
    outside = [s for s in case.messages() if "outside" in s.message.body]
    assert [d["sign"] for d in outside[0].finding["danger"]] == ["near_after_threat"]

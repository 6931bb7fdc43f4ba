"""The watcher against a real IMAP server (Dovecot) on 127.0.0.1, over TLS with a
self-signed certificate; mail delivered by APPEND. Skipped, saying what is missing, where
dovecot-imapd is not installed."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import vault
from greyrock.cli import app
from greyrock.mailbox import MAIL_RECORD, parse_url, watch
from greyrock.mailbox._imap import connect
from greyrock.people import set_roles

from ..conftest import CHEAP, PASS, eventually
from ._dovecot import PASSWORD, USER, Dovecot, missing
from ._fake import mail

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no IMAP server to test against: {missing()}")
Q = "greyrock/quarantine"
EX1, EX2, SCHOOL = ("Ex <ex@example.com>", "Ex Work <ex.alias@example.net>", "School <office@school.example.org>")


@pytest.fixture
def server(tmp_path: Path):
    d = Dovecot(tmp_path / "dovecot").setup()
    d.start()
    yield d
    d.stop()


@pytest.fixture
def env(monkeypatch, server, case_path):
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    monkeypatch.setenv("GREYROCK_IMAP_PASSWORD", PASSWORD)
    with vault.create_case(case_path, PASS, kdf=CHEAP) as c:
        set_roles(c, other=["ex@example.com", "ex.alias@example.net"])
    return server


def _box(server: Dovecot):
    """A login of the test's own; a server just restarted may refuse for a moment."""
    import imap_tools

    deadline = time.monotonic() + 20
    while True:
        try:
            return imap_tools.MailBox("127.0.0.1", server.tls_port,
                                      ssl_context=ssl.create_default_context(cafile=str(server.cert))).login(USER, PASSWORD)
        except (OSError, imap_tools.errors.MailboxLoginError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def deliver(server: Dovecot, *mails: bytes, folder: str = "INBOX") -> None:
    with _box(server) as mb:
        if not mb.folder.exists(folder):
            mb.folder.create(folder)
        for m in mails:
            mb.append(m, folder)


def contents(server: Dovecot) -> dict[str, list[bytes]]:
    """Every folder's mail bytes (peeked, so nothing is marked read)."""
    with _box(server) as mb:
        out = {}
        for f in mb.folder.list():
            if "\\Noselect" in f.flags or "\\NonExistent" in f.flags:
                continue
            mb.folder.set(f.name)
            out[f.name.replace(f.delim, "/")] = sorted(_raw(mb, uid) for uid in mb.uids())
        return out


def _raw(mb, uid: str) -> bytes:
    typ, data = mb.client.uid("FETCH", uid, "(BODY.PEEK[])")
    return next(item[1] for item in data if isinstance(item, tuple))


def _watch(case_path: Path, server: Dovecot, *args: str):
    result = CliRunner().invoke(app, ["watch", str(case_path), *args, "--cafile", str(server.cert), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def url(server: Dovecot) -> str:
    return f"imaps://{USER}@127.0.0.1:{server.tls_port}"


A = mail(EX1, "I know where you are. You will pay for this.", "a@ex")
B = mail(EX2, "Pick up your things on Sunday.", "b@ex")
C = mail(SCHOOL, "The trip is on Friday.", "c@school")


def test_quarantine_from_two_aliases_others_untouched_and_second_run_does_nothing(env, case_path) -> None:
    deliver(env, A, C, B)
    first = _watch(case_path, env, "--imap", url(env), "--once")
    assert first == {"moved": 2, "stored": 2, "skipped": 0, "errors": [], "needs_you": 1}  # "I know where you are"
    box = contents(env)
    norm = lambda ms: sorted(m.replace(b"\r\n", b"\n") for m in ms)  # noqa: E731
    assert norm(box["INBOX"]) == norm([C]) and norm(box[Q]) == norm([A, B])
    second = _watch(case_path, env, "--once")  # the account is remembered in the case
    assert (second["moved"], second["stored"]) == (0, 0)
    with vault.open_case(case_path, PASS) as c:
        records = c.records(MAIL_RECORD)
        assert sorted(r["message_id"] for r in records) == ["<a@ex>", "<b@ex>"]
        assert {c.original_bytes(r["sha256"]).replace(b"\r\n", b"\n") for r in records} == set(norm([A, B]))
        assert c.records("imap-account")[-1]["port"] == env.tls_port
        assert c.records("imap-password") == []  # never stored without the reader's consent


def test_undo_moves_every_quarantined_mail_back(env, case_path) -> None:
    deliver(env, A, B, C)
    _watch(case_path, env, "--imap", url(env), "--once")
    assert _watch(case_path, env, "--undo") == {"moved_back": 2}
    box = contents(env)
    assert len(box["INBOX"]) == 3 and box[Q] == []


def test_dry_run_moves_and_stores_nothing(env, case_path) -> None:
    deliver(env, A, C)
    out = _watch(case_path, env, "--imap", url(env), "--dry-run")
    assert out["would_move"] == ["1"] and out["moved"] == 0
    assert len(contents(env)["INBOX"]) == 2
    with vault.open_case(case_path, PASS) as c:
        assert c.originals() == []


def test_malformed_and_oversized_mail(env, case_path, monkeypatch) -> None:
    broken = (b"From: ex@example.com\r\nContent-Type: multipart/mixed; boundary=zz\r\nSubject: =?x-unknown?Q?=FF?=\r\n"
              b"\r\n--zz\r\nContent-Type: text/html; charset=klingon\r\n\r\n<script>alert(1)</script>\xff\xfe\r\n")
    big = mail(EX1, "x" * 300_000, "big@ex")
    deliver(env, broken, big, C)
    monkeypatch.setenv("GREYROCK_MAX_MAIL", "200K")
    out = _watch(case_path, env, "--imap", url(env), "--once")
    assert (out["moved"], out["stored"], out["skipped"]) == (1, 1, 1)
    assert out["errors"] == [f"127.0.0.1:{env.tls_port} INBOX UID 2: 293.1 KiB, over the limit of 200 KiB; "
                             "left in the folder (lift it with GREYROCK_MAX_MAIL)."]
    box = contents(env)
    assert len(box["INBOX"]) == 2 and box[Q] == [broken]
    with vault.open_case(case_path, PASS) as c:
        assert c.original_bytes(c.records(MAIL_RECORD)[0]["sha256"]) == broken


_KILLER = """
import os, signal, ssl, sys
from greyrock import vault
from greyrock.mailbox import sweep, read_account
from greyrock.mailbox._imap import connect
case = vault.open_case(sys.argv[1], sys.argv[2])
account = read_account(case)
box = connect(account, sys.argv[3], ssl_context=ssl.create_default_context(cafile=sys.argv[4]))
box.move = lambda uid, folder: os.kill(os.getpid(), signal.SIGKILL)  # dies after the store, before the move
sweep(case, box, account, screener=None)
"""


def test_killed_between_store_and_move_the_next_run_finishes_without_a_duplicate(env, case_path) -> None:
    deliver(env, A, C)
    with vault.open_case(case_path, PASS) as c:
        from greyrock.mailbox import save_account
        save_account(c, parse_url(url(env)))
    src = str(Path(__file__).resolve().parents[2] / "src")
    proc = subprocess.run([sys.executable, "-c", _KILLER, str(case_path), PASS, PASSWORD, str(env.cert)],
                          env={**os.environ, "PYTHONPATH": src}, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    with vault.open_case(case_path, PASS) as c:
        assert len(c.originals()) == 1  # stored, committed
    assert len(contents(env)["INBOX"]) == 2  # not moved
    out = _watch(case_path, env, "--once")
    assert (out["moved"], out["stored"]) == (1, 0)
    with vault.open_case(case_path, PASS) as c:
        assert len(c.originals()) == 1 and len(c.records(MAIL_RECORD)) == 1
    box = contents(env)
    assert len(box["INBOX"]) == 1 and len(box[Q]) == 1


def test_server_killed_mid_idle_the_watcher_reconnects_and_catches_up(env, case_path) -> None:
    account = parse_url(url(env))
    context = ssl.create_default_context(cafile=str(env.cert))
    stop = threading.Event()
    log: list[str] = []
    passes: list = []

    def run() -> None:
        with vault.open_case(case_path, PASS) as c:
            watch(c, lambda: connect(account, PASSWORD, ssl_context=context, timeout=10), account, screener=None,
                  model_id="", interval=5, report=passes.append, log=log.append,
                  sleep=lambda s: stop.wait(min(s, 1)), stop=stop.is_set, max_backoff=1)

    def wait_for(check, seconds: float = 30) -> None:
        if not eventually(check, seconds, every=0.2):
            raise AssertionError(f"timed out; log: {log}")

    deliver(env, A, C)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(contents(env).get(Q, [])) == 1)
        time.sleep(1)  # the watcher is in IDLE now
        env.kill()
        time.sleep(1.5)
        env.start()
        deliver(env, B)  # arrives while the watcher is reconnecting
        wait_for(lambda: len(contents(env).get(Q, [])) == 2)
    finally:
        stop.set()
        thread.join(30)
    assert any("lost" in line or "refused" in line for line in log), log
    assert len(contents(env)["INBOX"]) == 1
    with vault.open_case(case_path, PASS) as c:
        assert len(c.originals()) == 2


def test_a_wrong_password_is_one_line_and_exit_2(env, case_path, monkeypatch) -> None:
    monkeypatch.setenv("GREYROCK_IMAP_PASSWORD", "not the password")
    result = CliRunner().invoke(app, ["watch", str(case_path), "--imap", url(env), "--once", "--cafile", str(env.cert)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == ("greyrock: the mail server said no (MailboxLoginError); check the "
                                                      "address, user and password.")


def test_an_untrusted_certificate_is_refused(env, case_path) -> None:
    result = CliRunner().invoke(app, ["watch", str(case_path), "--imap", url(env), "--once"])
    assert result.exit_code == 2
    assert "could not be reached" in result.output and "CERTIFICATE_VERIFY_FAILED" in result.output


def test_case_import_backfills_a_folder_and_moves_nothing(env, case_path, monkeypatch) -> None:
    deliver(env, A, C, B, folder="Archive")
    monkeypatch.setenv("SSL_CERT_FILE", str(env.cert))  # the self-signed certificate, trusted for this test
    result = CliRunner().invoke(app, ["case", "import", str(case_path), f"{url(env)}/Archive"])
    assert result.exit_code == 0, result.output
    assert f"imaps://reader@127.0.0.1:{env.tls_port}/Archive: 2 stored, 0 moved, 0 left out." in result.output
    assert len(contents(env)["Archive"]) == 3
    with vault.open_case(case_path, PASS) as c:
        assert sorted(r["message_id"] for r in c.records(MAIL_RECORD)) == ["<a@ex>", "<b@ex>"]

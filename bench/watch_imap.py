"""How fast `greyrock watch --once` quarantines mail on a real IMAP server, and its memory.

    python bench/watch_imap.py              # 10,000 mails, half of them the other person's
    python bench/watch_imap.py --n 2000

A throw-away Dovecot on 127.0.0.1 (TLS, self-signed certificate, Maildir in a temporary
folder; Debian's dovecot-imapd must be installed) receives N mails by APPEND: every other
one from one of the other person's two addresses, the rest from a school. Then
`greyrock watch CASE --once --json` runs as a child process, as a scheduled job would;
wall time covers start-up, model load, the header listing, and for each of the other
person's mails: fetch, store (one committed transaction), screen and MOVE. Peak memory is
the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

LINES = ["Pick up the kids at 6 on Sunday.", "You never listen. This is all your fault.",
         "Did you get the school form?", "I miss you, please call me back.", "The car insurance is due."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()

    import imap_tools

    from greyrock import vault
    from greyrock.people import set_roles
    from greyrock.vault import KdfParams
    from tests.mailbox._dovecot import PASSWORD, USER, Dovecot, missing

    if missing():
        sys.exit(f"bench/watch_imap.py: {missing()}")
    with tempfile.TemporaryDirectory() as tmp:
        server = Dovecot(Path(tmp) / "dovecot").setup()
        server.start()
        try:
            context = ssl.create_default_context(cafile=str(server.cert))
            began = time.perf_counter()
            with imap_tools.MailBox("127.0.0.1", server.tls_port, ssl_context=context).login(USER, PASSWORD) as mb:
                for i in range(args.n):
                    sender = ("ex@example.com", "office@school.example.org", "ex.alias@example.net",
                              "office@school.example.org")[i % 4]
                    mb.append((f"From: {sender}\r\nTo: me@example.org\r\nSubject: note {i}\r\n"
                               f"Message-ID: <{i}@bench>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\n"
                               f"{LINES[i % len(LINES)]} ({i})\r\n").encode(), "INBOX")
            delivered = time.perf_counter() - began
            case = Path(tmp) / "case.grc"
            with vault.create_case(case, "a long bench passphrase", kdf=KdfParams(1, 10, 1)) as c:
                set_roles(c, other=["ex@example.com", "ex.alias@example.net"])
            env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "GREYROCK_PASSPHRASE": "a long bench passphrase",
                   "GREYROCK_IMAP_PASSWORD": PASSWORD}
            began = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "greyrock", "watch", str(case), "--imap",
                                  f"imaps://{USER}@127.0.0.1:{server.tls_port}", "--cafile", str(server.cert),
                                  "--once", "--json"], env=env, capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"bench/watch_imap.py: watch failed: {out.stderr.strip()}")
            wall = time.perf_counter() - began
        finally:
            server.stop()
    summary = json.loads(out.stdout)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"delivered {args.n} mails by APPEND in {delivered:.1f} s")
    print(f"watch --once: {summary['moved']} moved, {summary['stored']} stored, {len(summary['errors'])} errors "
          f"in {wall:.1f} s: {summary['moved'] / wall:.0f} mails/s quarantined; peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()

"""A throw-away Dovecot on 127.0.0.1: its own config, self-signed certificate, password
file and Maildir in a temporary folder. Tests that need it skip, naming what is missing,
where Debian's dovecot-imapd is not installed (`.ci/run` installs it where it can)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "reader", "imap test password"


def missing() -> str | None:
    """Why no server can be started here, or None."""
    if not Path(DOVECOT).exists():
        return "Debian's dovecot-imapd is not installed (apt-get install dovecot-imapd)"
    if not shutil.which("openssl"):
        return "openssl is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Dovecot:
    root: Path
    port: int = 0
    tls_port: int = 0
    process: subprocess.Popen | None = None

    @property
    def cert(self) -> Path:
        return self.root / "cert.pem"

    def setup(self) -> Dovecot:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:  # Dovecot never gives mail to uid 0: the mail belongs to its own user
            for parent in [self.root, *self.root.parents]:  # which must reach it (pytest's folders are 0700)
                if parent == Path(parent.anchor) or parent == Path("/tmp"):
                    break
                os.chmod(parent, os.stat(parent).st_mode | 0o011)
            internal = mail_user = "dovecot"
            login = "dovenull"
        else:
            internal = login = mail_user = pwd.getpwuid(os.geteuid()).pw_name
        pw = pwd.getpwnam(mail_user)
        mail = self.root / "mail"
        mail.mkdir(exist_ok=True)
        os.chown(mail, pw.pw_uid, pw.pw_gid)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                        str(self.root / "key.pem"), "-out", str(self.cert)], check=True, capture_output=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        self.port, self.tls_port = _free_port(), _free_port()
        (self.root / "dovecot.conf").write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {min(pw.pw_uid, 100)}
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={pw.pw_uid} gid={pw.pw_gid} home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
        return self

    def start(self) -> None:
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)  # its own group: kill() ends its children too
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.tls_port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        log = (self.root / "dovecot.log").read_text() if (self.root / "dovecot.log").exists() else ""
        raise RuntimeError(f"dovecot did not start: {log[-2000:]}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the master and every imap process: connections drop
            self.process.wait(10)
            # its imap children keep the listening socket for a moment: wait for the ports
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.tls_port), timeout=0.2):
                    time.sleep(0.05)
            except OSError:
                return

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

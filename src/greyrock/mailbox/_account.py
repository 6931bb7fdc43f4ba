"""Which mailbox to watch, remembered in the case, and where its password comes from.

The account (server, user, folders; never the password) is a record in the case, so a
later `greyrock watch CASE` needs nothing else. The password is looked up in this order:
GREYROCK_IMAP_PASSWORD (scripts, tests), the case (only where the reader agreed to keep it
there: the case is encrypted), then the OS keyring where the `keyring` package is installed
and works. It is never taken from the command line, where other users of the machine and
the shell's history would see it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from urllib.parse import unquote, urlsplit

from greyrock.errors import InputError
from greyrock.vault import Case

__all__ = ["ACCOUNT_RECORD", "Account", "find_password", "parse_url", "read_account", "save_account", "save_password"]

ACCOUNT_RECORD = "imap-account"
PASSWORD_RECORD = "imap-password"
QUARANTINE = "greyrock/quarantine"
_LOCAL = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Account:
    """One mailbox: `security` is "tls" (imaps), "starttls" (imap) or "plain" (local tests only)."""

    host: str
    port: int
    user: str
    security: str
    folder: str = "INBOX"
    quarantine: str = QUARANTINE

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self) -> str:
        scheme = "imaps" if self.security == "tls" else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_url(url: str, *, insecure_local: bool = False, quarantine: str = QUARANTINE) -> Account:
    """`imaps://USER@HOST[:PORT][/Folder]` (TLS) or `imap://…` (STARTTLS; plain text only to
    127.0.0.1 with `insecure_local`). A password in the URL is refused: it would be in argv."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise InputError(f"{url!r}: not an IMAP address; give imaps://USER@HOST[:PORT].")
    if parts.password is not None:
        raise InputError("an IMAP password is never taken from the command line; set GREYROCK_IMAP_PASSWORD "
                         "or let greyrock ask for it.")
    if not parts.username or not parts.hostname:
        raise InputError(f"{url!r}: give the user and the server, as imaps://USER@HOST[:PORT].")
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"{url!r}: the port is not a number.") from None
    host = parts.hostname
    if parts.scheme == "imaps":
        security = "tls"
    elif insecure_local:
        if host not in _LOCAL:
            raise InputError("--insecure-local sends the password in plain text: only to 127.0.0.1.")
        security = "plain"
    else:
        security = "starttls"
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return Account(host, port or (993 if security == "tls" else 143), unquote(parts.username), security,
                   folder, quarantine)


def read_account(case: Case) -> Account | None:
    """The account last remembered in the case, if any."""
    records = case.records(ACCOUNT_RECORD)
    if not records:
        return None
    data = {k: v for k, v in records[-1].items() if k in Account.__dataclass_fields__}
    return Account(**data)


def save_account(case: Case, account: Account) -> None:
    """Remember the account (a chained record; no password) when it differs from the last one."""
    if read_account(case) != account:
        with case.transaction():
            case.add_record(ACCOUNT_RECORD, asdict(account))


def save_password(case: Case, account: Account, password: str) -> None:
    """Keep the password in the (encrypted) case: only when the reader said yes."""
    with case.transaction():
        case.add_record(PASSWORD_RECORD, {"server": account.server, "user": account.user, "password": password})


def find_password(case: Case, account: Account) -> str | None:
    """The password from the environment, the case, or the OS keyring; None when none has it."""
    env = os.environ.get("GREYROCK_IMAP_PASSWORD")
    if env:
        return env
    for record in reversed(case.records(PASSWORD_RECORD)):
        if record.get("server") == account.server and record.get("user") == account.user:
            return str(record["password"])
    return _keyring(account)


def _keyring(account: Account) -> str | None:
    """The OS keyring's entry for the account, where `keyring` is installed and has a backend;
    any failure there (no backend, a locked keyring, no session bus) means "not found"."""
    try:
        import keyring  # type: ignore[import-not-found]

        return keyring.get_password(f"greyrock-imap:{account.server}", account.user)
    except Exception:
        return None

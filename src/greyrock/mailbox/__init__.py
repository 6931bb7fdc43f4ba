"""The live mailbox shield: the other person's mail, stored in the case, then moved out
of the inbox into a quarantine folder (`greyrock watch`).

`_account` remembers the mailbox and finds its password; `_store` puts one mail's bytes in
the case; `_watch` is the store-then-move pass and the loop around it; `_imap` is the
connection (imap-tools), imported only when a server is reached.
"""

from ._account import QUARANTINE, Account, find_password, parse_url, read_account, save_account, save_password
from ._store import MAIL_RECORD, Stored, store_mail
from ._watch import Mailbox, PassResult, max_mail, sweep, undo, watch

__all__ = ["MAIL_RECORD", "QUARANTINE", "Account", "Mailbox", "PassResult", "Stored", "find_password", "max_mail",
           "parse_url", "read_account", "save_account", "save_password", "store_mail", "sweep", "undo", "watch"]

"""The case file: an encrypted, append-only, tamper-evident evidence vault.

    case = vault.create_case("case.grc", passphrase)
    with case.transaction():
        oid, new = case.add_original("sms.xml", stream, sha256)
        for row_id, message in case.add_messages(messages, {"sms.xml": oid}): ...
    case.verify().fingerprint

The vault knows nothing of export formats; `greyrock.pipeline` feeds it.
"""

from __future__ import annotations

import os

from ._case import Case, StoredMessage, VerifyResult
from ._kdf import KdfParams
from ._chain import entry_hash, genesis, short_fingerprint
from ._labels import LABELS, Correction
from ._opening import message_field_names, payload_of

__all__ = ["LABELS", "Case", "Correction", "KdfParams", "StoredMessage", "VerifyResult", "create_case", "entry_hash",
           "genesis", "message_field_names", "open_case", "payload_of", "short_fingerprint"]


def create_case(path: str | os.PathLike[str], passphrase: str, kdf: KdfParams | None = None) -> Case:
    return Case.create(path, passphrase, kdf)


def open_case(path: str | os.PathLike[str], passphrase: str) -> Case:
    return Case.open(path, passphrase)

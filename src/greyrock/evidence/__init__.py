"""Evidence bundles: what a lawyer hands to the court and the other side, checkable by anyone.

    result = evidence.write_bundle(case, "bundle", evidence.BundleOptions(start=date(2025, 3, 1)))
    check = evidence.verify_bundle("bundle")     # no passphrase, no case file
    check.ok, check.fingerprint                   # the case's fingerprint when the bundle was made

A bundle holds the exports the report's messages came from (`originals/`), their
attachments (`attachments/`, named by `attachment_path`), the report with its CSV and
JSON record, a manifest with the SHA-256 of every file and the case's hash chain (the
entries the bundle holds opened, the others sealed: see `_manifest`), `SHA256SUMS`, and
`HOW-TO-CHECK.txt`. The reader's safety plan, urges, reasons card and danger-sign
answers never leave the case.
"""

from __future__ import annotations

from ._bundle import PRIVATE_RECORDS, BundleOptions, BundleResult, NotIntact, bundle_zip, write_bundle
from ._manifest import MANIFEST_VERSION
from ._names import attachment_path, original_path, safe_name
from ._verify import BundleCheck, BundleDamaged, verify_bundle

__all__ = [
    "MANIFEST_VERSION",
    "PRIVATE_RECORDS",
    "BundleCheck",
    "BundleDamaged",
    "BundleOptions",
    "BundleResult",
    "NotIntact",
    "attachment_path",
    "bundle_zip",
    "original_path",
    "safe_name",
    "verify_bundle",
    "write_bundle",
]

"""HOW-TO-CHECK.txt: how anyone checks a bundle, with greyrock or with nothing but sha256sum.

Written for a lawyer, a clerk or the other side's expert: plain text, no jargon that is
not explained, and nothing about the reader beyond what the bundle already shows.
"""

from __future__ import annotations

__all__ = ["how_to_check"]


def how_to_check(short: str, full: str, entries: int, opened: int, sealed: int) -> str:
    return f"""\
HOW TO CHECK THIS EVIDENCE BUNDLE
=================================

This folder was written by greyrock from an encrypted case file. It holds:

  originals/      the message exports the messages came from, byte for byte, under
                  their original names (a second file of the same name gets " (2)")
  attachments/    the photos, voice notes and files those messages carry, each named
                  m<message number>-<its place in the message>-<its name in the export>,
                  as the report's log names it
  report.pdf      the report; messages.csv and record.json: the same record as data
  manifest.json   the SHA-256 of every file, and the case's hash chain (see below)
  SHA256SUMS      the SHA-256 of every file, in the format of the sha256sum tool

The case's fingerprint when this bundle was made:

  {short}
  (full hash {full})

It is the same fingerprint that 'greyrock case verify' and 'greyrock fingerprint' print
for the case at that moment. Compare it with one you received separately (for example
from the report's cover, or from the person who kept the case): a bundle that matches
the fingerprint holds exactly what the case held.


1. WITH GREYROCK (no passphrase and no case file needed)

    greyrock evidence verify THIS-FOLDER

It checks every file against the manifest, and recomputes the case's chain of
{entries} entries from the manifest up to the fingerprint. It prints "intact" and the
fingerprint (exit status 0), or names the first file or entry that does not match
(exit status 1).


2. WITH NOTHING BUT sha256sum (the files only)

In this folder, on Linux or in Git Bash / WSL on Windows:

    sha256sum -c SHA256SUMS

On macOS: shasum -a 256 -c SHA256SUMS

Every line must say OK. This proves the files are the ones listed in SHA256SUMS and in
manifest.json; it does not by itself tie them to the fingerprint. That is what step 1
does with the chain.


ABOUT THE CHAIN

The case commits to every record it holds, in order, in a chain of SHA-256 hashes: each
entry's hash covers the hash of the entry before it and a digest of one record. The last
hash is the fingerprint. manifest.json lists every entry ("chain"). {opened} entries are
opened: the manifest shows the record's values (the messages in the report, the exports
and attachments above, their screening), so the digest can be recomputed from them and
from the files. {sealed} entries are sealed: records this bundle does not include (messages
outside the bundle's period or with other people, settings and the case's other records) take
part only by their digest. They cannot be read from it, but none can be removed or
changed without changing the fingerprint, and their number is fixed by the chain.

record.json's messages are tied to the chain: each message there must be an opened entry
with the same text, time, sender and source, and every opened message must be in
record.json, so a message removed from or changed in record.json is found.
"""

"""`Case.entry_opening` and `payload_of`: every entry's digest can be redone from its opening."""

from __future__ import annotations

from greyrock import pipeline, safety, vault
from tests.conftest import FIXTURES


def test_every_entry_of_a_case_is_recomputed_from_its_opening(case) -> None:
    pipeline.import_export(case, FIXTURES / "sms-backup-restore" / "sms_and_mms.xml")
    safety.log_urge(case, "an urge")
    kinds = set()
    head = vault.genesis(case.case_id)
    for seq, kind, ref, payload, h in case.chain_entries():
        assert vault.payload_of(kind, case.entry_opening(kind, ref)) == payload, (seq, kind)
        head = vault.entry_hash(head, seq, kind, ref, payload)
        assert head == h
        kinds.add(kind)
    assert kinds == {"meta", "original", "message", "blob", "record"}
    assert head == case.verify().fingerprint


def test_a_changed_opening_gives_another_digest(case) -> None:
    pipeline.import_export(case, FIXTURES / "sms-backup-restore" / "sms_small.xml")
    seq, kind, ref, payload, _ = next(e for e in case.chain_entries() if e[1] == "message")
    opening = case.entry_opening(kind, ref)
    opening["fields"][-3] += " "
    assert vault.payload_of(kind, opening) != payload
    for bad in ({"format": 2}, {"format": 3, "fields": []}, {"format": 2, "fields": [1] * 14}, None):
        try:
            vault.payload_of("message", bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_a_sealed_record_cannot_be_recovered_by_hashing_guesses(case) -> None:
    """Two records with the same kind, time and data still get different digests (a random
    salt), so a bundle's sealed danger-sign answer cannot be found by trying every sign."""
    with case.transaction():
        first = case.add_record("risk_answer", {"sign": "strangulation", "answer": "yes"})
        second = case.add_record("risk_answer", {"sign": "strangulation", "answer": "yes"})
    digests = {ref: payload for _, kind, ref, payload, _ in case.chain_entries() if kind == "record"}
    assert digests[first] != digests[second]
    opening = case.entry_opening("record", first)
    guess = {**opening, "data": '{"answer":"yes","sign":"strangulation"}'}
    assert vault.payload_of("record", guess) != digests[first]
    assert vault.payload_of("record", opening) == digests[first]
    assert [{k: v for k, v in r.items() if k not in ("id", "created_at")} for r in case.records("risk_answer")] == [
        {"sign": "strangulation", "answer": "yes"}] * 2  # the salt is never handed to a reader of records

"""A case with attachments, screening, a journal, and the reader's private records.

The SMS backup fixture (a real export with MMS photos) is imported; +15550000011, who sent
two MMS photos, is the other person, +15550000001 a third person. The reader has a safety
plan (code word, a trusted person, notes), logged an urge, wrote a reasons card and
confirmed a danger sign: none of these may appear in a bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from greyrock import evidence, journal, people, pipeline, safety, settings, vault
from greyrock.vault import Case
from tests.conftest import CHEAP, FIXTURES, PASS

SMS = FIXTURES / "sms-backup-restore" / "sms_and_mms.xml"
OTHER = "+15550000011"
THIRD = "+15550000001"
CODE_WORD = "Marigold-Lighthouse-47"
TRUSTED = "Rosalind Featherstone"
PLAN_NOTES = "Spare key is under the blue flowerpot at the allotment."
URGE = "He sent the sober message. I want to believe him."
REASONS = "Because the children sleep through the night now, and so do I."
SIGN = "strangulation"
SIGN_STATEMENT = "They have choked or strangled me, or tried to."
JOURNAL = "He waited by the school gate shouting at the teachers."
PRIVATE_TEXTS = (CODE_WORD, TRUSTED, PLAN_NOTES, URGE, REASONS)


@dataclass
class Built:
    path: Path
    fingerprint: str
    short: str
    entries: int
    other_ids: list[int]


def build(path: Path) -> Built:
    case = vault.create_case(path, PASS, kdf=CHEAP)
    try:
        settings.update_settings(case, timezone="America/New_York")  # the CLI would add one otherwise
        pipeline.import_export(case, SMS)
        people.set_roles(case, other=[OTHER], third=[THIRD])
        theirs = [s.id for s in case.messages() if s.message.sender == OTHER]
        with case.transaction():
            case.add_finding(theirs[0], "test-model", {"labels": ["threat"], "needs_reply": False, "scores": {},
                                                       "tactics": [], "spans": [], "summary": "", "danger": []})
        case.correct_labels(theirs[-1], add=["coercion"], note="sent at night")
        safety.save_plan(case, safety.Plan.from_dict({
            "phase": "after_leaving", "code_word": CODE_WORD,
            "team": [{"role": "trusted_person", "name": TRUSTED, "contact": "+1 555 010 7788"}],
            "sections": {"safe_places": {"done": [], "notes": PLAN_NOTES}}}))
        safety.log_urge(case, URGE)
        safety.set_reasons(case, REASONS)
        safety.confirm_sign(case, SIGN, [theirs[0]])
        journal.add_entry(case, {"when": "2015-03-02 08:30", "what_happened": JOURNAL})
        result = case.verify()
        assert result.ok
        return Built(path, result.fingerprint, result.short_fingerprint, result.entries, theirs)
    finally:
        case.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("case") / "case.grc")


@pytest.fixture(scope="module")
def pristine(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle written once; tests that damage it work on a copy (`bundle`)."""
    out = tmp_path_factory.mktemp("bundles") / "bundle"
    with vault.open_case(built.path, PASS) as case:
        evidence.write_bundle(case, out)
    return out


@pytest.fixture
def bundle(pristine: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "bundle"
    shutil.copytree(pristine, copy)
    return copy


def open_case(built: Built) -> Case:
    return vault.open_case(built.path, PASS)

"""A new passphrase that is easy to guess is refused, with the reason, a strong example and
the flag that accepts it anyway (`case create`, `case passwd`, `case backup`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import vault
from greyrock._words import WORDS
from greyrock.cli import app
from greyrock.errors import WrongPassphrase
from greyrock.passphrase import MIN_SCORE, example_passphrase, strength

runner = CliRunner()
STRONG = "quince harbor velvet comet"
_EXAMPLE = re.compile(r'for example: "([a-z ]+)"')


def _example_in(stderr: str) -> str:
    found = _EXAMPLE.search(stderr)
    assert found, stderr
    return found.group(1)


def test_create_refuses_a_one_character_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "c.grc"
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "1")
    result = runner.invoke(app, ["case", "create", str(case)])
    assert result.exit_code == 2
    assert result.stderr.startswith("greyrock: This passphrase is too weak: someone who gets the case file could "
                                    "guess it in less than a second.")
    assert "--allow-weak-passphrase" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    example = _example_in(result.stderr).split()
    assert len(example) == 4 and all(w in WORDS for w in example)
    assert not case.exists()


def test_the_reason_names_what_makes_it_guessable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "maria2019")
    result = runner.invoke(app, ["case", "create", str(tmp_path / "c.grc")])
    assert result.exit_code == 2 and "Common names and surnames are easy to guess." in result.stderr
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "password123")
    result = runner.invoke(app, ["case", "create", str(tmp_path / "c.grc")])
    assert result.exit_code == 2 and "This is a very common password." in result.stderr


def test_a_name_from_the_case_file_counts_against_it() -> None:
    assert not strength("zanzibarqueen!").weak
    assert strength("zanzibarqueen!", ["zanzibarqueen"]).weak


def test_the_flag_accepts_a_weak_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "c.grc"
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "1")
    result = runner.invoke(app, ["case", "create", str(case), "--allow-weak-passphrase"])
    assert result.exit_code == 0, result.output
    vault.open_case(case, "1").close()


def test_passwd_refuses_a_weak_new_one_and_keeps_the_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "c.grc"
    monkeypatch.setenv("GREYROCK_PASSPHRASE", STRONG)
    assert runner.invoke(app, ["case", "create", str(case)]).exit_code == 0
    monkeypatch.setenv("GREYROCK_NEW_PASSPHRASE", "letmein")
    result = runner.invoke(app, ["case", "passwd", str(case)])
    assert result.exit_code == 2 and "too weak" in result.stderr
    vault.open_case(case, STRONG).close()
    with pytest.raises(WrongPassphrase):
        vault.open_case(case, "letmein")
    assert runner.invoke(app, ["case", "passwd", str(case), "--allow-weak-passphrase"]).exit_code == 0
    vault.open_case(case, "letmein").close()


def test_backup_refuses_a_weak_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case, copy = tmp_path / "c.grc", tmp_path / "copy.grc"
    monkeypatch.setenv("GREYROCK_PASSPHRASE", STRONG)
    runner.invoke(app, ["case", "create", str(case)])
    monkeypatch.setenv("GREYROCK_BACKUP_PASSPHRASE", "qwerty")
    result = runner.invoke(app, ["case", "backup", str(case), str(copy)])
    assert result.exit_code == 2 and "too weak" in result.stderr and not copy.exists()


def test_in_a_terminal_a_weak_one_is_explained_and_asked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from greyrock.cli import _passphrase

    typed = iter(["1", STRONG])
    monkeypatch.delenv("GREYROCK_PASSPHRASE", raising=False)
    monkeypatch.setattr(_passphrase, "ask_passphrase", lambda *a, **k: next(typed))
    case = tmp_path / "c.grc"
    result = runner.invoke(app, ["case", "create", str(case)])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("too weak") == 1
    vault.open_case(case, STRONG).close()


def test_examples_are_random_strong_words() -> None:
    examples = {example_passphrase() for _ in range(20)}
    assert len(examples) == 20
    for e in examples:
        words = e.split()
        assert len(words) == 4 and all(w in WORDS for w in words)
        assert strength(e).score >= MIN_SCORE

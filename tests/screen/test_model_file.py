"""The shipped model is checked before use, and every way it can be unusable is its own
ModelError: screening never silently runs without a model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from greyrock.errors import ModelCorrupt, ModelIncompatible, ModelMissing
from greyrock.screen import Model
from greyrock.screen._model import default_model_dir


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "model"
    shutil.copytree(default_model_dir(), dest)
    return dest


def test_shipped_model_loads_and_is_small() -> None:
    model = Model()
    assert model.outputs[:7] == ["threat", "coercion", "verbal_abuse", "manipulation", "hoovering", "logistics", "needs_reply"]
    assert (default_model_dir() / "model.onnx").stat().st_size < 30_000_000
    assert len(model.sha256) == 64


def test_new_thresholds_for_the_same_network_are_a_new_model_id(model_copy: Path) -> None:
    """Findings record the model id; it must tell apart two screens that label differently."""
    before = Model(model_copy)
    meta = json.loads((model_copy / "model.json").read_text(encoding="utf-8"))
    meta["thresholds"][0] = round(meta["thresholds"][0] + 0.05, 4)
    (model_copy / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    after = Model(model_copy)
    assert after.sha256 == before.sha256 and after.id != before.id and len(after.id) == 64


def test_flipped_byte_in_model_is_refused(model_copy: Path) -> None:
    onnx = model_copy / "model.onnx"
    data = bytearray(onnx.read_bytes())
    data[len(data) // 2] ^= 0x01
    onnx.write_bytes(bytes(data))
    with pytest.raises(ModelCorrupt, match="does not match the SHA-256"):
        Model(model_copy)


def test_truncated_tokenizer_is_refused(model_copy: Path) -> None:
    tok = model_copy / "tokenizer.json"
    tok.write_bytes(tok.read_bytes()[:1000])
    with pytest.raises(ModelCorrupt):
        Model(model_copy)


def test_missing_model_is_refused(model_copy: Path) -> None:
    (model_copy / "model.onnx").unlink()
    with pytest.raises(ModelMissing, match="screening cannot run"):
        Model(model_copy)


@pytest.mark.parametrize(
    ("change", "error"),
    [({"format_version": 99}, ModelIncompatible), ({"labels": ["threat", "abuse"]}, ModelIncompatible)],
)
def test_incompatible_description_is_refused(model_copy: Path, change: dict, error: type) -> None:
    meta_path = model_copy / "model.json"
    meta = json.loads(meta_path.read_text())
    meta.update(change)
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(error):
        Model(model_copy)

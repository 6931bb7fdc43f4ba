"""The shipped classifier: loading it loudly, and running it on any text.

The model is a fine-tuned all-MiniLM-L6-v2 exported to ONNX (int8), run with onnxruntime
and the `tokenizers` library: no torch, no hub, no network. It is checked before use
(presence, SHA-256, format version, label order), and any failure stops screening with a
ModelError: silently screening with no model would hide threats.

Long texts are windowed, not truncated: a threat at the end of a long e-mail is scored in
its own window, and a message's score is the highest of its windows.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from greyrock.errors import ModelCorrupt, ModelIncompatible, ModelMissing

from ._vocab import LABELS

__all__ = ["MODEL_FORMAT_VERSION", "Model", "default_model_dir"]

# v2 - MiniLM-L6 int8 with per-token activation scales (v1 had one scale per run, so it
# could not be batched), mean pooling; outputs: six labels, needs_reply, tactics.
MODEL_FORMAT_VERSION = 2
_STRIDE = 32  # tokens shared by neighbouring windows, so no phrase is cut in two
_BATCH_TOKENS = 512  # padded tokens per run: measured fastest on 2 cores (vs 16 sequences: +5%)


# A model.json without its own threat watch line gets this share of the threat threshold: a
# fixed rule, not fitted to any set, so that a near-threat is shown to the reader to judge.
WATCH_SHARE = 0.5


def default_model_dir() -> Path:
    return Path(str(resources.files("greyrock.screen") / "model"))


@dataclass(frozen=True)
class _Meta:
    outputs: list[str]
    temperatures: np.ndarray
    thresholds: np.ndarray
    max_length: int
    sha256: str
    watch: float  # threat scores from here up to the threshold are shown to the reader to check
    id: str  # what decided the labels: the files and every number model.json decides with


class Model:
    """Loaded once, then `probabilities(texts)` gives calibrated scores per output."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, threads: int | None = None) -> None:
        self.directory = Path(directory) if directory else default_model_dir()
        self.meta = self._read_meta()
        self._session = self._load_session()
        self._pool = ThreadPoolExecutor(max_workers=threads or min(4, os.cpu_count() or 1))
        self._tokenizer = self._load_tokenizer()

    @property
    def outputs(self) -> list[str]:
        return self.meta.outputs

    @property
    def thresholds(self) -> dict[str, float]:
        return {name: float(t) for name, t in zip(self.meta.outputs, self.meta.thresholds)}

    @property
    def sha256(self) -> str:
        return self.meta.sha256

    @property
    def id(self) -> str:
        """Recorded with every finding. The ONNX file alone does not decide a label: new
        thresholds or temperatures for the same network are a different screen."""
        return self.meta.id

    @property
    def watch(self) -> float:
        return self.meta.watch

    def _file(self, name: str) -> Path:
        path = self.directory / name
        if not path.is_file():
            raise ModelMissing(
                f"Classifier model file not found at {path}; screening cannot run.",
                "Reinstall greyrock or restore the file.",
            )
        return path

    def _read_meta(self) -> _Meta:
        path = self._file("model.json")
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelCorrupt(f"{path}: unreadable model description ({exc}).", "Reinstall greyrock.") from exc
        if meta.get("format_version") != MODEL_FORMAT_VERSION:
            raise ModelIncompatible(
                f"{path}: model format {meta.get('format_version')!r}, this greyrock reads {MODEL_FORMAT_VERSION}.",
                "Install the greyrock release that shipped this model.",
            )
        if meta.get("labels") != LABELS or meta.get("outputs", [])[: len(LABELS) + 1] != [*LABELS, "needs_reply"]:
            raise ModelIncompatible(f"{path}: the model's labels are not labels.md's six labels in order.")
        for name in ("model.onnx", "tokenizer.json"):
            digest = hashlib.sha256(self._file(name).read_bytes()).hexdigest()
            if digest != meta.get("sha256", {}).get(name):
                raise ModelCorrupt(
                    f"{self.directory / name}: does not match the SHA-256 in model.json; it is damaged or was changed.",
                    "Reinstall greyrock or restore the file.",
                )
        n = len(meta["outputs"])
        temps, ths = np.asarray(meta["temperatures"], float), np.asarray(meta["thresholds"], float)
        if temps.shape != (n,) or ths.shape != (n,):
            raise ModelCorrupt(f"{path}: temperatures and thresholds do not match the outputs.")
        threat = float(ths[meta["outputs"].index("threat")])
        watch = meta.get("watch", {}).get("threat", threat * WATCH_SHARE)
        if not isinstance(watch, (int, float)) or not 0 < watch <= threat:
            raise ModelCorrupt(f"{path}: the threat watch line must lie between 0 and the threat threshold.")
        decided = json.dumps([meta["sha256"], meta["outputs"], temps.tolist(), ths.tolist(), float(watch),
                              int(meta["max_length"])], sort_keys=True)
        return _Meta(meta["outputs"], temps, ths, int(meta["max_length"]), meta["sha256"]["model.onnx"], float(watch),
                     hashlib.sha256(decided.encode()).hexdigest())

    def _load_session(self):
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"  # as greyrock/__init__.py: no telemetry files
        import onnxruntime as ort

        if hasattr(ort, "disable_telemetry_events"):  # onnxruntime was imported before greyrock
            ort.disable_telemetry_events()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # parallel across batches instead (see probabilities)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            return ort.InferenceSession(str(self._file("model.onnx")), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelCorrupt(f"{self.directory / 'model.onnx'}: onnxruntime cannot load it ({exc}).") from exc

    def _load_tokenizer(self):
        from tokenizers import Tokenizer

        try:
            tok = Tokenizer.from_file(str(self._file("tokenizer.json")))
        except Exception as exc:
            raise ModelCorrupt(f"{self.directory / 'tokenizer.json'}: cannot be loaded ({exc}).") from exc
        tok.no_padding()
        tok.no_truncation()
        return tok

    def _run_batch(self, seqs: list[list[int]]) -> np.ndarray:
        width = max(map(len, seqs))
        ids = np.zeros((len(seqs), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, seq in enumerate(seqs):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def _windows(self, ids: list[int]) -> list[list[int]]:
        """[CLS] … [SEP] windows of at most max_length tokens covering the whole text."""
        if len(ids) <= self.meta.max_length:
            return [ids]
        cls, body, sep = ids[0], ids[1:-1], ids[-1]
        size = self.meta.max_length - 2
        step = size - _STRIDE
        return [[cls, *body[i : i + size], sep] for i in range(0, max(1, len(body) - _STRIDE), step)]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, one column per output."""
        if not texts:
            return np.zeros((0, len(self.meta.outputs)))
        encodings = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        # Each distinct window runs once: the same sentence recurs ("ok", a signature, a
        # piece cut again for the summary), and a window's scores do not depend on its batch.
        seqs: list[list[int]] = []
        index: dict[tuple[int, ...], int] = {}
        owner: list[int] = []
        ran: list[int] = []
        for i, enc in enumerate(encodings):
            for window in self._windows(enc.ids):
                key = tuple(window)
                k = index.get(key)
                if k is None:
                    k = index[key] = len(seqs)
                    seqs.append(window)
                owner.append(i)
                ran.append(k)
        # The model quantises activations per token (training/per_row.py), so a message's
        # scores do not depend on what it is batched with. Batches of similar length keep
        # padding low; threads keep both cores busy.
        chunks: list[list[int]] = [[]]
        for k in sorted(range(len(seqs)), key=lambda k: len(seqs[k])):
            if chunks[-1] and (len(chunks[-1]) + 1) * len(seqs[k]) > _BATCH_TOKENS:
                chunks.append([])
            chunks[-1].append(k)
        logits = np.zeros((len(seqs), len(self.meta.outputs)), dtype=np.float32)
        for chunk, result in zip(chunks, self._pool.map(lambda c: self._run_batch([seqs[k] for k in c]), chunks)):
            logits[chunk] = result
        probs = 1.0 / (1.0 + np.exp(-logits / self.meta.temperatures))
        out = np.zeros((len(texts), len(self.meta.outputs)))
        np.maximum.at(out, np.asarray(owner), probs[np.asarray(ran)])
        return out

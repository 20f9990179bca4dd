"""Trained-model files: read a stable-baselines3 zip without ever unpickling anything in it.

A stable-baselines3 ``.zip`` stores, next to its weights, a ``data`` member whose non-JSON fields
(spaces, schedules, the policy class...) are cloudpickled: ``PPO.load`` unpickles them, so a shared
model file can run any code on the machine that loads it. This module never does. It reads

* ``data``: parsed as JSON only; ``:serialized:`` values are never decoded (two plain fields, the
  shapes of the spaces, are compared with ``config.json`` to catch a record of another model);
* ``policy.pth``: the policy's weights, read with ``torch.load(weights_only=True)`` (tensors and
  plain containers only);
* ``config.json`` beside the zip (written by ``causalworld train``): its ``sb3_policy`` section names
  the algorithm and policy class (looked up in fixed tables, never imported by name from the file),
  the observation and action spaces and the policy's constructor arguments, as plain data
  (:mod:`causalworld.baselines.policy_description`).

From these it rebuilds the stable-baselines3 policy object and loads the weights into it; acting
goes through the policy's own ``predict``, so actions are exactly those of ``model.predict``.
A file without one of these parts is refused with a :class:`ModelFileError` naming the part.

Models trained elsewhere (no ``config.json``) can only be read by stable-baselines3's own loader,
which unpickles: that needs ``trust_model_file=True`` (``--trust-model-file`` on the command line),
for files whose origin you trust.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from causalworld.baselines.policy_description import (
    ALGORITHMS,
    ModelFileError,
    build_policy,
    describe_policy,
    require_sb3,
    space_from_json,
    space_to_json,
)

MAX_ARCHIVE_BYTES = 1 << 30
"""Larger model files are refused unread (a paper-size MLP policy is a few MB)."""
MAX_MEMBER_BYTES = 1 << 30
MAX_RECORD_BYTES = 16 << 20
TRUST_HINT = ("pass --trust-model-file (trust_model_file=True in Python) to load it with stable-baselines3's own "
              "loader instead, which unpickles parts of the file and so runs any code hidden in it: only for "
              "files whose origin you trust")
POLICY_SECTION = "sb3_policy"
"""Key of the policy description in ``config.json``."""
@dataclass(frozen=True)
class ModelFile:
    """A model file's bytes and its training record, read once and usable on any machine (Ray ships it).

    Attributes:
        name: where it was read from (for messages).
        archive: the bytes of the ``.zip``.
        record: the ``config.json`` beside it, or None when there is none.
        trust: whether stable-baselines3's unpickling loader may be used for it.
    """

    name: str
    archive: bytes
    record: dict[str, Any] | None
    trust: bool = False


def read_model_file(path: str | Path, trust_model_file: bool = False) -> ModelFile:
    """Read a model ``.zip`` and the ``config.json`` beside it (nothing is decoded yet).

    Raises:
        FileNotFoundError: no such file.
        ModelFileError: not a zip file, too large, or an unreadable ``config.json``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"agent model file not found: {path}")
    if path.stat().st_size > MAX_ARCHIVE_BYTES:
        raise ModelFileError(f"{path}: larger than {MAX_ARCHIVE_BYTES} bytes; not a model file")
    archive = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(archive)):
        raise ModelFileError(f"{path} is not a stable-baselines3 model (not a .zip file)")
    return ModelFile(str(path), archive, read_training_record(path), bool(trust_model_file))


def read_training_record(path: str | Path) -> dict[str, Any] | None:
    """The ``config.json`` that ``causalworld train`` wrote next to a model file, or None if there is none.

    For a checkpoint (``<run>/checkpoints/model_N_steps.zip``) it is the run's ``<run>/config.json``.

    Raises:
        ModelFileError: the file exists but is too large or not a JSON object.
    """
    path = Path(path)
    record_path = path.with_name("config.json")
    if not record_path.is_file() and path.parent.name == "checkpoints":
        record_path = path.parent.parent / "config.json"
    if not record_path.is_file():
        return None
    if record_path.stat().st_size > MAX_RECORD_BYTES:
        raise ModelFileError(f"{record_path}: larger than {MAX_RECORD_BYTES} bytes; not a training record")
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise ModelFileError(f"{record_path}: not a valid training record ({error})") from None
    if not isinstance(record, dict):
        raise ModelFileError(f"{record_path}: a training record must be a JSON object")
    return record


def load_sb3_model(source: str | Path | ModelFile, trust_model_file: bool = False) -> Any:
    """A model with ``predict(obs, deterministic=...)`` from a stable-baselines3 zip, never unpickling.

    ``source`` is a path (read with :func:`read_model_file`) or a :class:`ModelFile`. With
    ``trust_model_file`` (or a ModelFile read with it) a zip without a ``config.json`` is loaded
    by stable-baselines3 itself, which unpickles: see the module docstring.

    Raises:
        FileNotFoundError: no such file.
        ModelFileError: a missing or malformed part (named), or weights that do not fit the description.
        ImportError: stable-baselines3 is not installed.
    """
    model_file = source if isinstance(source, ModelFile) else read_model_file(source, trust_model_file)
    require_sb3()
    if model_file.record is None or POLICY_SECTION not in model_file.record:
        if model_file.trust or trust_model_file:
            return _load_trusted(model_file)
        where = ("no config.json beside it" if model_file.record is None
                 else f"its config.json has no {POLICY_SECTION!r} section")
        raise ModelFileError(f"{model_file.name}: {where}, so the policy cannot be rebuilt without unpickling "
                             f"(causalworld train writes it); {TRUST_HINT}")
    with zipfile.ZipFile(io.BytesIO(model_file.archive)) as archive:
        data = _read_json_member(archive, "data", model_file.name)
        weights = _read_weights(archive, "policy.pth", model_file.name)
    description = model_file.record[POLICY_SECTION]
    policy = build_policy(description, f"{model_file.name}: config.json {POLICY_SECTION}")
    _check_shapes(data, policy, model_file.name)
    try:
        policy.load_state_dict(weights, strict=True)
    except (RuntimeError, KeyError, TypeError) as error:
        raise ModelFileError(f"{model_file.name}: policy.pth does not fit the policy config.json describes: "
                             f"{str(error)[:500]}") from None
    policy.set_training_mode(False)
    return SafeModel(policy, str(description.get("algorithm")), model_file.name)


class SafeModel:
    """A rebuilt stable-baselines3 policy that acts like the model it came from (``predict`` only)."""

    def __init__(self, policy: Any, algorithm: str, name: str) -> None:
        self.policy = policy
        self.algorithm = algorithm
        self.name = name
        self.observation_space = policy.observation_space
        self.action_space = policy.action_space

    def predict(self, observation: Any, state: Any = None, episode_start: Any = None,
                deterministic: bool = False) -> tuple[np.ndarray, Any]:
        """The policy's action for ``observation``, as ``BaseAlgorithm.predict`` returns it."""
        return self.policy.predict(observation, state, episode_start, deterministic)

    def __repr__(self) -> str:
        return f"SafeModel({self.algorithm} {type(self.policy).__name__} from {self.name})"


def _read_member(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise ModelFileError(f"{name}: the zip has no {member!r} member (a stable-baselines3 model has "
                             f"'data' and 'policy.pth'); it holds {sorted(archive.namelist())[:10]}") from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ModelFileError(f"{name}: {member!r} is larger than {MAX_MEMBER_BYTES} bytes")
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as error:
        raise ModelFileError(f"{name}: {member!r} cannot be read ({error})") from None


def _read_json_member(archive: zipfile.ZipFile, member: str, name: str) -> dict[str, Any]:
    try:
        document = json.loads(_read_member(archive, member, name).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise ModelFileError(f"{name}: {member!r} is not JSON ({str(error)[:200]})") from None
    if not isinstance(document, dict):
        raise ModelFileError(f"{name}: {member!r} must be a JSON object")
    return document


def _read_weights(archive: zipfile.ZipFile, member: str, name: str) -> dict[str, Any]:
    import torch

    raw = _read_member(archive, member, name)
    try:
        weights = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - torch raises UnpicklingError, RuntimeError, EOFError...
        lines = str(error).splitlines()
        reason = next((line.strip() for line in lines if "WeightsUnpickler error" in line), lines[0] if lines else "")
        raise ModelFileError(f"{name}: {member!r} is not a weights-only tensor file, refused unread "
                             f"({type(error).__name__}: {reason[:300]})") from None
    if not isinstance(weights, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                                for k, v in weights.items()):
        raise ModelFileError(f"{name}: {member!r} must map parameter names to tensors")
    return weights


def _check_shapes(data: dict[str, Any], policy: Any, name: str) -> None:
    """Compare the plain ``_shape`` fields of ``data`` with the described spaces (when both are there)."""
    for key in ("observation_space", "action_space"):
        entry = data.get(key)
        recorded = entry.get("_shape") if isinstance(entry, dict) else None
        shape = getattr(getattr(policy, key), "shape", None)
        if isinstance(recorded, str) and shape is not None and recorded != str(tuple(shape)):
            raise ModelFileError(f"{name}: config.json describes a {key} of shape {tuple(shape)}, the model's "
                                 f"'data' says {recorded}: the config.json belongs to another model")


def _load_trusted(model_file: ModelFile) -> Any:
    """stable-baselines3's own loader (unpickles ``data``): only for files the caller trusts."""
    sb3 = require_sb3()
    warnings.warn(f"{model_file.name}: loading with stable-baselines3's unpickling loader because "
                  "trust_model_file is set; this runs any code the file holds", stacklevel=3)
    named = _algorithm_in_data(model_file)
    errors = []
    for algorithm in [named] if named else list(ALGORITHMS):
        try:  # playing needs no replay buffer; dropping its class lets HER models load without their env
            return getattr(sb3, algorithm).load(io.BytesIO(model_file.archive), device="cpu",
                                                custom_objects={"replay_buffer_class": None,
                                                                "replay_buffer_kwargs": {}})
        except Exception as error:  # noqa: BLE001 - each algorithm refuses the others' files its own way
            errors.append(f"{algorithm}: {type(error).__name__}: {error}")
    raise ModelFileError(f"{model_file.name}: no stable-baselines3 algorithm could load it ({'; '.join(errors)})")


def _algorithm_in_data(model_file: ModelFile) -> str | None:
    """The algorithm named by the plain ``policy_class.__module__`` field of ``data``, e.g. "SAC", or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(model_file.archive)) as archive:
            data = _read_json_member(archive, "data", model_file.name)
    except ModelFileError:
        return None
    entry = data.get("policy_class")
    parts = str(entry.get("__module__", "") if isinstance(entry, dict) else "").split(".")
    if len(parts) >= 2 and parts[0] == "stable_baselines3" and parts[1].upper() in ALGORITHMS:
        return parts[1].upper()
    return None


__all__ = ["ModelFile", "ModelFileError", "SafeModel", "build_policy", "describe_policy", "load_sb3_model",
           "read_model_file", "read_training_record", "space_from_json", "space_to_json"]

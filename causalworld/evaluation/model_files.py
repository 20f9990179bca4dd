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
  the observation and action spaces and the policy's constructor arguments, as plain data.

From these it rebuilds the stable-baselines3 policy object and loads the weights into it; acting
goes through the policy's own ``predict``, so actions are exactly those of ``model.predict``.
A file without one of these parts is refused with a :class:`ModelFileError` naming the part.

Models trained elsewhere (no ``config.json``) can only be read by stable-baselines3's own loader,
which unpickles: that needs ``trust_model_file=True`` (``--trust-model-file`` on the command line),
for files whose origin you trust.
"""

from __future__ import annotations

import importlib
import io
import json
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAX_ARCHIVE_BYTES = 1 << 30
"""Larger model files are refused unread (a paper-size MLP policy is a few MB)."""
MAX_MEMBER_BYTES = 1 << 30
MAX_RECORD_BYTES = 16 << 20
TRUST_HINT = ("pass --trust-model-file (trust_model_file=True in Python) to load it with stable-baselines3's own "
              "loader instead, which unpickles parts of the file and so runs any code hidden in it: only for "
              "files whose origin you trust")
POLICY_SECTION = "sb3_policy"
"""Key of the policy description in ``config.json``."""
ALGORITHMS = ("PPO", "A2C", "SAC", "TD3", "DDPG", "DQN")
"""stable-baselines3 algorithms whose policy classes may be named in a ``config.json``."""
ACTIVATIONS = ("Tanh", "ReLU", "ELU", "LeakyReLU", "SiLU", "GELU", "Sigmoid", "Identity")
"""torch.nn activation classes a description may name."""
FEATURE_EXTRACTORS = ("FlattenExtractor", "CombinedExtractor", "NatureCNN")
"""stable-baselines3 feature extractors a description may name."""
_CLASS_KWARGS = {"activation_fn": ("torch.nn", ACTIVATIONS),
                 "features_extractor_class": ("stable_baselines3.common.torch_layers", FEATURE_EXTRACTORS)}
_NOT_FOR_ACTING = ("lr_schedule", "optimizer_class", "optimizer_kwargs", "features_extractor")
"""Constructor arguments that do not change actions (training only) or are rebuilt from the others."""


class ModelFileError(ValueError):
    """A model file that cannot be loaded safely: missing parts, malformed parts, or weights that do not fit."""


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
    _require_sb3()
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


def describe_policy(model: Any) -> dict[str, Any]:
    """The plain-data description of ``model.policy`` that :func:`build_policy` rebuilds it from.

    Raises:
        ModelFileError: the policy uses a class or argument that is not plain data or in the tables above.
    """
    policy = model.policy
    algorithm = type(model).__name__
    if algorithm not in ALGORITHMS:
        raise ModelFileError(f"cannot describe a {algorithm} model: expected one of {ALGORITHMS}")
    kwargs: dict[str, Any] = {}
    parameters = dict(policy._get_constructor_parameters())
    if hasattr(policy, "share_features_extractor"):
        parameters["share_features_extractor"] = policy.share_features_extractor
    for key, value in parameters.items():
        if key in _NOT_FOR_ACTING or key in ("observation_space", "action_space"):
            continue
        if key in ("squash_output", "full_std", "use_expln") and value is None:
            continue  # the constructor's default, as when the policy was built
        if key in _CLASS_KWARGS:
            value = _class_name(key, value)
        _check_plain(value, f"policy argument {key!r}")
        kwargs[key] = value
    return {"algorithm": algorithm, "policy_class": type(policy).__name__,
            "observation_space": space_to_json(policy.observation_space),
            "action_space": space_to_json(policy.action_space), "kwargs": kwargs}


def build_policy(description: Any, source: str) -> Any:
    """A fresh stable-baselines3 policy (CPU, untrained) from a :func:`describe_policy` description."""
    if not isinstance(description, dict):
        raise ModelFileError(f"{source} must be a JSON object")
    for key in ("algorithm", "policy_class", "observation_space", "action_space", "kwargs"):
        if key not in description:
            raise ModelFileError(f"{source} lacks {key!r}")
    cls = _policy_class(description["algorithm"], description["policy_class"], source)
    if not isinstance(description["kwargs"], dict):
        raise ModelFileError(f"{source}: 'kwargs' must be a JSON object")
    kwargs = dict(description["kwargs"])
    for key, (module, allowed) in _CLASS_KWARGS.items():
        if key in kwargs:
            if kwargs[key] not in allowed:
                raise ModelFileError(f"{source}: {key} {kwargs[key]!r} is none of {allowed}")
            kwargs[key] = getattr(importlib.import_module(module), kwargs[key])
    observation_space = space_from_json(description["observation_space"], f"{source} observation_space")
    action_space = space_from_json(description["action_space"], f"{source} action_space")
    try:
        return cls(observation_space, action_space, lambda _progress: 0.0, **kwargs)
    except (TypeError, ValueError, KeyError, AssertionError) as error:
        raise ModelFileError(f"{source}: stable-baselines3 cannot build {cls.__name__} from it: {error}") from None


def space_to_json(space: Any) -> dict[str, Any]:
    """A Box or Dict (of Boxes) space as plain data; uniform bounds are stored as one number."""
    from gymnasium import spaces

    if isinstance(space, spaces.Dict):
        return {"type": "Dict", "spaces": [[key, space_to_json(sub)] for key, sub in space.spaces.items()]}
    if isinstance(space, spaces.Box):
        return {"type": "Box", "shape": list(space.shape), "dtype": space.dtype.name,
                "low": _bound_to_json(space.low), "high": _bound_to_json(space.high)}
    raise ModelFileError(f"cannot describe a {type(space).__name__} space (Box and Dict only)")


def space_from_json(document: Any, source: str) -> Any:
    """The space :func:`space_to_json` described."""
    from gymnasium import spaces

    if not isinstance(document, dict) or document.get("type") not in ("Box", "Dict"):
        raise ModelFileError(f"{source}: expected a Box or Dict space description, got {str(document)[:120]}")
    if document["type"] == "Dict":
        entries = document.get("spaces")
        if not isinstance(entries, list) or not all(isinstance(e, list) and len(e) == 2 and isinstance(e[0], str)
                                                    for e in entries):
            raise ModelFileError(f"{source}: a Dict space lists [name, space] pairs")
        return spaces.Dict([(key, space_from_json(sub, f"{source}.{key}")) for key, sub in entries])
    shape, dtype = document.get("shape"), document.get("dtype")
    if not isinstance(shape, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in shape):
        raise ModelFileError(f"{source}: shape must be a list of positive integers, got {shape!r}")
    if dtype not in ("float32", "float64", "uint8"):
        raise ModelFileError(f"{source}: dtype must be float32, float64 or uint8, got {dtype!r}")
    low, high = (_bound_from_json(document.get(k), shape, f"{source}.{k}") for k in ("low", "high"))
    return spaces.Box(low.astype(dtype), high.astype(dtype), tuple(shape), dtype=np.dtype(dtype))


def _bound_to_json(bound: np.ndarray) -> Any:
    flat = np.asarray(bound, dtype=np.float64).ravel()
    values = [v if np.isfinite(v) else ("inf" if v > 0 else "-inf") for v in flat.tolist()]
    return values[0] if len(set(values)) == 1 else values


def _bound_from_json(value: Any, shape: list[int], source: str) -> np.ndarray:
    size = int(np.prod(shape))
    values = value if isinstance(value, list) else [value]
    if len(values) not in (1, size):
        raise ModelFileError(f"{source}: expected one number or {size}, got {len(values)}")
    numbers = []
    for v in values:
        if v in ("inf", "-inf"):
            numbers.append(float(v))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            numbers.append(float(v))
        else:
            raise ModelFileError(f"{source}: bounds are numbers, 'inf' or '-inf', got {v!r}")
    return np.broadcast_to(np.asarray(numbers, dtype=np.float64), (size,)).reshape(shape)


def _policy_class(algorithm: Any, name: Any, source: str) -> type:
    if algorithm not in ALGORITHMS:
        raise ModelFileError(f"{source}: algorithm {algorithm!r} is none of {ALGORITHMS}")
    sb3 = _require_sb3()
    classes = {cls.__name__: cls for cls in getattr(sb3, str(algorithm)).policy_aliases.values()}
    if name not in classes:
        raise ModelFileError(f"{source}: {algorithm} has no policy class {name!r} (it has {sorted(classes)})")
    return classes[name]


def _class_name(key: str, value: Any) -> str:
    _, allowed = _CLASS_KWARGS[key]
    name = getattr(value, "__name__", None)
    if name not in allowed:
        raise ModelFileError(f"{key} {value!r} is none of {allowed}")
    return str(name)


def _check_plain(value: Any, what: str) -> None:
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_plain(item, what)
        return
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        for item in value.values():
            _check_plain(item, what)
        return
    raise ModelFileError(f"{what} is not plain data ({type(value).__name__}); the policy cannot be described safely")


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


def _require_sb3() -> Any:
    try:
        return importlib.import_module("stable_baselines3")
    except ImportError:
        raise ImportError("loading a model file needs stable-baselines3: "
                          "pip install 'causalworld[baselines]'") from None


def _load_trusted(model_file: ModelFile) -> Any:
    """stable-baselines3's own loader (unpickles ``data``): only for files the caller trusts."""
    sb3 = _require_sb3()
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

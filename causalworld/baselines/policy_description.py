"""Stable-baselines3 policies described as plain data, and rebuilt from such a description.

:func:`describe_policy` turns a model's policy into JSON-able data: the algorithm and policy class
names, the observation and action spaces (Box and Dict of Boxes) and the policy's constructor
arguments, with classes (activation, feature extractor) given by name. :func:`build_policy` rebuilds
a fresh policy from it, looking every name up in the fixed tables below: nothing named in the data
is ever imported. ``causalworld train`` stores the description in ``config.json`` (``sb3_policy``);
:mod:`causalworld.baselines.model_files` loads the weights into the rebuilt policy.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

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
    sb3 = require_sb3()
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


def require_sb3() -> Any:
    """The stable_baselines3 module; ImportError with the install command when it is missing."""
    try:
        return importlib.import_module("stable_baselines3")
    except ImportError:
        raise ImportError("loading a model file needs stable-baselines3: "
                          "pip install 'causalworld[baselines]'") from None


__all__ = ["ALGORITHMS", "ModelFileError", "build_policy", "describe_policy", "require_sb3", "space_from_json",
           "space_to_json"]

"""The intervention-actor interface and the helpers every actor shares.

An actor looks at the variables it may change -- a mapping from variable name to its bounds
``(low, high)`` in the active space, nested (``{"tool_block": {"mass": (lo, hi)}}``) or dotted
(``{"tool_block.mass": (lo, hi)}``), as returned by ``env.get_variable_space_used()`` -- and returns
an intervention dict for a subset of them, nested like the original benchmark's, or None.
Randomness comes from the actor's own ``numpy.random.Generator`` (:meth:`InterventionActor.seed`),
never from the global NumPy generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

ACTOR_TYPES: dict[str, type[InterventionActor]] = {}
"""Actor classes by their ``type`` name, filled by :func:`register_actor`."""


def register_actor(cls: type[InterventionActor]) -> type[InterventionActor]:
    """Class decorator: make ``cls`` buildable by ``actor_from_params`` under ``cls.type_name``."""
    if cls.type_name in ACTOR_TYPES:
        raise ValueError(f"duplicate actor type {cls.type_name!r}")
    ACTOR_TYPES[cls.type_name] = cls
    return cls


def flatten_bounds(variables: Mapping[str, Any]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Nested or dotted ``{name: (low, high)}`` -> ``{dotted name: (low, high)}`` as float64 arrays."""
    if not isinstance(variables, Mapping):
        raise TypeError(f"variables must be a mapping of variable name to (low, high), got {type(variables).__name__}")
    flat: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, value in variables.items():
        items = [(f"{key}.{sub}", bounds) for sub, bounds in value.items()] if isinstance(value, Mapping) else [
            (key, value)]
        for name, bounds in items:
            try:
                low, high = bounds
                pair = (np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64))
            except (TypeError, ValueError):
                raise ValueError(f"{name}: expected bounds (low, high), got {bounds!r}") from None
            if pair[0].shape != pair[1].shape or np.any(pair[0] > pair[1]):
                raise ValueError(f"{name}: bounds need equal shapes and low <= high, got {bounds!r}")
            flat[name] = pair
    return flat


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{dotted name: value}`` -> ``{object: {attribute: value}, top_level_name: value}``."""
    nested: dict[str, Any] = {}
    for name, value in flat.items():
        obj, dot, attribute = name.partition(".")
        if dot:
            nested.setdefault(obj, {})[attribute] = value
        else:
            nested[name] = value
    return nested


def _flat_names(intervention: Mapping[str, Any]) -> set[str]:
    names = set()
    for key, value in intervention.items():
        names |= {f"{key}.{sub}" for sub in value} if isinstance(value, Mapping) else {key}
    return names


class InterventionActor:
    """Base class: chooses interventions on the variables it is given.

    Subclasses set ``type_name`` and implement :meth:`_act`; :meth:`act` checks that only
    variables present in the input are returned.
    """

    type_name: ClassVar[str] = "base"

    def __init__(self, seed: int | None = None) -> None:
        self._env = None
        self.seed(seed)

    def seed(self, seed: int | None) -> None:
        """Start a fresh generator from ``seed`` (None: fresh OS entropy)."""
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
        self._seed = None if seed is None else int(seed)
        self.rng = np.random.default_rng(self._seed)

    def initialize(self, env) -> None:
        """Bind to an environment (a wrapper or ``CausalWorldEnv``); actors read its variable registry."""
        self._env = env.unwrapped

    @property
    def env(self):
        """The bound ``CausalWorldEnv``; raises if :meth:`initialize` was not called."""
        if self._env is None:
            raise RuntimeError(f"{type(self).__name__}: call initialize(env) before act()")
        return self._env

    def act(self, variables: Mapping[str, Any]) -> dict[str, Any] | None:
        """An intervention (nested dict) on some of ``variables`` (name -> (low, high)), or None."""
        flat = flatten_bounds(variables)
        intervention = self._act(flat)
        if not intervention:
            return None
        extra = sorted(_flat_names(intervention) - set(flat))
        if extra:
            raise RuntimeError(f"{type(self).__name__} returned variables it was not given: {extra}")
        return intervention

    def _act(self, variables: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, Any] | None:
        raise NotImplementedError

    def _params(self) -> dict[str, Any]:
        """Constructor arguments besides the seed (JSON-able)."""
        return {}

    def to_params(self) -> dict[str, Any]:
        """JSON-able description; ``actor_from_params`` rebuilds an equal actor (same seed)."""
        return {"type": self.type_name, **self._params(), "seed": self._seed}

    def _is_integer(self, name: str) -> bool:
        if self._env is None:
            return False
        variable = self._env.variables.get(name)
        return bool(variable is not None and variable.integer)

    def _uniform(self, name: str, bounds: tuple[np.ndarray, np.ndarray]) -> Any:
        """A value uniform in ``bounds`` (whole numbers, upper bound included, for integer variables)."""
        low, high = bounds
        if self._is_integer(name):
            value = self.rng.integers(np.round(low).astype(int), np.round(high).astype(int) + 1).astype(np.float64)
        else:
            value = self.rng.uniform(low, high)
        return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"


def actor_from_params(params: Mapping[str, Any]) -> InterventionActor:
    """Rebuild an actor from :meth:`InterventionActor.to_params` output."""
    if not isinstance(params, Mapping) or "type" not in params:
        raise ValueError(f"actor params must be a dict with a 'type' key, got {params!r}")
    kind = params["type"]
    if kind not in ACTOR_TYPES:
        raise ValueError(f"unknown actor type {kind!r}; known: {sorted(ACTOR_TYPES)}")
    kwargs = {k: v for k, v in params.items() if k != "type"}
    try:
        return ACTOR_TYPES[kind](**kwargs)
    except TypeError as error:
        raise ValueError(f"bad params for actor type {kind!r}: {error}") from None

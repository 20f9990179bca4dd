"""Curriculum: which intervention actor fires at which episode and time step.

Each actor has one :class:`Active` schedule ``(episode_start, episode_end, periodicity,
time_step)``: it fires in episode e (counted from 0) at time step t when
``episode_start <= e <= episode_end``, ``(e - episode_start) % periodicity == 0`` and
``t == time_step``. Time step 0 means "at reset" (the wrapper applies it to the starting state);
time step k >= 1 means "right after the k-th step of the episode". Interventions from several
actors firing together are merged, later actors overriding earlier ones variable by variable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from causalworld.actors import InterventionActor, actor_from_params, nest


def _whole(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not np.isfinite(value) or value != int(value) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Active:
    """When one actor fires: at ``time_step`` of every ``periodicity``-th episode from start to end (inclusive)."""

    episode_start: int
    episode_end: int
    periodicity: int
    time_step: int

    @classmethod
    def parse(cls, value: Active | Sequence[Any], index: int = 0) -> Active:
        """From an Active or a 4-sequence; whole-number floats such as 1e9 are accepted."""
        if isinstance(value, Active):
            return value
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 4:
            raise ValueError(
                f"actives[{index}] must be (episode_start, episode_end, periodicity, time_step), got {value!r}"
            )
        start = _whole(f"actives[{index}] episode_start", value[0], 0)
        end = _whole(f"actives[{index}] episode_end", value[1], 0)
        if end < start:
            raise ValueError(f"actives[{index}]: episode_end {end} is before episode_start {start}")
        return cls(start, end, _whole(f"actives[{index}] periodicity", value[2], 1),
                   _whole(f"actives[{index}] time_step", value[3], 0))

    def fires(self, episode: int, time_step: int) -> bool:
        """Whether the actor fires in ``episode`` at ``time_step``."""
        return (
            self.episode_start <= episode <= self.episode_end
            and (episode - self.episode_start) % self.periodicity == 0
            and time_step == self.time_step
        )


class Curriculum:
    """Intervention actors with one :class:`Active` schedule each.

    Args:
        actors: intervention actors (or their ``to_params()`` dicts).
        actives: one ``(episode_start, episode_end, periodicity, time_step)`` per actor.
    """

    def __init__(self, actors: Sequence[InterventionActor | Mapping[str, Any]], actives: Sequence[Any]) -> None:
        if isinstance(actors, (InterventionActor, Mapping)) or not isinstance(actors, Sequence):
            raise ValueError(f"actors must be a list of intervention actors, got {actors!r}")
        built = []
        for i, actor in enumerate(actors):
            if isinstance(actor, Mapping):
                actor = actor_from_params(actor)
            if not isinstance(actor, InterventionActor):
                raise ValueError(f"actors[{i}] must be an InterventionActor or its params dict, got {actor!r}")
            built.append(actor)
        if not isinstance(actives, Sequence) or len(actives) != len(built):
            raise ValueError(f"give one active schedule per actor: {len(built)} actors, actives {actives!r}")
        self.actors: tuple[InterventionActor, ...] = tuple(built)
        self.actives: tuple[Active, ...] = tuple(Active.parse(a, i) for i, a in enumerate(actives))
        self._env = None

    def initialize(self, env) -> None:
        """Bind every actor to ``env``."""
        self._env = env.unwrapped
        for actor in self.actors:
            actor.initialize(env)

    def seed(self, seed: int | None) -> None:
        """Seed every actor from one seed (independent streams per actor)."""
        if seed is None:
            for actor in self.actors:
                actor.seed(None)
            return
        children = np.random.SeedSequence(seed).spawn(len(self.actors))
        for actor, child in zip(self.actors, children):
            actor.seed(int(child.generate_state(1, np.uint32)[0]))

    def firing(self, episode: int, time_step: int) -> list[InterventionActor]:
        """The actors that fire at (episode, time_step), in order."""
        return [actor for actor, active in zip(self.actors, self.actives) if active.fires(episode, time_step)]

    def get_interventions(
        self, episode: int, time_step: int, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """The merged intervention of the actors firing at (episode, time_step), or None.

        ``variables`` (name -> bounds) defaults to the bound env's ``get_variable_space_used()``.
        """
        actors = self.firing(episode, time_step)
        if not actors:
            return None
        if variables is None:
            if self._env is None:
                raise RuntimeError("Curriculum: call initialize(env) or pass variables")
            variables = self._env.get_variable_space_used()
        merged: dict[str, Any] = {}
        for actor in actors:
            merged.update(flatten_values(actor.act(variables) or {}))
        return nest(merged) or None

    @property
    def time_steps(self) -> frozenset[int]:
        """Every time step at which some actor may fire."""
        return frozenset(a.time_step for a in self.actives)

    def to_params(self) -> dict[str, Any]:
        """JSON-able description (actor params and schedules)."""
        return {
            "actors": [actor.to_params() for actor in self.actors],
            "actives": [[a.episode_start, a.episode_end, a.periodicity, a.time_step] for a in self.actives],
        }

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Curriculum:
        """Rebuild a curriculum from :meth:`to_params` output."""
        if not isinstance(params, Mapping) or set(params) != {"actors", "actives"}:
            raise ValueError(f"curriculum params need exactly the keys 'actors' and 'actives', got {params!r}")
        return cls(params["actors"], params["actives"])


def flatten_values(intervention: Mapping[str, Any]) -> dict[str, Any]:
    """Nested intervention -> ``{dotted name: value}`` (values untouched)."""
    flat: dict[str, Any] = {}
    for key, value in intervention.items():
        if isinstance(value, Mapping):
            flat.update({f"{key}.{sub}": v for sub, v in value.items()})
        else:
            flat[key] = value
    return flat

"""CurriculumWrapper: applies a :class:`~causalworld.actors.curriculum.Curriculum` while an agent trains.

Episodes count from 0 (the first ``reset()`` starts episode 0). Actors scheduled at time step 0
change the *starting state* through ``set_starting_state``: the change persists into later
episodes until replaced. Actors scheduled at time step k >= 1 act through ``do_intervention``
right after the k-th step of every matching episode; the step counter restarts at every reset
(the original never reset it). A draw the env refuses (out of bounds or physically infeasible)
is redrawn up to ``max_redraws`` times, then skipped. ``info["curriculum"]`` reports, for the
reset or step it is returned with: ``episode``, ``time_step``, ``applied`` (True, False when
skipped, None when nothing fired), ``redraws`` (refused draws this time) and ``skipped``
(interventions skipped so far).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import RecordConstructorArgs

from causalworld.actors import InterventionActor
from causalworld.actors.curriculum import Curriculum

MAX_REDRAWS = 5
"""Default number of redraws after a refused intervention."""


class CurriculumWrapper(gym.Wrapper, RecordConstructorArgs):
    """Intervene on the wrapped CausalWorld env following a curriculum.

    Args:
        env: a CausalWorld env, possibly wrapped.
        actors: intervention actors or their ``to_params()`` dicts.
        actives: one ``(episode_start, episode_end, periodicity, time_step)`` per actor.
        seed: seeds the actors (None: fresh entropy). ``reset(seed=s)`` reseeds them from ``s``.
        max_redraws: redraws after a refused draw before the intervention is skipped.
    """

    def __init__(
        self,
        env: gym.Env,
        actors: Sequence[InterventionActor | Mapping[str, Any]],
        actives: Sequence[Any],
        seed: int | None = None,
        max_redraws: int = MAX_REDRAWS,
    ) -> None:
        curriculum = Curriculum(actors, actives)
        if isinstance(max_redraws, bool) or not isinstance(max_redraws, (int, np.integer)) or max_redraws < 0:
            raise ValueError(f"max_redraws must be a non-negative integer, got {max_redraws!r}")
        params = curriculum.to_params()
        RecordConstructorArgs.__init__(
            self, actors=params["actors"], actives=params["actives"], seed=seed, max_redraws=int(max_redraws)
        )
        gym.Wrapper.__init__(self, env)
        self.curriculum = curriculum
        self.curriculum.initialize(env)
        if seed is not None:
            self.curriculum.seed(seed)
        self.max_redraws = int(max_redraws)
        self.episode = -1
        """Index of the current episode (-1 before the first reset)."""
        self.time_step = 0
        """Steps taken in the current episode."""
        self.skipped = 0
        """Interventions skipped after ``max_redraws`` refused redraws, over the wrapper's life."""

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Start the next episode; time-step-0 actors change the starting state first.

        With a seed the env is reset (seeded) before the starting state changes, so that task
        variables drawing from the env's generator (obstacle places) are reproducible too.
        """
        if seed is not None:
            self.curriculum.seed(seed)
        self.episode += 1
        self.time_step = 0
        fires = bool(self.curriculum.firing(self.episode, 0))
        if seed is not None or not fires:
            obs, info = self.env.reset(seed=seed, options=options)
        applied, redraws = None, 0
        if fires:
            cw = self.env.unwrapped
            applied, redraws = self._apply(lambda intervention: cw.set_starting_state(intervention))
            obs, info = self.env.reset(options=options)
        return obs, {**info, "curriculum": self._report(applied, redraws)}

    def step(self, action):
        """Step the env; then apply the actors scheduled right after this step of the episode."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.time_step += 1
        result: list[Any] = []

        def intervene(intervention):
            outcome = self.env.unwrapped.do_intervention(intervention)
            result[:] = [outcome]
            return outcome

        applied, redraws = self._apply(intervene)
        if applied:
            obs = result[0].observation
        return obs, reward, terminated, truncated, {**info, "curriculum": self._report(applied, redraws)}

    def _apply(self, apply) -> tuple[bool | None, int]:
        """Draw and apply the curriculum's intervention now; returns (applied or None, refused draws)."""
        if self.time_step not in self.curriculum.time_steps or not self.curriculum.firing(self.episode, self.time_step):
            return None, 0
        for attempt in range(self.max_redraws + 1):
            intervention = self.curriculum.get_interventions(self.episode, self.time_step)
            if intervention is None:
                return None, attempt
            if apply(intervention).success:
                return True, attempt
        self.skipped += 1
        return False, self.max_redraws + 1

    def _report(self, applied: bool | None, redraws: int) -> dict[str, Any]:
        return {"episode": self.episode, "time_step": self.time_step, "applied": applied, "redraws": redraws,
                "skipped": self.skipped}

"""Keep a blown-up simulation out of what a learner sees, and say so in ``info``.

After every env step :func:`guard_step` checks the new scene state (with
:func:`causalworld.sim.health.physics_problems`) and the step's outputs, and

* puts a readable description of every problem in ``info["physics_warning"]`` (a string; the key
  is present only on steps with a problem);
* replaces any NaN in the observation by 0 and any infinity by the space's bound, so observations
  always lie inside the observation space;
* replaces a non-finite reward by 0.0.

The episode is not ended: what to do (reset, discard the episode) is the caller's decision.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from causalworld.sim.health import DEFAULT_LIMITS, HealthLimits, physics_problems

WARNING_KEY = "physics_warning"
"""The ``info`` key that carries the description of a physics problem."""


def guard_step(
    state: Any,
    observation: np.ndarray,
    reward: float,
    info: dict[str, Any],
    space: Any,
    limits: HealthLimits = DEFAULT_LIMITS,
) -> tuple[np.ndarray, float]:
    """Check one step; report problems in ``info`` and return a finite (observation, reward).

    Args:
        state: the scene state the observation was made from.
        observation: the step's observation (not modified; a repaired copy is returned if needed).
        reward: the step's reward.
        info: the step's info dict; ``info["physics_warning"]`` is set when there is a problem.
        space: the observation space (a Box: infinities are replaced by its bounds).
        limits: the thresholds.
    """
    problems = physics_problems(state, limits)
    if isinstance(observation, np.ndarray) and not np.isfinite(observation).all():
        low, high = space.low, space.high
        bad = np.flatnonzero(~np.isfinite(observation))
        problems.append(f"observation had {bad.size} non-finite value(s) (first at index {int(bad[0])}); "
                        "NaN replaced by 0, infinities by the space's bounds")
        repaired = np.clip(np.where(np.isnan(observation), 0.0, observation), low, high)
        observation = np.nan_to_num(repaired).astype(observation.dtype, copy=False)
    if not math.isfinite(reward):
        problems.append(f"reward was {reward}; replaced by 0.0")
        reward = 0.0
    if problems:
        info[WARNING_KEY] = "; ".join(problems)
    return observation, reward

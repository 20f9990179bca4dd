"""Simple reference agents: a seeded random agent and a privileged reaching solver.

An agent is a callable from observation to action with a ``reset()`` method called at the start
of every episode. These two serve the demo and the tests; the scripted solvers of every task
family live in :mod:`causalworld.baselines` (``scripted_policy(task, env)``).
"""

from __future__ import annotations

import numpy as np

from causalworld.baselines.scripted_policies import ScriptedReaching
from causalworld.env import CausalWorldEnv


class RandomAgent:
    """Uniform random actions from the env's action space, drawn from its own seeded generator."""

    def __init__(self, env: CausalWorldEnv, seed: int = 0) -> None:
        self.low = env.action_space.low.astype(np.float64)
        self.high = env.action_space.high.astype(np.float64)
        self.rng = np.random.default_rng(seed)

    def reset(self) -> None:
        """Nothing to forget between episodes."""

    def __call__(self, observation: np.ndarray) -> np.ndarray:
        """A random action (the observation is ignored)."""
        return self.rng.uniform(self.low, self.high).astype(np.float32)


class ReachingSolver(ScriptedReaching):
    """Reaching with privileged goal positions: commands the goals as fingertip targets.

    Works with end-effector and joint-position actions (inverse kinematics in joint mode), raw or
    normalized. The same policy as ``causalworld.baselines.scripted_policy("reaching", env)``.
    """

    def __init__(self, env: CausalWorldEnv) -> None:
        super().__init__(env)

"""Simple reference agents: a seeded random agent and a privileged reaching solver.

An agent is a callable from observation to action with a ``reset()`` method called at the start
of every episode. These two serve the demo and the tests; the scripted solvers of the other
tasks live in ``causalworld.baselines``.
"""

from __future__ import annotations

import numpy as np

from causalworld.env import CausalWorldEnv
from causalworld.sim.kinematics import inverse_kinematics


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


class ReachingSolver:
    """Reaching with privileged goal positions: commands the goals as fingertip targets.

    Works in every action mode: the targets are turned into joint positions by inverse
    kinematics when the env expects joint positions.
    """

    def __init__(self, env: CausalWorldEnv) -> None:
        if env.task_name != "reaching":
            raise ValueError(f"ReachingSolver drives the reaching task, not {env.task_name!r}")
        if env.action_mode == "joint_torques":
            raise ValueError("ReachingSolver needs action_mode 'joint_positions' or 'end_effector_positions'")
        self.env = env

    def reset(self) -> None:
        """Nothing to forget between episodes."""

    def __call__(self, observation: np.ndarray) -> np.ndarray:
        """The action that sends each fingertip to its goal."""
        env = self.env
        raw = env.denormalize_observation(observation) if env.normalize_observations else observation
        goals = np.asarray(raw[28:37], dtype=np.float64)
        if env.action_mode == "end_effector_positions":
            command = goals
        else:
            command = np.asarray(env.robot.holding_target(inverse_kinematics(goals, raw[1:10])))
        return (env.normalize_action(command) if env.normalize_actions else command).astype(np.float32)

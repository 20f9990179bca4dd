"""Model-predictive control: a CEM planner over a simulator model of the live env, as an agent.

:class:`MPCAgent` is a callable observation -> action with ``reset(seed=...)``, so
:func:`causalworld.evaluation.evaluate` runs it like any agent (``agent="mpc"``). Every
``replan_every`` env steps it takes a snapshot of the env it acts in (``get_state``), asks
:class:`~causalworld.planning.CrossEntropyMethod` for a sequence of ``horizon`` actions, each held
``action_repeat`` env steps, and executes its start. The next plan is centred on the rest of the
sequence being executed (shifted by the steps taken, its last action repeated), which is always
one of the sequences it scores: the agent changes course only for a sequence the model rates
higher. It needs privileged access to the env (snapshots) and the env's reward, so it is a
baseline for what planning with a perfect model achieves, like the original's MPC tutorial, not
a learning agent.

Defaults are sized for a shared 2-core machine (``docs/planning.md`` gives the measured success and
speed): horizon 5 actions x 4 env steps (0.8 s ahead at the default 25 Hz), 24 sequences, 5 elites,
2 iterations, replanning every 4 env steps. The search starts each episode from "hold the current
joints" with a standard deviation of 0.3 (in normalized action units).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from causalworld.planning.cem import CrossEntropyMethod, Plan
from causalworld.planning.model import SimulatorModel

MPC_DEFAULTS: dict[str, Any] = {
    "horizon": 5, "action_repeat": 4, "population": 24, "elites": 5, "iterations": 2, "replan_every": 4,
    "initial_std": 0.3, "alpha": 0.25, "workers": 1,
}
"""Default settings of :class:`MPCAgent` (see the module docs)."""


PLANNING_REWARDS: dict[str, dict[str, Any]] = {
    "pushing": {"dense_reward_weights": [100.0, 1000.0, 0.0]},
}
"""Per task, the model's reward settings when none are given (see ``reward_kwargs``). Pushing's own
weights (750 for the fingertips' approach to the block, 250 for the block's approach to the goal)
make a short-horizon planner press the fingers onto the block from whichever side is nearest and
push it away from the goal; weighing the block's progress most lets it push the block home."""


class MPCAgent:
    """Plan-and-act agent for one env (see the module docs).

    Args:
        env: the env it acts in (a CausalWorldEnv or a wrapper of one); it must be the env whose
            observations the agent receives.
        horizon, action_repeat, population, elites, iterations, initial_std, alpha: see
            :class:`~causalworld.planning.CrossEntropyMethod` and :class:`~causalworld.planning.SimulatorModel`.
        replan_every: env steps between plans (1 <= replan_every <= horizon * action_repeat).
        workers: processes the model spreads each batch over.
        seed: seed of the planner's sampling (``reset(seed=...)`` replaces it per episode).
        reward_kwargs: the model's reward settings (its planning objective); default
            :data:`PLANNING_REWARDS` for the task, else the env's own reward.
    """

    def __init__(self, env, horizon: int = 5, action_repeat: int = 4, population: int = 24, elites: int = 5,
                 iterations: int = 2, replan_every: int = 4, initial_std: float = 0.3, alpha: float = 0.25,
                 workers: int = 1, seed: int = 0,
                 reward_kwargs: dict[str, Any] | None = None) -> None:
        self.env = env.unwrapped
        if not hasattr(self.env, "get_state"):
            raise TypeError("MPCAgent needs a causalworld.CausalWorldEnv (it plans from its snapshots)")
        if isinstance(replan_every, bool) or not isinstance(replan_every, int) or not (
            1 <= replan_every <= horizon * action_repeat
        ):
            raise ValueError(f"replan_every must be an integer in [1, horizon * action_repeat], got {replan_every!r}")
        space = self.env.action_space
        self.low = np.asarray(space.low, dtype=np.float64)
        self.high = np.asarray(space.high, dtype=np.float64)
        self.dtype = space.dtype
        self.action_repeat = action_repeat
        self.replan_every = replan_every
        if reward_kwargs is None:
            reward_kwargs = PLANNING_REWARDS.get(self.env.task_name)
        self.model = SimulatorModel.of(self.env, action_repeat=action_repeat, workers=workers,
                                       reward_kwargs=reward_kwargs)
        self.planner = CrossEntropyMethod(self.model, horizon, population, elites, iterations, self.low, self.high,
                                          initial_std, alpha, seed=seed, objective="return_area")
        self.last_plan: Plan | None = None
        self.plans = 0
        """Plans made since the agent was built."""
        self._mean: np.ndarray | None = None
        self._sequence: np.ndarray | None = None
        self._since_plan = 0

    def reset(self, seed: int | None = None) -> None:
        """Forget the current plan; a given seed restarts the planner's generator."""
        if seed is not None:
            self.planner.reseed(seed)
        self._mean = None
        self._sequence = None
        self._since_plan = 0

    def __call__(self, observation: np.ndarray) -> np.ndarray:
        """The next action (the observation is not used: the plan starts from the env's snapshot)."""
        if self._sequence is None or self._since_plan >= self.replan_every:
            self._replan()
        index = min(self._since_plan // self.action_repeat, len(self._sequence) - 1)
        self._since_plan += 1
        return self._sequence[index].astype(self.dtype)

    def close(self) -> None:
        """Stop the model's copies."""
        self.model.close()

    # -- internals ----------------------------------------------------------------------------
    def _replan(self) -> None:
        if self._mean is None:
            mean = np.broadcast_to(self._hold_action(), (self.planner.horizon, self.low.size)).copy()
        else:
            shift = self._since_plan // self.action_repeat
            mean = np.concatenate([self._mean[shift:], np.repeat(self._mean[-1:], shift, axis=0)])
        plan = self.planner.plan(self.env.get_state(), mean)
        self.last_plan = plan
        self.plans += 1
        self._mean = plan.actions
        self._sequence = plan.actions
        self._since_plan = 0

    def _hold_action(self) -> np.ndarray:
        """The action that keeps the fingers where they are (joint-position modes), else the middle."""
        env = self.env
        joints = env.robot.read_joints()[0]
        if env.action_mode == "joint_positions":
            command = np.asarray(joints, dtype=np.float64)
        elif env.action_mode == "end_effector_positions":
            command = np.asarray(env.robot.tip_positions(joints), dtype=np.float64)
        else:
            return (self.low + self.high) / 2
        action = env.normalize_action(command) if env.normalize_actions else command
        return np.clip(action, self.low, self.high)


def parse_mpc_spec(spec: str) -> dict[str, Any]:
    """Settings from an agent name ``"mpc"`` or ``"mpc:horizon=6,population=32,workers=2"``.

    Raises:
        ValueError: an unknown setting or a value that is not a number.
    """
    name, _, options = spec.partition(":")
    if name != "mpc":
        raise ValueError(f"not an MPC agent name: {spec!r}")
    settings: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in options.split(","))):
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or key not in MPC_DEFAULTS:
            raise ValueError(f"{spec!r}: expected key=value with keys {sorted(MPC_DEFAULTS)}, got {item!r}")
        try:
            value: Any = float(text) if isinstance(MPC_DEFAULTS[key], float) else int(text)
        except ValueError:
            raise ValueError(f"{spec!r}: {key} must be a number, got {text!r}") from None
        settings[key] = value
    return settings


__all__ = ["MPC_DEFAULTS", "PLANNING_REWARDS", "MPCAgent", "parse_mpc_spec"]

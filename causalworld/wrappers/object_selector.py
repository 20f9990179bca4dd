"""ObjectSelectorWrapper: the agent moves blocks directly with discrete nudges; the robot stays raised.

Action: ``Tuple(Discrete(n_blocks), Discrete(7), Discrete(7))``:

* which movable block, in sorted-name order;
* translation by ``translation_step`` (m, world frame): 0 none, 1/2 +z/-z, 3/4 +x/-x, 5/6 +y/-y;
* rotation by ``rotation_step`` (rad, about world axes): 0 none, 1/2 +z/-z, 3/4 +y/-y, 5/6 +x/-x.

The move is applied with ``do_intervention(check_bounds=False)``; a move the env refuses (a
penetration, a block outside the arena) leaves the block where it was and is counted in
``info["object_selector"]["refused"]``. Then the env steps once with the robot holding its raised
pose (the robot's ``raised_pose``, set at every reset). Observations are the env's without the 28 robot
values (time left, joint positions and velocities, fingertip positions). Unlike the original,
the env's ``skip_frame`` is kept (a built env cannot change it): each move is followed by
``skip_frame`` physics steps of 1/250 s.
"""

from __future__ import annotations

import math
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import RecordConstructorArgs

from causalworld.env.control import JOINT_POSITIONS, JOINT_TORQUES
from causalworld.env.observations import robot_fields
from causalworld.spatial import quaternion_multiply

MOVES = 7
_AXIS_OF_CHOICE = {1: (2, 1.0), 2: (2, -1.0), 3: (0, 1.0), 4: (0, -1.0), 5: (1, 1.0), 6: (1, -1.0)}
_ROTATION_OF_CHOICE = {1: (2, 1.0), 2: (2, -1.0), 3: (1, 1.0), 4: (1, -1.0), 5: (0, 1.0), 6: (0, -1.0)}


class ObjectSelectorWrapper(gym.Wrapper, RecordConstructorArgs):
    """Discrete block moves applied as interventions (see the module docs).

    Args:
        env: a CausalWorld env with at least one movable block, possibly wrapped.
        translation_step: translation per move (m).
        rotation_step: rotation per move (rad).
    """

    def __init__(self, env: gym.Env, translation_step: float = 0.002, rotation_step: float = 0.1) -> None:
        for name, value in (("translation_step", translation_step), ("rotation_step", rotation_step)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 < value < math.inf):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        RecordConstructorArgs.__init__(
            self, translation_step=float(translation_step), rotation_step=float(rotation_step)
        )
        gym.Wrapper.__init__(self, env)
        cw = env.unwrapped
        if getattr(cw, "observation_mode", "structured") != "structured":
            raise ValueError(f"ObjectSelectorWrapper needs observation_mode='structured', got {cw.observation_mode!r}")
        self.blocks = sorted(name for name, block in cw.stage.blocks.items() if block.is_movable)
        if not self.blocks:
            raise ValueError(f"task {cw.task_name!r} has no movable block to select")
        self.translation_step = float(translation_step)
        self.rotation_step = float(rotation_step)
        self.action_space = gym.spaces.Tuple(
            (gym.spaces.Discrete(len(self.blocks)), gym.spaces.Discrete(MOVES), gym.spaces.Discrete(MOVES))
        )
        self._robot_size = sum(f.size for f in robot_fields(1.0))
        space = env.observation_space
        self.observation_space = gym.spaces.Box(space.low[self._robot_size:], space.high[self._robot_size:],
                                                dtype=space.dtype)
        self.refused = 0
        """Moves the env refused since the last reset."""

    def _hold_action(self) -> np.ndarray:
        """The env action that keeps the fingers at the robot's raised pose, in the env's action units."""
        cw = self.env.unwrapped
        raised = cw.robot.spec.raised_pose
        if cw.action_mode == JOINT_POSITIONS:
            command = np.array(raised)
        elif cw.action_mode == JOINT_TORQUES:
            command = np.array(cw.robot.gravity_torques(raised))
        else:
            command = np.array(cw.robot.tip_positions(raised))
        action = cw.normalize_action(command) if cw.normalize_actions else command
        return np.clip(action, self.env.action_space.low, self.env.action_space.high).astype(np.float32)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Reset the env and raise the fingers out of the way (an in-episode intervention)."""
        obs, info = self.env.reset(seed=seed, options=options)
        self.refused = 0
        result = self.env.unwrapped.do_intervention(
            {"joint_positions": self.env.unwrapped.robot.spec.raised_pose,
             "joint_velocities": (0.0,) * 9}, check_bounds=False)
        if result.success:
            obs = result.observation
        return obs[self._robot_size:], info

    def move(self, action: Any) -> dict[str, Any]:
        """The intervention for one (block, translation, rotation) action (nothing if both are 0)."""
        try:
            valid = self.action_space.contains(tuple(np.asarray(a).item() for a in action))
        except (TypeError, ValueError):
            valid = False
        if not valid:
            raise ValueError(
                f"action must be (block index < {len(self.blocks)}, translation < 7, rotation < 7), got {action!r}"
            )
        index, translation, rotation = (int(a) for a in action)
        name = self.blocks[index]
        variables = self.env.unwrapped.variables
        change: dict[str, Any] = {}
        if translation:
            axis, sign = _AXIS_OF_CHOICE[translation]
            position = variables[f"{name}.cartesian_position"].read()
            position[axis] += sign * self.translation_step
            change["cartesian_position"] = position
        if rotation:
            axis, sign = _ROTATION_OF_CHOICE[rotation]
            half = sign * self.rotation_step / 2
            turn = np.zeros(4)
            turn[axis], turn[3] = math.sin(half), math.cos(half)
            quaternion = np.array(quaternion_multiply(turn, variables[f"{name}.orientation"].read()))
            change["orientation"] = quaternion / np.linalg.norm(quaternion)
        return {name: change} if change else {}

    def step(self, action):
        """Move the chosen block, then step the env with the robot held raised."""
        intervention = self.move(action)
        if intervention and not self.env.unwrapped.do_intervention(intervention, check_bounds=False).success:
            self.refused += 1
        obs, reward, terminated, truncated, info = self.env.step(self._hold_action())
        info = {**info, "object_selector": {"block": self.blocks[int(action[0])], "refused": self.refused}}
        return obs[self._robot_size:], reward, terminated, truncated, info

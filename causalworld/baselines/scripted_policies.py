"""Scripted policies with privileged state, one per task family: reaching, pushing, picking, pick_and_place, stacking2.

Each policy is an agent: a callable from observation to action with a ``reset()`` called at the
start of every episode. It reads the block and goal poses from the structured observation (by
field name, from the env's layout; raw or normalized) and answers with fingertip targets turned
into the env's action (end-effector or joint-position mode; see :mod:`.scripted_common`).

* reaching: the goals are sent as fingertip targets.
* pushing, pick_and_place: a two-finger grasp (:mod:`.scripted_grasp`) takes the block from the side
  faces, lifts it just enough to clear the floor (pushing) or the wall (pick_and_place), turns it
  by at most 45 degrees to line its faces up with the goal's, sets it down on the goal and lets
  go. The success measure compares axis-aligned hulls, so a goal turned by a random yaw is only
  reached by turning the block too; sliding a block and turning it by pushing alone is much less
  reliable, which is why the pushing policy carries rather than pushes.
* picking: the same grasp lifts the block into the goal and holds it there.
* stacking2: the block nearer goal 1 goes there first, then the other one on top of it.

After letting go, a policy watches the block: if it ended up off target (it tipped or slid), the
grasp starts again, a few times at most.
"""

from __future__ import annotations

import math

import numpy as np

from causalworld.baselines.scripted_common import (
    ActionAdapter,
    BlockView,
    ObservationReader,
    nearest_quarter_turn,
    unwrap_env,
)
from causalworld.baselines.scripted_grasp import GraspCarry, GraspSettings
from causalworld.env import CausalWorldEnv

TIPS = "end_effector_positions"
JOINTS = "joint_positions"


class ScriptedPolicy:
    """Base class: binds to an env, reads observations, sends fingertip targets.

    Args:
        env: the env to act in (a :class:`causalworld.CausalWorldEnv`, possibly wrapped), or None.
            An unbound policy binds itself on its first call to a private headless env of its task
            built with the default settings (``CausalWorldEnv(task)``: joint-position actions,
            normalized actions and observations, 25 Hz), so it only fits envs with those settings;
            pass the env, or call :meth:`bind`, for any other. A pickled policy drops its binding
            and binds again the same way.
    """

    task = ""

    def __init__(self, env=None) -> None:
        self.env = None
        self._own_env = None
        if env is not None:
            self.bind(env)

    def bind(self, env) -> ScriptedPolicy:
        """Read the observation layout, normalization, action mode and step length from ``env``; returns self."""
        base = unwrap_env(env)
        if base.task_name != self.task:
            raise ValueError(f"{type(self).__name__} drives the {self.task!r} task, not {base.task_name!r}")
        self.env = base
        self.reader = ObservationReader(base)
        self.adapter = ActionAdapter(base)
        self.dt = float(base.dt)
        self.start_episode()
        return self

    def reset(self, seed: int | None = None) -> None:
        """Forget the current episode (called at the start of every episode).

        The policy is deterministic: ``seed`` is accepted and ignored.
        """
        if self.env is not None:
            self.start_episode()

    def start_episode(self) -> None:
        """Per-episode state of the subclass."""

    def close(self) -> None:
        """Release the private env of an unbound policy, if it built one."""
        if self._own_env is not None:
            self._own_env.close()
            self._own_env = None
            self.env = None

    def __getstate__(self) -> dict:
        return {"task": self.task}

    def __setstate__(self, state: dict) -> None:
        self.env = None
        self._own_env = None

    def __call__(self, observation: np.ndarray) -> np.ndarray:
        """The action (float32, 9) for ``observation``."""
        if self.env is None:
            self._own_env = CausalWorldEnv(self.task)
            self.bind(self._own_env)
        raw = self.reader.raw(observation)
        targets = self.plan(raw)
        return self.adapter(targets, self.reader.field(raw, JOINTS))

    def plan(self, raw: np.ndarray) -> np.ndarray:
        """Fingertip targets (m, 9, world frame, z from the floor top) for the raw observation."""
        raise NotImplementedError


class ScriptedReaching(ScriptedPolicy):
    """Reaching: every fingertip goes straight to its goal (closed-form inverse kinematics in joint mode)."""

    task = "reaching"

    def plan(self, raw: np.ndarray) -> np.ndarray:
        """The three goal positions (m, 9) as fingertip targets."""
        return np.concatenate([self.reader.field(raw, f"goal_{f}_cartesian_position") for f in ("60", "120", "300")])


class _Placement:
    """One block to move: which block, where to (centre, m), which yaw (rad), how high to carry it (m)."""

    def __init__(self, block: str, position: np.ndarray, yaw: float, carry: float, hold: bool) -> None:
        self.block, self.position, self.yaw, self.carry, self.hold = block, position, yaw, carry, hold


class GraspPolicy(ScriptedPolicy):
    """Moves blocks one after the other with :class:`GraspCarry`, checking and retrying each placement.

    Subclasses say which placements an observation calls for (:meth:`placements`).
    """

    settings = GraspSettings()
    position_tolerance = 0.004
    """A placed block further than this (m) from its target is grasped again."""
    yaw_tolerance = math.radians(6.0)
    """...and so is one turned further than this (rad, modulo a quarter turn) from its target's faces."""
    max_attempts = 3
    """Grasps per placement before the policy gives up on it."""
    settle_time = 0.4
    """Seconds to wait after letting go before checking where the block ended up."""
    obstacles: tuple[str, ...] = ()
    """Objects (observation names) the open fingertips must keep clear of: other blocks, fixed walls."""

    def start_episode(self) -> None:
        """A fresh grasp skill and the first placement."""
        self.skill = GraspCarry(self.dt, self.settings)
        self.stage = 0
        self.attempts = 0
        self.waited = 0.0
        self.started = False
        self.rest: np.ndarray | None = None

    def placements(self, raw: np.ndarray) -> list[_Placement]:
        """The placements to do, in order, for the current observation."""
        raise NotImplementedError

    def _placed(self, block: BlockView, placement: _Placement) -> bool:
        close = np.linalg.norm(block.position - placement.position) < self.position_tolerance
        turned = abs(nearest_quarter_turn(block.yaw, placement.yaw)) < self.yaw_tolerance
        return bool(close and turned)

    def plan(self, raw: np.ndarray) -> np.ndarray:
        """Step the grasp skill on the current placement; check, retry or move on once the block is let go."""
        tips = self.reader.field(raw, TIPS).astype(np.float64)
        plan = self.placements(raw)
        if self.stage >= len(plan):
            return self.rest if self.rest is not None else tips
        placement = plan[self.stage]
        block = self.reader.block(raw, placement.block)
        skill = self.skill
        if not self.started:
            skill.start(tips, placement.position, placement.yaw, placement.carry, placement.hold)
            self.started, self.waited = True, 0.0
            self.attempts += 1
        elif skill.done and not placement.hold:
            self.waited += self.dt
            if self.waited >= self.settle_time:
                if self._placed(block, placement) or self.attempts >= self.max_attempts or skill.failed:
                    self.stage += 1
                    self.attempts = 0
                    self.started = False
                else:
                    skill.start(tips, placement.position, placement.yaw, placement.carry, placement.hold)
                    self.waited = 0.0
                    self.attempts += 1
        else:
            skill.retarget(placement.position, placement.yaw)
        others = [self.reader.block(raw, name) for name in self.obstacles if name != placement.block]
        self.rest = skill.step(tips, block, others)
        return self.rest


class ScriptedPushing(GraspPolicy):
    """Pushing: grasp the block, slide it a few millimetres above the floor onto the goal, turn it, let go."""

    task = "pushing"
    lift = 0.02
    """Height (m) the block is lifted while it travels."""

    def placements(self, raw: np.ndarray) -> list[_Placement]:
        """The block onto the goal, carried ``lift`` above the floor."""
        goal = self.reader.block(raw, "goal_block")
        return [_Placement("tool_block", goal.position, goal.yaw, goal.position[2] + self.lift, hold=False)]


class ScriptedPicking(GraspPolicy):
    """Picking: grasp the block, lift it straight into the goal and hold it there."""

    task = "picking"

    def placements(self, raw: np.ndarray) -> list[_Placement]:
        """The block up into the goal, held there."""
        goal = self.reader.block(raw, "goal_block")
        return [_Placement("tool_block", goal.position, goal.yaw, goal.position[2], hold=True)]


class ScriptedPickAndPlace(GraspPolicy):
    """Pick and place: lift the block over the wall, set it down on the goal, let go."""

    task = "pick_and_place"
    obstacles = ("obstacle",)
    wall_clearance = 0.03
    """Gap (m) between the block's bottom and the wall's top while it crosses."""

    def placements(self, raw: np.ndarray) -> list[_Placement]:
        """The block onto the goal, carried with its bottom ``wall_clearance`` above the wall."""
        goal = self.reader.block(raw, "goal_block")
        wall = self.reader.block(raw, "obstacle")
        tool = self.reader.block(raw, "tool_block")
        carry = wall.position[2] + wall.height / 2 + tool.height / 2 + self.wall_clearance
        return [_Placement("tool_block", goal.position, goal.yaw, max(carry, goal.position[2]), hold=False)]


class ScriptedStacking2(GraspPolicy):
    """Stacking2: put the block nearer goal 1 onto goal 1, then the other block onto it (goal 2)."""

    task = "stacking2"
    obstacles = ("tool_block_1", "tool_block_2")
    clearance = 0.015
    """Gap (m) kept above the other block while one travels."""

    def start_episode(self) -> None:
        """Forget which block goes first."""
        super().start_episode()
        self.order: tuple[str, str] | None = None

    def placements(self, raw: np.ndarray) -> list[_Placement]:
        """First block onto goal 1 (carried over the other one), then the second onto goal 2."""
        names = ("tool_block_1", "tool_block_2")
        blocks = {name: self.reader.block(raw, name) for name in names}
        goal_1 = self.reader.block(raw, "goal_block_1")
        goal_2 = self.reader.block(raw, "goal_block_2")
        if self.order is None:
            near = min(names, key=lambda n: float(np.linalg.norm(blocks[n].position[:2] - goal_1.position[:2])))
            self.order = (near, names[1] if near == names[0] else names[0])
        first, second = self.order
        over_second = blocks[second].position[2] + blocks[second].height / 2 + blocks[first].height / 2
        carry_1 = max(goal_1.position[2] + 0.02, over_second + self.clearance)
        carry_2 = goal_2.position[2] + blocks[second].height / 2 + self.clearance
        return [
            _Placement(first, goal_1.position, goal_1.yaw, carry_1, hold=False),
            _Placement(second, goal_2.position, goal_2.yaw, carry_2, hold=False),
        ]

"""The six intervention actors: goal, random, visual, physical properties, rigid pose, joints.

Each returns a nested intervention dict (``{"tool_block": {"mass": 0.03}}``) for some of the
variables it is given (name -> bounds in the active space), drawing from its own seeded generator.
Units are those of the variables (see ``docs/variables.md``): positions in m with z from the
floor top, cylindrical positions as (r m, phi rad, z m), orientations as rotation vectors (rad).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from causalworld.actors.base import InterventionActor, nest, register_actor
from causalworld.sim import geometry as g
from causalworld.sim.kinematics import inverse_kinematics

Flat = dict[str, tuple[np.ndarray, np.ndarray]]

REDUNDANT = ("cartesian_position", "orientation")
"""Parametrizations skipped in favour of ``cylindrical_position`` and ``euler_orientation`` (a
uniform quaternion box is not a rotation, and both forms of one quantity must agree)."""
DYNAMIC_ATTRIBUTES = ("linear_velocity", "angular_velocity")


def _attribute(name: str) -> str:
    return name.rpartition(".")[2]


@register_actor
class GoalActor(InterventionActor):
    """A new goal from the task's goal family in the env's active space (``task.sample_new_goal``).

    Only the goal's variables present in the input are returned.
    """

    type_name = "goal"

    def _act(self, variables: Flat) -> dict[str, Any] | None:
        goal = self.env.task.sample_new_goal(self.rng)
        kept: dict[str, Any] = {}
        for key, value in goal.items():
            if isinstance(value, dict):
                inner = {k: v for k, v in value.items() if f"{key}.{k}" in variables}
                if inner:
                    kept[key] = inner
            elif key in variables:
                kept[key] = value
        return kept or None


@register_actor
class RandomActor(InterventionActor):
    """Every given variable uniform in its bounds, except joint positions and velocities.

    Positions use ``cylindrical_position`` and orientations ``euler_orientation`` (the cartesian
    and quaternion forms are skipped). With probability 1/2 object sizes are drawn and object
    positions kept, otherwise the reverse, as in the original benchmark.
    """

    type_name = "random"

    def _act(self, variables: Flat) -> dict[str, Any] | None:
        sizes_not_positions = bool(self.rng.uniform() < 0.5)
        skipped = "cylindrical_position" if sizes_not_positions else "size"
        flat = {}
        for name, bounds in variables.items():
            attribute = _attribute(name)
            if name in ("joint_positions", "joint_velocities") or attribute in REDUNDANT + DYNAMIC_ATTRIBUTES:
                continue
            if "." in name and attribute == skipped:
                continue
            flat[name] = self._uniform(name, bounds)
        return nest(flat) or None


@register_actor
class VisualActor(InterventionActor):
    """Every colour variable (blocks, goals, floor, stage, the 12 robot links), uniform in its bounds (RGB)."""

    type_name = "visual"

    def _act(self, variables: Flat) -> dict[str, Any] | None:
        flat = {n: self._uniform(n, b) for n, b in variables.items() if _attribute(n).endswith("color")}
        return nest(flat) or None


@register_actor
class PhysicalPropertiesActor(InterventionActor):
    """Mass or friction of every variable whose name starts with ``group`` ("tool", "floor", "stage", "robot").

    For an object (``tool_block.*``) its ``mass`` is drawn, or its ``friction`` if it has no mass; a
    top-level name containing "mass" or "friction" (``floor_friction``) is drawn directly.
    """

    type_name = "physical_properties"

    def __init__(self, group: str, seed: int | None = None) -> None:
        if not isinstance(group, str) or not group:
            raise ValueError(f"group must be a non-empty name prefix such as 'tool', got {group!r}")
        self.group = group
        super().__init__(seed)

    def _params(self) -> dict[str, Any]:
        return {"group": self.group}

    def _act(self, variables: Flat) -> dict[str, Any] | None:
        chosen = []
        objects = sorted({n.partition(".")[0] for n in variables if "." in n and n.startswith(self.group)})
        for obj in objects:
            for attribute in ("mass", "friction"):
                if f"{obj}.{attribute}" in variables:
                    chosen.append(f"{obj}.{attribute}")
                    break
        chosen += [n for n in variables
                   if "." not in n and n.startswith(self.group) and ("mass" in n or "friction" in n)]
        return nest({n: self._uniform(n, variables[n]) for n in chosen}) or None


@register_actor
class RigidPoseActor(InterventionActor):
    """Cylindrical position (r m, phi rad, z m) and/or yaw of every object whose name starts with "tool".

    Orientations are drawn as rotation vectors inside the ``euler_orientation`` bounds (yaw only
    for the block tasks).
    """

    type_name = "rigid_pose"

    def __init__(self, positions: bool = True, orientations: bool = True, seed: int | None = None) -> None:
        if not (positions or orientations):
            raise ValueError("RigidPoseActor needs positions=True or orientations=True (or both)")
        self.positions = bool(positions)
        self.orientations = bool(orientations)
        super().__init__(seed)

    def _params(self) -> dict[str, Any]:
        return {"positions": self.positions, "orientations": self.orientations}

    def _act(self, variables: Flat) -> dict[str, Any] | None:
        wanted = ({"cylindrical_position"} if self.positions else set()) | (
            {"euler_orientation"} if self.orientations else set())
        names = [n for n in variables if n.startswith("tool") and _attribute(n) in wanted]
        flat = {n: self._uniform(n, variables[n]) for n in names}
        return nest(flat) or None


@register_actor
class JointsActor(InterventionActor):
    """Joint positions (rad, 9) that put the fingertips at random targets.

    Targets are uniform in the arena box ``ARENA_BOUNDS`` (m, z from the floor top); inverse
    kinematics from the zero pose, bounded to the given ``joint_positions`` bounds, turns them into
    joint positions, so the draw always lies inside the active space.
    """

    type_name = "joints"

    def _act(self, variables: Flat) -> dict[str, Any] | None:
        if "joint_positions" not in variables:
            return None
        low, high = variables["joint_positions"]
        arena_low, arena_high = (np.array(b * 3, dtype=np.float64) for b in g.ARENA_BOUNDS)
        targets = self.rng.uniform(arena_low, arena_high)
        robot = self.env.robot if self._env is not None else None
        offset = robot.base_offset_z if robot is not None else 0.0
        solve = robot.kinematics.inverse_kinematics if robot is not None else inverse_kinematics
        start = np.clip(np.zeros(9), low, high)
        joints = solve(targets, start, offset, low, high)
        return {"joint_positions": np.clip(joints, low, high)}


"""Physics health: detect a simulation that has blown up.

A rigid-body solver can diverge (a wild intervention with bounds checking off, a body teleported
into another, extreme masses): velocities explode, a block tunnels through the floor or leaves the
arena, and in the worst case positions become NaN. :func:`physics_problems` checks a scene state
against :class:`HealthLimits` and describes every problem in words; the environment reports them
to the learner (:mod:`causalworld.env.health`).

Typical figures under random maximum-torque actions are below 16 rad/s for joints, 1.3 m/s and
30 rad/s for blocks; the limits sit an order of magnitude above that.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from causalworld.sim.geometry import WALL_INNER_RADIUS, WALL_THICKNESS


@dataclass(frozen=True)
class HealthLimits:
    """Beyond these the simulation is considered blown up.

    Attributes:
        max_joint_speed: joint speed (rad/s).
        max_block_speed: speed of a block's centre (m/s).
        max_block_spin: angular speed of a block (rad/s).
        arena_radius: distance (m) of a block's centre from the arena axis (outside the wall).
        floor_depth: depth (m) of a block's centre below the floor top (0: half of it is in the floor).
        max_height: height (m) of a block's centre above the floor top.
    """

    max_joint_speed: float = 100.0
    max_block_speed: float = 10.0
    max_block_spin: float = 200.0
    arena_radius: float = WALL_INNER_RADIUS + WALL_THICKNESS + 0.01
    floor_depth: float = 0.0
    max_height: float = 1.0


DEFAULT_LIMITS = HealthLimits()


def _norm(vector: Iterable[float]) -> float:
    return math.sqrt(math.fsum(v * v for v in vector))


def _finite(values: Iterable[float]) -> bool:
    return all(map(math.isfinite, values))


def physics_problems(state: Any, limits: HealthLimits = DEFAULT_LIMITS) -> list[str]:
    """Readable descriptions of everything implausible in a scene state (empty if it is sound).

    Args:
        state: a :class:`causalworld.tasks.SceneState` (joint positions and velocities, and a
            :class:`~causalworld.sim.objects.BlockState` per movable block).
        limits: the thresholds.
    """
    problems = []
    if not (_finite(state.joint_positions) and _finite(state.joint_velocities)):
        problems.append("robot joint state is not finite (NaN or infinity)")
    else:
        fastest = max(map(abs, state.joint_velocities), default=0.0)
        if fastest > limits.max_joint_speed:
            problems.append(f"a robot joint moves at {fastest:.3g} rad/s (limit {limits.max_joint_speed:g})")
    for name, block in state.blocks.items():
        values = (*block.position, *block.orientation, *block.linear_velocity, *block.angular_velocity)
        if not _finite(values):
            problems.append(f"block {name}: pose or velocity is not finite (NaN or infinity)")
            continue
        x, y, z = block.position
        speed, spin = _norm(block.linear_velocity), _norm(block.angular_velocity)
        if speed > limits.max_block_speed:
            problems.append(f"block {name} moves at {speed:.3g} m/s (limit {limits.max_block_speed:g})")
        if spin > limits.max_block_spin:
            problems.append(f"block {name} spins at {spin:.3g} rad/s (limit {limits.max_block_spin:g})")
        if z < -limits.floor_depth:
            problems.append(f"block {name} is through the floor (centre {1000 * -z:.1f} mm below its top)")
        elif z > limits.max_height:
            problems.append(f"block {name} is {z:.3g} m above the floor (limit {limits.max_height:g})")
        radius = math.hypot(x, y)
        if radius > limits.arena_radius:
            problems.append(f"block {name} is out of the arena ({radius:.3f} m from its centre, "
                            f"wall at {WALL_INNER_RADIUS:.3f} m)")
    return problems

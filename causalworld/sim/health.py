"""Physics health: detect a simulation that has blown up, and keep it out of the observation.

A rigid-body solver can diverge (a wild intervention with bounds checking off, a body teleported
into another, extreme masses): velocities explode, a block tunnels through the floor or leaves the
arena, and in the worst case positions become NaN. None of that may reach a learner silently.
After every env step :func:`guard_step` checks the new scene state against :class:`HealthLimits`
and

* puts a readable description of every problem in ``info["physics_warning"]`` (a string; the key
  is present only on steps with a problem);
* replaces any NaN in the observation by 0 and any infinity by the space's bound, so observations
  always lie inside the observation space;
* replaces a non-finite reward by 0.0.

The episode is not ended: what to do (reset, discard the episode) is the caller's decision. Typical
figures under random maximum-torque actions are below 16 rad/s for joints, 1.3 m/s and 30 rad/s for
blocks; the limits sit an order of magnitude above that.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from causalworld.sim.geometry import WALL_INNER_RADIUS, WALL_THICKNESS

WARNING_KEY = "physics_warning"
"""The ``info`` key that carries the description of a physics problem."""


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

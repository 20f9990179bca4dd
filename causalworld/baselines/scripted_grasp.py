"""A two-finger grasp-carry-place skill: the building block of the picking, pick-and-place and stacking policies.

Two fingers press opposite side faces of a block at its mid-height; the third finger waits above
the arena, out of the way. The grip then moves as one rigid frame: it lifts the block, carries it
to a target centre, turns it by at most an eighth of a turn so that its faces line up with the
target's, lowers it, and (unless told to hold) lets go and rises.

All positions are in metres in the world frame with z from the floor top; angles are radians about
world z. The skill is a small state machine over :class:`Phase`; it is stepped once per env step
with the current fingertip positions and block pose and returns the next fingertip targets.
If the block slips out of the grip, the skill starts over (up to ``max_regrasps`` times).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from causalworld.baselines.scripted_common import (
    BASE_AZIMUTHS,
    BlockView,
    approach,
    choose_grip,
    horizontal,
    hull_contains,
    nearest_quarter_turn,
    outside_arena,
    wrap_angle,
)
from causalworld.sim.geometry import TIP_RADIUS


class Phase(enum.Enum):
    """Stages of the grasp-carry-place skill, in order."""

    OPEN = "open"
    DESCEND = "descend"
    CLOSE = "close"
    LIFT = "lift"
    CARRY = "carry"
    LOWER = "lower"
    RELAX = "relax"
    RELEASE = "release"
    RETREAT = "retreat"
    DONE = "done"


@dataclass(frozen=True)
class GraspSettings:
    """Tunable numbers of the skill (m, m/s, s)."""

    speed: float = 0.12
    """Fingertip target speed (m/s) while moving freely."""
    carry_speed: float = 0.08
    """Speed (m/s) of the grip frame while it holds the block."""
    turn_speed: float = 1.0
    """Turning speed (rad/s) of the grip while it holds the block."""
    clearance: float = 0.025
    """Gap (m) between an open fingertip's surface and the block face."""
    squeeze: float = 0.02
    """How far (m) the grip targets lie inside the faces: the PD error that makes the gripping force."""
    hover: float = 0.04
    """Height (m) above the block top at which open fingertips travel."""
    park_radius: float = 0.21
    park_height: float = 0.10
    """Where the free finger waits: radius from the arena axis (m) toward its base, and height (m)."""
    tolerance: float = 0.012
    """Fingertips within this distance (m) of their targets count as arrived."""
    phase_timeout: float = 2.5
    """Seconds after which a phase moves on even if the fingertips have not quite arrived."""
    max_regrasps: int = 3
    place_tolerance: float = 0.002
    """The block is let go once its centre is this close (m) to the target (or after a while)."""
    hover_above_target: float = 0.015
    """The block waits this high (m) above its target until it is over it, then goes down."""
    drop: float = 0.004
    """The block is let go this high (m) above its target, so the fingers never press it into the floor."""
    relax_time: float = 0.3
    """Seconds the gripping fingers stay where they are, no longer pressing, before they open."""
    ease: float = 0.15
    """Near its goal the grip covers this share of the remaining distance per step, so the block stops softly."""
    max_tilt: float = math.radians(4.0)
    """The block is set down only once it hangs this close (rad) to level (or after a while)."""
    keep_clear: float = 0.015
    """Extra gap (m) between an open fingertip and any other object, room for the finger's links."""
    grip_above: float = 0.2
    """Contacts lie this share of the block's height above its centre, so a swinging block hangs stably."""
    correction_gain: float = 0.05
    """Share of the block's position error added to the grip's offset every step (integral action)."""
    yaw_correction_gain: float = 0.03
    """Share of the block's yaw error added to the grip's turn every step (integral action)."""
    max_correction: float = 0.015
    """Largest offset (m; for yaw, this many times 10 rad) the integral action may build up."""


class GraspCarry:
    """Grasp one block, carry it to a target pose, and set it down or hold it there.

    Call :meth:`start` with the target, then :meth:`step` every env step. ``dt`` is the env step (s).
    """

    def __init__(self, dt: float, settings: GraspSettings | None = None) -> None:
        self.dt = float(dt)
        self.settings = settings or GraspSettings()
        self.phase = Phase.DONE
        self.target_position = np.zeros(3)
        self.target_yaw = 0.0
        self.carry_height = 0.0
        self.hold = False
        self.regrasps = 0
        self._command = np.zeros(9)
        self._phase_steps = 0
        self._grip: tuple[int, int, int, float] = (0, 1, 2, 0.0)
        self._centre = np.zeros(3)
        """Where the grip holds: the block centre plus ``_offset`` (m)."""
        self._offset = np.zeros(3)
        self._release_tips = np.zeros(9)
        self._others: tuple[BlockView, ...] = ()
        self._tips = np.zeros(9)
        self._descending = False
        self._axis = 0.0
        self._turn_left = 0.0
        self._half = 0.0
        self._yaw_reference = 0.0
        self._bias = np.zeros(3)
        self._tip_bias = np.zeros((3, 3))
        self._yaw_bias = 0.0

    # -- public -------------------------------------------------------------------------------
    def start(self, tips: np.ndarray, target_position, target_yaw: float, carry_height: float, hold: bool) -> None:
        """Begin a new grasp from fingertips at ``tips`` (m, 9).

        Args:
            tips: current fingertip positions (m, 9).
            target_position: where the block's centre should end up (m, 3).
            target_yaw: azimuth (rad) of one of the target's side-face normals.
            carry_height: height (m) of the block centre while it travels.
            hold: keep gripping at the target instead of letting go.
        """
        self.target_position = np.asarray(target_position, dtype=np.float64)
        self.target_yaw = float(target_yaw)
        self.carry_height = float(carry_height)
        self.hold = bool(hold)
        self.regrasps = 0
        self._command = np.asarray(tips, dtype=np.float64).copy()
        self._enter(Phase.OPEN)

    def retarget(self, target_position, target_yaw: float) -> None:
        """Change the target while carrying (e.g. the goal moved); ignored once the block is lowered."""
        self.target_position = np.asarray(target_position, dtype=np.float64)
        self.target_yaw = float(target_yaw)

    @property
    def done(self) -> bool:
        """Whether the skill has let go and risen (or, when holding, is holding at the target)."""
        return self.phase is Phase.DONE

    @property
    def failed(self) -> bool:
        """Whether the block slipped more often than ``max_regrasps``."""
        return self.regrasps > self.settings.max_regrasps

    def step(self, tips: np.ndarray, block: BlockView, others: Sequence[BlockView] = ()) -> np.ndarray:
        """Fingertip targets (m, 9) for the next env step.

        Args:
            tips: observed fingertip positions (m, 9).
            block: the block being moved.
            others: every other object (blocks, silhouettes don't matter, fixed walls do) the open
                fingertips must not land on.
        """
        s = self.settings
        self._others = tuple(others)
        self._tips = np.asarray(tips, dtype=np.float64)
        tips = np.asarray(tips, dtype=np.float64)
        self._phase_steps += 1
        timed_out = self._phase_steps * self.dt > s.phase_timeout
        holding = self.phase in (Phase.LIFT, Phase.CARRY, Phase.LOWER) or (self.hold and self.phase is Phase.DONE)
        if holding and self._slipped(tips, block):
            self.regrasps += 1
            self._enter(Phase.OPEN)
        phase = self.phase
        if phase is Phase.OPEN:
            self._plan_grip(block)
            goal = self._open_tips(block, raised=True)
            if self._move(goal, tips, s.speed) or timed_out:
                self._enter(Phase.DESCEND)
        elif phase is Phase.DESCEND:
            self._plan_grip(block)
            goal = self._open_tips(block, raised=False)
            if self._move(goal, tips, s.speed) or timed_out:
                self._enter(Phase.CLOSE)
        elif phase is Phase.CLOSE:
            goal = self._grip_tips(self._centre, self._axis, inside=True)
            if self._move(goal, tips, s.speed * 0.5, check=False) and self._phase_steps * self.dt > 0.5:
                self._enter(Phase.LIFT)
        elif phase is Phase.LIFT:
            lifted = np.array([*self._centre[:2], self.carry_height + self._offset[2]])
            if self._move_grip(lifted, block, turn=False) or timed_out:
                self._enter(Phase.CARRY)
        elif phase is Phase.CARRY:
            over = np.array([*self.target_position[:2], self.carry_height]) + self._offset
            if self._move_grip(over, block) or timed_out:
                self._enter(Phase.LOWER)
        elif phase is Phase.LOWER:
            self._lower(tips, block)
        elif phase is Phase.RELAX:
            if self._phase_steps * self.dt >= s.relax_time:
                self._enter(Phase.RELEASE)
        elif phase is Phase.RELEASE:
            goal = self._open_from(self._release_tips)
            if self._move(goal, tips, s.speed * 0.5) or timed_out:
                self._enter(Phase.RETREAT)
        elif phase is Phase.DONE and self.hold:
            self._move_grip(self.target_position + self._offset, block)
        elif phase is Phase.RETREAT:
            goal = self._command.copy().reshape(3, 3)
            goal[:, 2] = max(self._centre[2] + self._half, 0.0) + s.hover + 0.02
            if self._move(goal.reshape(-1), tips, s.speed) or timed_out:
                self._enter(Phase.DONE)
        return self._command.copy()

    # -- internals ----------------------------------------------------------------------------
    def _open_from(self, tips: np.ndarray) -> np.ndarray:
        """Targets (m, 9) that move the gripping fingertips straight out from ``tips`` along the grip axis."""
        s = self.settings
        first, second, _, _ = self._grip
        out = np.asarray(tips, dtype=np.float64).reshape(3, 3).copy()
        normal = horizontal(self._axis + self._yaw_bias)
        out[first] += (s.clearance + s.squeeze) * normal
        out[second] -= (s.clearance + s.squeeze) * normal
        return out.reshape(-1)

    def _lower(self, tips: np.ndarray, block: BlockView) -> None:
        """Hover just above the target until the block is over it, then set it down (or hold it there)."""
        s = self.settings
        target = self.target_position
        error_xy = float(np.linalg.norm(block.position[:2] - target[:2]))
        steady = error_xy < s.place_tolerance and block.tilt < s.max_tilt
        if steady or self._phase_steps * self.dt > s.phase_timeout:
            self._descending = True
        if self.hold:
            above = 0.0
        else:
            above = s.drop if self._descending else s.hover_above_target
        goal = target + self._offset + np.array([0.0, 0.0, above])
        arrived = self._move_grip(goal, block)
        error = float(np.linalg.norm(block.position - target - np.array([0.0, 0.0, above])))
        settled = arrived and (self._descending or self.hold) and (
            error < s.place_tolerance or self._phase_steps * self.dt > 2.0
        )
        if self.hold:
            if settled:
                self._enter(Phase.DONE)
            return
        if settled or self._phase_steps * self.dt > 2 * s.phase_timeout:
            # Easing off: command the gripping fingertips where they are, so neither presses any more.
            first, second, _, _ = self._grip
            command = self._command.reshape(3, 3)
            actual = np.asarray(tips, dtype=np.float64).reshape(3, 3)
            command[first], command[second] = actual[first], actual[second]
            self._command = command.reshape(-1)
            self._release_tips = self._command.copy()
            self._enter(Phase.DONE if self.hold else Phase.RELAX)

    def _enter(self, phase: Phase) -> None:
        self.phase = phase
        self._phase_steps = 0
        self._descending = False

    def _plan_grip(self, block: BlockView) -> None:
        """Pick fingers and axis for ``block``; remember its centre, grip half-width and turn to go."""
        s = self.settings
        turn = nearest_quarter_turn(block.yaw, self.target_yaw)
        travel = self.target_position[:2] - block.position[:2]
        heading = math.atan2(travel[1], travel[0]) if np.linalg.norm(travel) > 0.02 else None
        reach = max(block.side_half_widths()) + TIP_RADIUS + s.clearance
        lift = np.array([0.0, 0.0, s.grip_above * block.height])
        places = ((block.position + lift, self._others), (self.target_position + lift, self._others))

        def blocked(axis_start: float, axis_end: float) -> bool:
            for (centre, others), angle in zip(places, (axis_start, axis_end)):
                for sign in (1.0, -1.0):
                    point = centre + sign * reach * horizontal(angle)
                    if outside_arena(point, TIP_RADIUS):
                        return True
                    if any(hull_contains(o, point, TIP_RADIUS + s.keep_clear) for o in others):
                        return True
            return False

        first, second, free, axis = choose_grip(block.yaw, block.yaw + turn, heading, blocked)
        self._grip = (first, second, free, axis)
        self._axis = axis
        quarter = round(wrap_angle(axis - block.yaw) / (math.pi / 2))
        widths = block.side_half_widths()
        self._half = widths[quarter % 2]
        self._centre = block.position.copy()
        self._centre[2] = max(block.position[2] + s.grip_above * block.height, TIP_RADIUS + 0.004)
        self._offset = self._centre - block.position
        self._turn_left = turn
        self._yaw_reference = block.yaw
        self._bias = np.zeros(3)
        self._tip_bias = np.zeros((3, 3))
        self._yaw_bias = 0.0

    def _park(self) -> np.ndarray:
        s = self.settings
        free = self._grip[2]
        return np.array([*(s.park_radius * horizontal(BASE_AZIMUTHS[free]))[:2], s.park_height])

    def _travel_height(self, block: BlockView) -> float:
        """Height (m) at which open fingertips may cross the scene: ``hover`` above the block and any neighbour."""
        tops = [block.position[2] + block.height / 2]
        tops += [o.position[2] + o.height / 2 for o in self._others]
        return max(tops) + self.settings.hover

    def _open_tips(self, block: BlockView, raised: bool) -> np.ndarray:
        """Open-grip targets (m, 9); ``raised``: at travel height, reached by rising first, then moving across."""
        tips = self._grip_tips(self._centre, self._axis, inside=False).reshape(3, 3)
        if raised:
            first, second, _, _ = self._grip
            height = self._travel_height(block)
            current = self._command.reshape(3, 3)
            for finger in (first, second):
                tips[finger, 2] = height
                if current[finger, 2] < height - 0.01:
                    tips[finger, :2] = current[finger, :2]
        return tips.reshape(-1)

    def _grip_tips(self, centre: np.ndarray, axis: float, inside: bool | None) -> np.ndarray:
        """Targets of (first, second, free) fingers, reordered into finger order (m, 9).

        The gripping fingertips go ``squeeze`` inside the faces (``inside``), ``clearance`` outside
        them (not ``inside``), or just touching them (None).
        """
        s = self.settings
        reach = self._half + TIP_RADIUS + (0.0 if inside is None else (-s.squeeze if inside else s.clearance))
        first, second, free, _ = self._grip
        out = np.zeros((3, 3))
        out[first] = centre + reach * horizontal(axis)
        out[second] = centre - reach * horizontal(axis)
        out[free] = self._park()
        return out.reshape(-1)

    def _move(self, goal: np.ndarray, tips: np.ndarray, speed: float, check: bool = True) -> bool:
        """Advance the commanded targets toward ``goal``; True once there (and the tips too, if ``check``)."""
        self._command = approach(self._command, goal, speed * self.dt)
        at_goal = bool(np.allclose(self._command, goal, atol=1e-6))
        if not check:
            return at_goal
        error = np.linalg.norm((tips - self._command).reshape(3, 3), axis=1)
        return at_goal and bool(np.all(error < self.settings.tolerance))

    def _move_grip(self, centre_goal: np.ndarray, block: BlockView, turn: bool = True) -> bool:
        """Move the grip frame toward ``centre_goal`` (and, if ``turn``, on with the turn); True once both are done.

        The fingertip targets are offset by an integral of the block's position and yaw errors, so
        the block itself, not the fingertips, follows the planned path despite sag and slip.
        """
        s = self.settings
        limit = s.max_correction
        error = self._centre - self._offset - block.position
        self._bias = np.clip(self._bias + s.correction_gain * error, -limit, limit)
        wanted_yaw = self._yaw_reference + (self._axis - self._grip[3])
        yaw_error = nearest_quarter_turn(block.yaw, wanted_yaw)
        self._yaw_bias = float(np.clip(self._yaw_bias + s.yaw_correction_gain * yaw_error, -0.15, 0.15))
        delta = np.asarray(centre_goal, dtype=np.float64) - self._centre
        dist = float(np.linalg.norm(delta))
        step = min(dist, s.carry_speed * self.dt, max(s.ease * dist, 0.001))
        if dist > 1e-12:
            self._centre = self._centre + delta * (step / dist)
        if turn:
            rotate = float(np.clip(self._turn_left, -s.turn_speed * self.dt, s.turn_speed * self.dt))
            self._axis += rotate
            self._turn_left -= rotate
        centre, axis = self._centre + self._bias, self._axis + self._yaw_bias
        # Each gripping fingertip also integrates its own error across the grip axis, so both contacts
        # sit at the same height: uneven contacts would twist the block about the grip axis.
        touching = self._grip_tips(centre, axis, inside=None).reshape(3, 3)
        normal = horizontal(axis)
        for finger in self._grip[:2]:
            error = touching[finger] - self._tips.reshape(3, 3)[finger]
            error -= float(error @ normal) * normal
            self._tip_bias[finger] = np.clip(self._tip_bias[finger] + s.correction_gain * error, -limit, limit)
        self._command = (self._grip_tips(centre, axis, inside=True).reshape(3, 3) + self._tip_bias).reshape(-1)
        return dist < 1e-6 and (not turn or abs(self._turn_left) < 1e-6)

    def _slipped(self, tips: np.ndarray, block: BlockView) -> bool:
        """Whether the block has left the grip (its centre far from the two gripping fingertips)."""
        first, second, _, _ = self._grip
        t = tips.reshape(3, 3)
        middle = (t[first] + t[second]) / 2
        return bool(np.linalg.norm(middle - block.position) > self._half + 0.02)

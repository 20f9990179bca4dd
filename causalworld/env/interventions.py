"""Interventions: validate, apply, check feasibility, roll back.

Input is the original benchmark's nested format (``{"tool_block": {"mass": 0.05},
"floor_friction": 0.4}``) or dotted names (``{"tool_block.mass": 0.05}``), freely mixed.
Values may be numbers, lists, tuples or arrays.

* Malformed input (unknown variable, read-only variable, wrong shape, non-number, NaN or
  infinity, a non-unit quaternion, two parametrizations of one quantity that disagree) raises
  :class:`InterventionError` before anything changes.
* Values outside the active space (when bounds are checked) and physically infeasible results
  (penetrations, a goal outside the arena, a block outside the wall) give ``success=False`` with
  readable reasons, and the world is put back exactly as it was.
* Setting a variable to its current value is never refused for bounds, so feeding
  ``get_current_state_variables()`` back is a no-op.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import numpy as np

from causalworld.sim import geometry as g
from causalworld.sim.objects import Block
from causalworld.spatial import box_hull, cylindrical_to_cartesian, rotation_vector_to_quaternion
from causalworld.variables import (
    DYNAMIC,
    GEOMETRY,
    TASK,
    CausalVariable,
    InterventionError,
    VariableRegistry,
    VariableSpace,
)

BLOCK_PENETRATION_LIMIT = 0.005
"""Deepest allowed penetration (m) of a block into anything after an intervention."""
ROBOT_PENETRATION_LIMIT = 0.0095
"""Deepest allowed penetration (m) of a robot link into anything after an intervention."""
ALIASES = {"cylindrical_position": "cartesian_position", "euler_orientation": "orientation"}
"""Alternative parametrizations and the variable they stand for."""


def flatten(intervention: Mapping[str, Any]) -> dict[str, Any]:
    """Nested or dotted intervention -> {dotted name: value}."""
    if not isinstance(intervention, Mapping):
        raise InterventionError(
            f"an intervention is a dict of variable names to values, got {type(intervention).__name__}"
        )
    flat: dict[str, Any] = {}
    for key, value in intervention.items():
        if not isinstance(key, str):
            raise InterventionError(f"variable names are strings, got {key!r}")
        if isinstance(value, Mapping):
            if not value:
                raise InterventionError(f"{key!r} maps to an empty dict: name at least one of its variables")
            for sub, sub_value in value.items():
                if not isinstance(sub, str) or isinstance(sub_value, Mapping):
                    raise InterventionError(f"{key!r}: expected {{attribute name: value}}, got {sub!r}: {sub_value!r}")
                _put(flat, f"{key}.{sub}", sub_value)
        else:
            _put(flat, key, value)
    return flat


def _put(flat: dict[str, Any], name: str, value: Any) -> None:
    if name in flat:
        raise InterventionError(f"{name!r} is given twice")
    flat[name] = value


class Interventions:
    """Applies interventions to one environment's scene through its variable registry."""

    def __init__(self, registry: VariableRegistry, task, stage, robot, world) -> None:
        self.registry = registry
        self.task = task
        self.stage = stage
        self.robot = robot
        self.world = world

    # -- validation -------------------------------------------------------------------------
    def validate(self, intervention: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Check names, shapes, types and finiteness; returns {name: float64 array}."""
        values: dict[str, np.ndarray] = {}
        for name, raw in flatten(intervention).items():
            variable = self._lookup(name)
            values[name] = self._coerce(variable, raw)
        for name in list(values):
            obj, _, attribute = name.rpartition(".")
            if attribute in ALIASES and f"{obj}.{ALIASES[attribute]}" in values:
                self._check_consistent(name, f"{obj}.{ALIASES[attribute]}", values)
                del values[name]
        return values

    def _lookup(self, name: str) -> CausalVariable:
        if name not in self.registry:
            close = difflib.get_close_matches(name, list(self.registry), n=3)
            hint = f"; did you mean {close}?" if close else ""
            raise InterventionError(f"unknown variable {name!r}{hint}")
        return self.registry[name]

    def _coerce(self, variable: CausalVariable, raw: Any) -> np.ndarray:
        name = variable.name
        if isinstance(raw, (str, bytes)) or raw is None:
            raise InterventionError(f"{name}: expected a number array of shape {variable.shape}, got {raw!r}")
        try:
            array = np.asarray(raw)
        except (TypeError, ValueError):
            array = None
        if array is None or array.dtype.kind not in "iuf":  # refuses strings, bools, complex, objects
            kind = "ragged lists" if array is None else f"dtype {array.dtype}"
            raise InterventionError(
                f"{name}: expected integers or floats of shape {variable.shape}, got {kind}: {raw!r}"[:400]
            )
        value = array.astype(np.float64)
        if value.shape != variable.shape:
            raise InterventionError(
                f"{name}: expected shape {variable.shape} ({variable.units}), got shape {value.shape}"
            )
        if not np.all(np.isfinite(value)):
            raise InterventionError(f"{name}: values must be finite, got {value.tolist()}")
        if not variable.settable:
            if not np.array_equal(value, variable.read()):
                raise InterventionError(f"{name} is read-only (current value {variable.read().tolist()})")
            return value
        if variable.integer and not np.all(value == np.round(value)):
            raise InterventionError(f"{name}: expected whole numbers, got {value.tolist()}")
        if name.endswith(".orientation") and abs(float(np.linalg.norm(value)) - 1.0) > 1e-6:
            raise InterventionError(
                f"{name}: expected a unit quaternion (x, y, z, w), got norm {np.linalg.norm(value):.6g}"
            )
        return value

    def _check_consistent(self, alias: str, canonical: str, values: dict[str, np.ndarray]) -> None:
        if alias.endswith("cylindrical_position"):
            implied = np.array(cylindrical_to_cartesian(*values[alias]))
        else:
            implied = np.array(rotation_vector_to_quaternion(values[alias]))
        target = values[canonical]
        if canonical.endswith("orientation") and float(np.dot(implied, target)) < 0:
            implied = -implied
        if not np.allclose(implied, target, atol=1e-6):
            raise InterventionError(f"{alias} and {canonical} disagree: give one of them")

    # -- bounds -----------------------------------------------------------------------------
    def out_of_bounds(
        self, values: Mapping[str, np.ndarray], space: VariableSpace, skip_unchanged: bool = True
    ) -> list[str]:
        """Reasons for every value outside ``space`` (by default only values that would change)."""
        reasons = []
        for name, value in values.items():
            variable = self.registry[name]
            if not variable.settable or (skip_unchanged and np.array_equal(value, variable.read())):
                continue
            if not variable.contains(value, space):
                low, high = variable.bounds(space)
                reasons.append(
                    f"{name} = {np.round(value, 6).tolist()} is outside {space.value} "
                    f"[{np.round(low, 6).tolist()}, {np.round(high, 6).tolist()}] ({variable.units})"
                )
        return reasons

    # -- application ------------------------------------------------------------------------
    def apply(
        self, values: dict[str, np.ndarray], check_bounds: bool, space: VariableSpace
    ) -> tuple[list[str], set[str]]:
        """Apply validated values.

        Returns (reasons, changed): the reasons for a refusal (then nothing changed), and the
        canonical names of the variables that changed (coupled ones included).
        """
        values = {
            n: v
            for n, v in values.items()
            if self.registry[n].settable and not np.array_equal(v, self.registry[n].read())
        }
        if not values:
            return [], set()
        if check_bounds:
            reasons = self.out_of_bounds(values, space)
            if reasons:
                return reasons, set()
        reasons = self.task.refusals(values)
        if reasons:
            return reasons, set()
        values = self.task.couple(dict(values), self.registry)
        saved = self._capture(values)
        if not self._needs_physics_check(values):
            self._set(values)
            return [], {self._canonical_name(n) for n in values}
        moved = self._moved(values)
        if moved is not None and not moved & ({"robot"} | set(self.stage.blocks)):
            # only silhouettes move: nothing can collide, only the goal checks apply
            self._set(values)
            reasons = self.infeasibility(set())
            if reasons:
                self._set(saved)
        else:
            reasons = self._apply_checked(values, saved, moved)
        if reasons:
            return reasons, set()
        return [], {self._canonical_name(n) for n in values}

    def _apply_checked(self, values, saved, moved) -> list[str]:
        """Apply values that move colliding bodies; roll back if the result is infeasible."""
        structural = any(self.registry[n].kind in (GEOMETRY, TASK) for n in values)
        snapshot = None if structural else self.world.save_state()
        attributes = self._object_attributes()
        reasons: list[str] = []
        try:
            try:
                self._set(values)
                reasons = self.infeasibility(moved)
            except BaseException:
                reasons = ["an error occurred while applying"]
                raise
            finally:
                if reasons:
                    self._roll_back(saved, snapshot, attributes)
        finally:
            if snapshot is not None:
                self.world.remove_state(snapshot)
        return reasons

    def _object_attributes(self) -> dict[str, tuple]:
        return {name: (obj.position, obj.orientation) for name, obj in self.stage.objects.items()}

    def _roll_back(self, saved: dict[str, np.ndarray], snapshot: int | None, attributes: dict[str, tuple]) -> None:
        """Undo an applied intervention: bit-exactly from a snapshot when no body was rebuilt."""
        if snapshot is None:
            self._set(saved)
        else:
            self.world.restore_state(snapshot)
            self._set({n: v for n, v in saved.items() if self.registry[n].kind != DYNAMIC})
        for name, (position, orientation) in attributes.items():
            obj = self.stage.objects[name]
            obj.position, obj.orientation = position, orientation
        self.stage.touch()

    def _canonical_name(self, name: str) -> str:
        obj, _, attribute = name.rpartition(".")
        return f"{obj}.{ALIASES[attribute]}" if attribute in ALIASES else name

    def _capture(self, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        names = {self._canonical_name(n) for n in values}
        if any(self.registry[n].kind in (GEOMETRY, TASK) for n in names):
            names |= {v.name for v in self.registry.canonical() if v.kind in (DYNAMIC, GEOMETRY)}
        return {n: self.registry[n].read() for n in names}

    def _set(self, values: Mapping[str, np.ndarray]) -> None:
        """Set values in a safe order: task variables, sizes (one rebuild), then the rest.

        Task variables may add or remove objects; names whose object they removed are skipped.
        """
        kinds = {n: self.registry[n].kind for n in values if n in self.registry}
        for name, value in values.items():
            if kinds.get(name) == TASK:
                self.registry[name].setter(value)
        sizes = {
            n.rpartition(".")[0]: tuple(v)
            for n, v in values.items()
            if kinds.get(n) == GEOMETRY and n in self.registry
        }
        if sizes:
            self.stage.resize(sizes)
        for name, value in values.items():
            variable = self.registry.get(name)
            if variable is not None and kinds.get(name) not in (GEOMETRY, TASK):
                variable.setter(value)
        self.stage.touch()

    def _moved(self, values: Mapping[str, np.ndarray]) -> set[str] | None:
        """Bodies whose pose or shape an intervention changes (None: possibly all)."""
        moved = set()
        for name in values:
            variable = self.registry[name]
            if variable.kind in (GEOMETRY, TASK) or name == "robot_height":
                return None
            if variable.kind == DYNAMIC:
                moved.add(variable.object_name or "robot")
        return moved

    def _needs_physics_check(self, values: Mapping[str, np.ndarray]) -> bool:
        return any(self.registry[n].kind in (DYNAMIC, GEOMETRY, TASK) or n == "robot_height" for n in values)

    def infeasibility(self, moved: set[str] | None = None) -> list[str]:
        """Reasons the current scene is physically impossible (empty if it is fine).

        Penetrations are measured with closest-point queries, which leave the simulation's
        contact cache untouched, so a refused intervention cannot perturb later steps. Only
        pairs involving ``moved`` bodies ("robot" or object names; None means all) are checked.
        """
        bodies = {"robot": [self.robot.body], "floor": [self.stage.floor], "stage": self.stage.walls}
        bodies.update({name: [block.body] for name, block in self.stage.blocks.items()})
        check = set(bodies) - {"floor", "stage"} if moved is None else moved & set(bodies)
        # Two immovable bodies may overlap (pick_and_place's obstacle reaches into the round wall by
        # design): neither moves, so no contact between them is ever solved.
        static = {"floor", "stage"} | {name for name, block in self.stage.blocks.items() if block.mass <= 0}
        reasons = []
        done = set()
        for first in sorted(check):
            for second, body in bodies.items():
                pair = tuple(sorted((first, second)))
                if second == first or pair in done or (first in static and second in static):
                    continue
                done.add(pair)
                limit = ROBOT_PENETRATION_LIMIT if "robot" in pair else BLOCK_PENETRATION_LIMIT
                depth = max((self.world.penetration_depth(a, b) for a in bodies[first] for b in body), default=0.0)
                if depth > limit:
                    reasons.append(
                        f"{pair[0]} and {pair[1]} interpenetrate by {1000 * depth:.1f} mm (limit {1000 * limit:.1f} mm)"
                    )
        (x0, y0, z0), (x1, y1, z1) = g.ARENA_BOUNDS
        for name, silhouette in self.stage.silhouettes.items():
            (ax, ay, az), (bx, by, bz) = box_hull(silhouette.position, silhouette.orientation, silhouette.size)
            inside = (
                max(0.0, min(bx, x1) - max(ax, x0))
                * max(0.0, min(by, y1) - max(ay, y0))
                * max(0.0, min(bz, z1) - max(az, z0))
            )
            volume = (bx - ax) * (by - ay) * (bz - az)
            if volume > 0 and inside < 0.5 * volume:
                reasons.append(f"goal {name} is less than half inside the arena's working volume")
            if az < -0.01:
                reasons.append(f"goal {name} reaches {1000 * -az:.1f} mm below the floor")
        for name, block in self.stage.blocks.items():
            if isinstance(block, Block) and block.is_movable:
                x, y, _ = block.read_state().position
                if np.hypot(x, y) > g.WALL_INNER_RADIUS:
                    reasons.append(f"block {name} is outside the arena wall")
        return reasons

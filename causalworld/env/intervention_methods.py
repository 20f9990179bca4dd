"""The intervention methods of :class:`causalworld.CausalWorldEnv` (a mixin kept in its own file).

Starting state: a dict of the canonical variable values the env returns to on every reset.
``do_intervention`` changes the current episode only; ``set_starting_state`` changes the
starting state (it persists across resets) and resets; ``reset_default_state`` goes back to the
task's default scene.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from causalworld.sim.objects import Block
from causalworld.variables import DYNAMIC, GEOMETRY, TASK, InterventionResult, VariableSpace

State = dict[str, np.ndarray]


class InterventionMethods:
    """Mixin: needs ``variables``, ``_interventions``, ``task``, ``stage``, ``robot`` on the env."""

    # -- public API -------------------------------------------------------------------------
    def do_intervention(self, interventions_dict: Mapping[str, Any], check_bounds: bool = True) -> InterventionResult:
        """Change variables now, for the current episode only.

        Args:
            interventions_dict: ``{"tool_block": {"mass": 0.05}, "floor_friction": 0.4}`` or dotted names
                (the argument has the original's name, so its keyword calls work unchanged).
            check_bounds: refuse values outside the active space (see :meth:`set_intervention_space`).

        Returns:
            An :class:`InterventionResult`; unpacks as ``success, observation``.

        Raises:
            InterventionError: malformed input; nothing changed.
        """
        self._require_started()
        values = self._interventions.validate(interventions_dict)
        reasons, changed = self._interventions.apply(values, check_bounds, self.task.variables_space)
        self._dirty |= {n for n in changed if n in self.variables and self.variables[n].kind != DYNAMIC}
        state = self._read_state()
        if changed:
            self.task.reset_reward_state(state)
        return InterventionResult(not reasons, self._observe(state), tuple(reasons))

    def set_starting_state(
        self, interventions_dict: Mapping[str, Any] | None = None, check_bounds: bool = True
    ) -> InterventionResult:
        """Change the starting state (it persists across resets), then reset.

        The current starting state is restored first, the intervention is applied to it, and on
        success the result becomes the new starting state. On failure the starting state is
        unchanged. Either way the env is reset and the result carries the first observation.
        """
        values = self._interventions.validate(interventions_dict or {})
        self._restore_state(self._start_state)
        reasons, _ = self._interventions.apply(values, check_bounds, self.task.variables_space)
        if not reasons:
            self._start_state = self._capture_state()
        observation, _ = self.reset()
        return InterventionResult(not reasons, observation, tuple(reasons))

    def reset_default_state(self) -> None:
        """Make the task's default scene the starting state again (takes effect now: the env resets)."""
        self._start_state = dict(self._default_state)
        self._restore_state(self._start_state, everything=True)
        self.reset()

    def sample_new_goal(self, level: int | None = None) -> dict[str, Any]:
        """A new goal from the task's goal family in the active space (an intervention dict; not applied).

        ``level`` is accepted and unused, as in the original.
        """
        return self.task.sample_new_goal(self.np_random)

    def get_current_state_variables(self) -> dict[str, Any]:
        """Every variable's live value, nested as ``{"tool_block": {"mass": ...}, "floor_friction": ...}``."""
        return _nest({name: _plain(var.read()) for name, var in self.variables.items()})

    def get_variable_space_used(self) -> dict[str, Any]:
        """Bounds (low, high) of every variable of the active space, nested.

        The spaces list the original's variables; ``extended_spaces=True`` adds the others.
        """
        return self._space(self.task.variables_space)

    def get_intervention_space_a(self) -> dict[str, Any]:
        """Bounds of every variable of space A (training), nested."""
        return self._space(VariableSpace.A)

    def get_intervention_space_b(self) -> dict[str, Any]:
        """Bounds of every variable of space B (evaluation), nested."""
        return self._space(VariableSpace.B)

    def get_intervention_space_a_b(self) -> dict[str, Any]:
        """Bounds of every variable of the union of A and B, nested."""
        return self._space(VariableSpace.A_B)

    def set_intervention_space(self, variables_space: VariableSpace | str) -> None:
        """Choose the active space: "space_a", "space_b" or "space_a_b" (goal sampling and bounds checks)."""
        self.task.variables_space = VariableSpace.parse(variables_space)

    def is_intervention_in_bounds(self, interventions_dict: Mapping[str, Any]) -> bool:
        """Whether every value lies in the active space (malformed input raises InterventionError)."""
        values = self._interventions.validate(interventions_dict)
        return not self._interventions.out_of_bounds(values, self.task.variables_space, skip_unchanged=False)

    # -- state ------------------------------------------------------------------------------
    def _capture_state(self) -> State:
        return {var.name: var.read() for var in self.variables.canonical()}

    def _restore_state(self, state: State, everything: bool = False) -> None:
        """Put the scene in ``state``: task variables, sizes, changed properties (or all), then poses."""
        variables = self.variables
        for var in [v for v in variables.canonical() if v.kind == TASK]:
            if not np.array_equal(var.read(), state[var.name]):
                var.setter(state[var.name])
        sizes = {}
        for var in variables.canonical():
            if var.kind == GEOMETRY and not np.array_equal(var.read(), state[var.name]):
                sizes[var.object_name] = tuple(state[var.name])
        if sizes:
            self.stage.resize(sizes)
        names = [v.name for v in variables.canonical()] if everything else sorted(self._dirty)
        for name in names:
            var = variables.get(name)
            if var is None or var.kind in (DYNAMIC, GEOMETRY, TASK):
                continue
            if not np.array_equal(var.read(), state[name]):
                var.setter(state[name])
        self.robot.set_joints(state["joint_positions"], state["joint_velocities"])
        for name, obj in self.stage.objects.items():
            position = state[f"{name}.cartesian_position"]
            orientation = state.get(f"{name}.orientation", obj.orientation)
            if isinstance(obj, Block) and obj.is_movable:
                obj.set_state(position, orientation, state[f"{name}.linear_velocity"],
                              state[f"{name}.angular_velocity"])
            else:
                obj.set_pose(position, orientation)
        self._dirty.clear()
        self.stage.touch()

    def _space(self, space: VariableSpace) -> dict[str, Any]:
        flat = {}
        for var in self.variables.spaced():
            low, high = var.bounds(space)
            flat[var.name] = (np.array(low, dtype=np.float64), np.array(high, dtype=np.float64))
        return _nest(flat)

    def _require_started(self) -> None:
        if self._needs_reset:
            raise RuntimeError("call reset() before do_intervention(): the episode has not started")


def _plain(value: np.ndarray) -> Any:
    return float(value) if value.shape == () else value


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for name, value in flat.items():
        if "." in name:
            obj, attribute = name.split(".", 1)
            nested.setdefault(obj, {})[attribute] = value
        else:
            nested[name] = value
    return nested

"""The original benchmark's remaining env methods: one random intervention, and privileged ``info``.

* :meth:`ExtraMethods.do_single_random_intervention` changes one variable of the active space,
  drawn as the original draws it (one top-level entry of the space uniformly, then one of its
  attributes uniformly, then a value uniform in the bounds), from the env's own generator, with
  the usual bounds and feasibility checks. The entries are those ``get_variable_space_used()``
  lists (the original's variables; all of them with ``extended_spaces=True``). The original used
  space A when space B was active; this one uses the active space.
* ``add_ground_truth_state_to_info`` (constructor argument or method) adds every variable's live
  value to ``info`` under :data:`GROUND_TRUTH_KEY`, the original's key (its spelling kept).
* ``expose_potential_partial_solution`` (constructor argument or method) adds
  :data:`PARTIAL_SOLUTION_KEY`: for every movable block ``tool...`` whose goal ``goal...`` (the
  same name with ``tool`` replaced by ``goal``) exists, that goal's ``cartesian_position`` (m, z from
  the floor top) and ``orientation`` (quaternion xyzw); for reaching (no blocks, a 9-number goal),
  the ``joint_positions`` (rad) that put the fingertips on the goals (inverse kinematics from the
  current joints). As in the original, other tasks get an empty dict.
"""

from __future__ import annotations

from typing import Any

import numpy as np

GROUND_TRUTH_KEY = "ground_truth_current_state_varibales"
"""``info`` key of the full variable state. The original's key, misspelling included, so that code
written for the original finds it."""
PARTIAL_SOLUTION_KEY = "possible_solution_intervention"
"""``info`` key of the goal poses (or reaching's joint positions) that would solve the task."""


class ExtraMethods:
    """Mixin of :class:`causalworld.CausalWorldEnv`; needs ``variables``, ``np_random`` and the intervention API."""

    ground_truth_in_info: bool = False
    """Whether ``info`` carries :data:`GROUND_TRUTH_KEY`."""
    partial_solution_in_info: bool = False
    """Whether ``info`` carries :data:`PARTIAL_SOLUTION_KEY`."""

    def do_single_random_intervention(self) -> tuple[dict[str, Any], bool, np.ndarray]:
        """Intervene on one randomly drawn variable of the active space.

        Returns:
            ``(intervention, success, observation)`` as the original: the nested intervention dict
            that was tried (``{}`` if the space is empty), whether it was applied (False: refused as
            infeasible; nothing changed), and the observation after it.
        """
        self._require_started()
        space = self.task.variables_space
        groups: dict[str, list] = {}
        for variable in self.variables.spaced():
            groups.setdefault(variable.object_name or variable.name, []).append(variable)
        if not groups:
            return {}, False, self._observe(self._read_state())
        rng = self.np_random
        members = groups[list(groups)[int(rng.integers(len(groups)))]]
        variable = members[int(rng.integers(len(members)))]
        value = np.asarray(variable.sample(rng, space), dtype=np.float64)
        plain = float(value) if value.shape == () else value.tolist()
        if variable.object_name:
            intervention = {variable.object_name: {variable.name.rpartition(".")[2]: plain}}
        else:
            intervention = {variable.name: plain}
        success, observation = self.do_intervention(intervention)
        return intervention, bool(success), observation

    def add_ground_truth_state_to_info(self) -> None:
        """From now on, ``info`` holds every variable's live value under :data:`GROUND_TRUTH_KEY`."""
        self.ground_truth_in_info = True
        self._record_flag("add_ground_truth_state_to_info")

    def expose_potential_partial_solution(self) -> None:
        """From now on, ``info`` holds the goal poses that would solve the task (:data:`PARTIAL_SOLUTION_KEY`)."""
        self.partial_solution_in_info = True
        self._record_flag("expose_potential_partial_solution")

    # -- internals ----------------------------------------------------------------------------
    def _record_flag(self, name: str) -> None:
        """Keep a switched-on flag in the constructor arguments, so pickles and saved worlds keep it."""
        self.constructor_kwargs[name] = True
        kwargs = getattr(self, "_ezpickle_kwargs", None)
        if isinstance(kwargs, dict):
            kwargs[name] = True

    def _privileged_info(self, info: dict[str, Any], state) -> None:
        """Add the switched-on privileged entries to a step's or reset's ``info``."""
        if self.ground_truth_in_info:
            info[GROUND_TRUTH_KEY] = self.get_current_state_variables()
        if self.partial_solution_in_info:
            info[PARTIAL_SOLUTION_KEY] = self._partial_solution(state, info["desired_goal"])

    def _partial_solution(self, state, desired_goal: np.ndarray) -> dict[str, Any]:
        stage = self.stage
        solution: dict[str, Any] = {}
        for name, block in stage.blocks.items():
            goal = stage.silhouettes.get(name.replace("tool", "goal"))
            if "tool" in name and block.is_movable and goal is not None:
                solution[name] = {"cartesian_position": np.array(goal.position),
                                  "orientation": np.array(goal.orientation)}
        if not any(b.is_movable for b in stage.blocks.values()) and np.shape(desired_goal) == (9,):
            robot = self.robot
            joints = robot.kinematics.inverse_kinematics(desired_goal, state.joint_positions, robot.base_offset_z)
            solution["joint_positions"] = np.asarray(joints, dtype=np.float64)
        return solution


__all__ = ["GROUND_TRUTH_KEY", "PARTIAL_SOLUTION_KEY", "ExtraMethods"]

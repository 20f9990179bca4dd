"""Environments rebuilt from files: a saved world (:func:`load_world`) or a snapshot (:func:`env_from_snapshot`).

These sit above :class:`~causalworld.env.environment.CausalWorldEnv` (they construct one); the file
formats themselves live in :mod:`causalworld.env.world_files` and :mod:`causalworld.env.snapshot`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from causalworld.env.environment import CausalWorldEnv
from causalworld.env.snapshot import Snapshot
from causalworld.env.world_files import TASK_LEVEL_ATTEMPTS, WorldFileError, read_world
from causalworld.tasks import TASKS
from causalworld.variables import TASK, InterventionError


def load_world(path: str | os.PathLike, **overrides: Any):
    """Rebuild the environment saved by ``env.save_world(path)``.

    ``overrides`` replace saved kwargs (for example ``render_mode="human"``). The rebuilt env's first
    ``reset()`` gives the saved env's first observation, and its ``get_current_state_variables()``
    equals the saved env's.

    Task-level variables (kind TASK, such as ``number_of_blocks_in_tower``) are applied first:
    they create the objects the rest of the saved state names. Their random parts (say, where new
    obstacles appear) are drawn from a generator seeded with 0 and redrawn while the intermediate
    scene is infeasible; the saved poses applied next replace them.

    Raises:
        WorldFileError: the file is unreadable, malformed, names an unknown task, argument or
            variable, or its starting state is infeasible. No environment is left open.
    """
    document = read_world(path)
    if document["task"] not in TASKS:
        raise WorldFileError(f"{path}: unknown task {document['task']!r}; available: {sorted(TASKS)}")
    kwargs = {**document["env_kwargs"], **overrides}
    kwargs.pop("task", None)
    try:
        env = CausalWorldEnv(document["task"], **kwargs)
    except (TypeError, ValueError, RuntimeError) as error:
        raise WorldFileError(f"{path}: the saved settings are not valid: {error}") from None
    try:
        _apply_starting_state(env, document["starting_state"], path)
    except BaseException:
        env.close()
        raise
    return env


def _apply_starting_state(env, state: Mapping[str, Any], path: str | os.PathLike) -> None:
    """Task-level variables first (they add or remove objects), then everything else."""
    task_level = {n: v for n, v in state.items() if n in env.variables and env.variables[n].kind == TASK}
    rest = {n: v for n, v in state.items() if n not in task_level}
    try:
        if task_level:
            env.reset(seed=0)
            for _ in range(TASK_LEVEL_ATTEMPTS):
                result = env.set_starting_state(task_level, check_bounds=False)
                if result.success:
                    break
            else:
                raise WorldFileError(
                    f"{path}: the saved task-level variables {sorted(task_level)} give no feasible scene: "
                    f"{'; '.join(result.reasons)}"
                )
        result = env.set_starting_state(rest, check_bounds=False)
    except InterventionError as error:
        raise WorldFileError(f"{path}: the saved starting state is not valid: {error}") from None
    if not result.success:
        raise WorldFileError(f"{path}: the saved starting state is infeasible: {'; '.join(result.reasons)}")
    # The simulator may round what it was given (it renormalizes quaternions); keep the saved values
    # bit-exactly, so that every reset restores exactly what the saved env restores.
    exact = {name: np.asarray(value, dtype=np.float64).reshape(env._start_state[name].shape)
             for name, value in state.items() if name in env._start_state}
    if any(not np.array_equal(value, env._start_state[name]) for name, value in exact.items()):
        env._start_state.update(exact)
        env.reset()


def env_from_snapshot(snapshot: Snapshot, **overrides: Any):
    """A new :class:`causalworld.CausalWorldEnv` built with the snapshot's arguments and put in its state.

    ``overrides`` replace constructor arguments that do not define the world (``render_mode``,
    ``observation_mode``, ...). Returns the env; its continuation is bit-identical to the one of
    the env that took the snapshot. The observation is ``env.set_state(snapshot)``'s, so call that
    again if you need it.
    """
    env = CausalWorldEnv(snapshot.task, **{**snapshot.constructor_kwargs, **overrides})
    try:
        env.set_state(snapshot)
    except BaseException:
        env.close()
        raise
    return env

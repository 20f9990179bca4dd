"""Saved worlds: the environment's settings and starting state as a JSON file.

A world file holds the format name and version, the task name, the environment's constructor
arguments (task kwargs included) and every starting-state variable (dotted name -> list of
floats). :func:`load_world` rebuilds the environment from it and applies the starting state;
nothing in the file is ever executed, and a malformed file raises :class:`WorldFileError`.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "causalworld.world"
VERSION = 1
MAX_FILE_BYTES = 16 * 1024 * 1024


class WorldFileError(ValueError):
    """A world file that cannot be loaded: unreadable, not JSON, or not a causalworld world."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def world_document(env) -> dict[str, Any]:
    """The JSON-able description of an environment's settings and starting state."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "task": env.task_name,
        "env_kwargs": _jsonable(env.constructor_kwargs),
        "starting_state": {name: _jsonable(value) for name, value in env._start_state.items()},
    }


def save_world(env, path: str | os.PathLike) -> Path:
    """Write ``env``'s world to ``path`` (JSON). The file appears whole or not at all."""
    path = Path(path)
    text = json.dumps(world_document(env), indent=1, allow_nan=False)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read_world(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check a world file; returns the validated document."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise WorldFileError(f"{path}: larger than {MAX_FILE_BYTES} bytes; not a world file")
        document = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
    except OSError as error:
        raise WorldFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WorldFileError(f"{path}: not valid JSON ({error})") from None
    except WorldFileError as error:
        raise WorldFileError(f"{path}: {error}") from None
    except RecursionError:
        raise WorldFileError(f"{path}: nested too deeply; not a world file") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise WorldFileError(f"{path}: not a causalworld world file (expected format {FORMAT!r})")
    if document.get("version") != VERSION:
        raise WorldFileError(
            f"{path}: world file version {document.get('version')!r}, this causalworld reads {VERSION}"
        )
    for key, kind in (("task", str), ("env_kwargs", dict), ("starting_state", dict)):
        if not isinstance(document.get(key), kind):
            raise WorldFileError(f"{path}: {key!r} must be a {kind.__name__}")
    for name, value in document["starting_state"].items():
        values = np.asarray(value, dtype=object).ravel()
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
            raise WorldFileError(f"{path}: starting_state[{name!r}] must be finite numbers, got {value!r}")
    return document


def _refuse_constant(name: str) -> None:
    raise WorldFileError(f"non-finite number {name} in a world file")


def load_world(path: str | os.PathLike, **overrides: Any):
    """Rebuild the environment saved by ``env.save_world(path)``.

    ``overrides`` replace saved kwargs (for example ``render_mode="human"``). The rebuilt env's first
    ``reset()`` gives the saved env's first observation.
    """
    from causalworld.env import CausalWorldEnv
    from causalworld.interventions import InterventionError
    from causalworld.tasks import TASKS

    document = read_world(path)
    if document["task"] not in TASKS:
        raise WorldFileError(f"{path}: unknown task {document['task']!r}; available: {sorted(TASKS)}")
    kwargs = {**document["env_kwargs"], **overrides}
    kwargs.pop("task", None)
    try:
        env = CausalWorldEnv(document["task"], **kwargs)
    except (TypeError, ValueError) as error:
        raise WorldFileError(f"{path}: the saved settings are not valid: {error}") from None
    try:
        result = env.set_starting_state(document["starting_state"], check_bounds=False)
    except InterventionError as error:
        env.close()
        raise WorldFileError(f"{path}: the saved starting state is not valid: {error}") from None
    if not result.success:
        env.close()
        raise WorldFileError(f"{path}: the saved starting state is infeasible: {'; '.join(result.reasons)}")
    return env

"""Saved worlds: the environment's settings and starting state as a JSON file.

A world file holds the format name and version, the task name, the environment's constructor
arguments (task kwargs included) and every starting-state variable (dotted name -> list of
floats). :func:`load_world` rebuilds the environment from it and applies the starting state;
nothing in the file is ever executed (it is parsed as JSON, never unpickled), and a malformed file
raises :class:`WorldFileError` naming the file and what is wrong with it.

Saving goes through :mod:`causalworld.files.atomic`: the file appears whole or not at all, and a full or
read-only destination raises ``OSError`` without touching an existing file there.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from causalworld.files import jsonable, write_text_atomically

FORMAT = "causalworld.world"
VERSION = 1
MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger files are refused unread (a world file is a few hundred kB at most)."""
MAX_VALUES_PER_VARIABLE = 64
"""No causal variable has more values than this; longer lists are refused before conversion."""
TASK_LEVEL_ATTEMPTS = 20
"""Draws of the random parts of a task-level change tried before loading gives up (see load_world)."""


class WorldFileError(ValueError):
    """A world file that cannot be loaded: unreadable, not JSON, or not a causalworld world."""




def world_document(env) -> dict[str, Any]:
    """The JSON-able description of an environment's settings and starting state."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "task": env.task_name,
        "env_kwargs": jsonable(env.constructor_kwargs),
        "starting_state": {name: jsonable(value) for name, value in env._start_state.items()},
    }


def save_world(env, path: str | os.PathLike) -> Path:
    """Write ``env``'s world to ``path`` (JSON). The file appears whole or not at all.

    Raises:
        OSError: the folder is missing, read-only or full (an existing file is left as it was).
        ValueError: a constructor argument cannot be written as JSON.
    """
    try:
        text = json.dumps(world_document(env), indent=1, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"cannot save the world of {env.task_name!r} as JSON: {error}") from None
    return write_text_atomically(path, text)


def read_world(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check a world file; returns the validated document."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise WorldFileError(f"larger than {MAX_FILE_BYTES} bytes; not a world file")
        document = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
    except OSError as error:
        raise WorldFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    except WorldFileError as error:
        raise WorldFileError(f"{path}: {error}") from None
    except ValueError as error:  # JSONDecodeError, bad UTF-8, or an integer too long to convert
        raise WorldFileError(f"{path}: not valid JSON ({_short(str(error))})") from None
    except RecursionError:
        raise WorldFileError(f"{path}: nested too deeply; not a world file") from None
    check_document(document, str(path))
    return document


def check_document(document: Any, source: str = "world") -> None:
    """Raise :class:`WorldFileError` unless ``document`` has the world schema (types only)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise WorldFileError(f"{source}: not a causalworld world file (expected format {FORMAT!r})")
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        raise WorldFileError(f"{source}: world file version {version!r}, this causalworld reads {VERSION}")
    for key, kind in (("task", str), ("env_kwargs", dict), ("starting_state", dict)):
        if not isinstance(document.get(key), kind):
            found = type(document.get(key)).__name__
            raise WorldFileError(f"{source}: {key!r} must be a {kind.__name__}, got {found}")
    for name, value in document["starting_state"].items():
        numbers = [value] if not isinstance(value, list) else value
        if len(numbers) > MAX_VALUES_PER_VARIABLE or not all(_finite_number(v) for v in numbers):
            raise WorldFileError(
                f"{source}: starting_state[{name!r}] must be a finite number or a flat list of at most "
                f"{MAX_VALUES_PER_VARIABLE} finite numbers, got {_short(value)}"
            )


def _finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _refuse_constant(name: str) -> None:
    raise WorldFileError(f"non-finite number {name} in a world file")

"""Checks of the environment's constructor arguments, before anything is built.

Every bad argument gets a specific exception that names it, says what it must be and shows what
was given: ``TypeError`` for an unknown name, :class:`ArgumentTypeError` (both a ``TypeError`` and a
``ValueError``, so code catching either works) for a value of the wrong type, ``ValueError`` for a
value of the right type that is out of range. Task kwargs are checked by type against the task's
own defaults (a number where the default is a number, a list of the same length where it is a
list, ...); the task then checks their ranges and feasibility.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from causalworld.env.control import CONTROLLERS
from causalworld.sim.robots import DEFAULT_ROBOT, ROBOTS
from causalworld.tasks import TASKS
from causalworld.tasks.base import SHARED_DEFAULTS

NUMBER = "number"
VECTOR = "vector"
"""Kinds of task kwargs whose default is None (other kinds follow from the default's type)."""
NONE_DEFAULT_KINDS: Mapping[str, str] = {
    "fractional_reward_weight": NUMBER,
    "dense_reward_weights": VECTOR,
    "joint_positions": VECTOR,
}
"""What a kwarg whose default is None holds when it is given (names ending in _position: VECTOR)."""
MAX_VECTOR_LENGTH = 64


class ArgumentTypeError(TypeError, ValueError):
    """A constructor argument of the wrong type (a TypeError, and a ValueError like other bad values)."""


def _short(value: Any, limit: int = 100) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _given(value: Any) -> str:
    return f"{type(value).__name__} {_short(value)}"


def is_real_number(value: Any) -> bool:
    """Whether ``value`` is an int or float (Python or NumPy), not a bool, that fits a float64."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    try:
        float(value)
    except OverflowError:
        return False
    return True


def check_flag(name: str, value: Any) -> None:
    """A bool argument (Python or NumPy bool)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {type(value).__name__} {_short(value)}")


def check_choice(name: str, value: Any, choices: Sequence[Any]) -> None:
    """One of a few hashable choices (strings or None)."""
    if not any(value is choice or (isinstance(value, str) and value == choice) for choice in choices):
        raise ValueError(f"{name} must be one of {list(choices)}, got {_short(value)}")


def check_env_args(task: Any, action_mode: Any, flags: Mapping[str, Any], robot: Any = DEFAULT_ROBOT) -> None:
    """Check the task name, the action mode, the robot and the bool arguments of the environment."""
    if not isinstance(task, str) or task not in TASKS:
        close = difflib.get_close_matches(task, list(TASKS), n=2) if isinstance(task, str) else []
        hint = f"; did you mean {close}?" if close else ""
        raise ValueError(f"unknown task {_short(task)}{hint}; available tasks: {sorted(TASKS)}")
    check_choice("action_mode", action_mode, sorted(CONTROLLERS))
    check_choice("robot", robot, sorted(ROBOTS))
    for name, value in flags.items():
        check_flag(name, value)


def _kind(name: str, default: Any) -> str:
    if default is None:
        return NONE_DEFAULT_KINDS.get(name, VECTOR if name.endswith(("_position", "_orientation")) else NUMBER)
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, str):
        return "str"
    if isinstance(default, (int, float)):
        return NUMBER
    return VECTOR


def check_task_kwargs(task: str, kwargs: Mapping[str, Any], env_kwargs: Sequence[str] = ()) -> None:
    """Check task kwargs by name and type against the task's defaults.

    Raises:
        TypeError: an unknown name (with the closest accepted ones).
        ArgumentTypeError: a value of the wrong type.
        ValueError: NaN or infinity, or a list of the wrong length.
    """
    defaults = {**SHARED_DEFAULTS, **TASKS[task].defaults}
    for name, value in kwargs.items():
        if name not in defaults:
            close = difflib.get_close_matches(str(name), [*defaults, *env_kwargs], n=3)
            hint = f"; did you mean {close}?" if close else ""
            raise TypeError(
                f"task {task!r} got an unknown argument {name!r}{hint}; it accepts {sorted(defaults)}, "
                f"and the environment itself accepts {list(env_kwargs)}"
            )
        default = defaults[name]
        if value is None and default is None:
            continue
        _check_task_value(task, name, value, _kind(name, default), default)


def _check_task_value(task: str, name: str, value: Any, kind: str, default: Any) -> None:
    where = f"task {task!r} argument {name}"
    if kind == "bool":
        check_flag(where, value)
    elif kind == "str":
        if not isinstance(value, str):
            raise ArgumentTypeError(f"{where} must be a string like {default!r}, got {_given(value)}")
    elif kind == NUMBER:
        if not is_real_number(value):
            raise ArgumentTypeError(f"{where} must be a number like {default!r}, got {_given(value)}")
        if not math.isfinite(float(value)):
            raise ValueError(f"{where} must be finite, got {value!r}")
    else:
        _check_vector(where, value, default)


def _check_vector(where: str, value: Any, default: Any) -> None:
    wanted = f"a list of {len(default)} numbers" if isinstance(default, (tuple, list)) else "a list of numbers"
    if (isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, np.ndarray))
            or (isinstance(value, np.ndarray) and value.ndim != 1)):
        raise ArgumentTypeError(f"{where} must be {wanted}, got {type(value).__name__} {_short(value)}")
    if len(value) > MAX_VECTOR_LENGTH or not all(is_real_number(v) for v in value):
        raise ArgumentTypeError(f"{where} must be {wanted}, got {_short(value)}")
    if isinstance(default, (tuple, list)) and len(value) != len(default):
        raise ValueError(f"{where} must have {len(default)} values, got {len(value)}: {_short(value)}")
    if not all(math.isfinite(float(v)) for v in value):
        raise ValueError(f"{where} must be finite, got {_short(value)}")

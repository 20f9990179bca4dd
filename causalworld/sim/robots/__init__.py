"""Robots as data: one :class:`~causalworld.sim.robots.spec.RobotSpec` per module of this package.

Every module here other than :mod:`~causalworld.sim.robots.spec` defines ``SPEC``; :data:`ROBOTS`
collects them by name, so adding a robot is adding one module (and generating its description with
``python -m causalworld.assets.generate``). ``CausalWorldEnv(robot=name)`` selects one.
"""

from __future__ import annotations

import importlib
import pkgutil

from causalworld.sim.robots.spec import LINK_PARTS, Inertial, RobotSpec, Shape

DEFAULT_ROBOT = "trifinger_edu"
"""The robot of the original benchmark, used unless ``robot`` says otherwise."""


def _discover() -> dict[str, RobotSpec]:
    specs: dict[str, RobotSpec] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name == "spec" or info.name.startswith("_"):
            continue
        spec = importlib.import_module(f"{__name__}.{info.name}").SPEC
        if spec.name != info.name:
            raise RuntimeError(f"{__name__}.{info.name} defines a robot named {spec.name!r}: name them alike")
        specs[spec.name] = spec
    return specs


ROBOTS: dict[str, RobotSpec] = _discover()
"""Every robot, by name."""
TRIFINGER_EDU = ROBOTS[DEFAULT_ROBOT]


def get_robot(name: str) -> RobotSpec:
    """The spec of robot ``name``; ValueError lists the robots there are."""
    try:
        return ROBOTS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown robot {name!r}; available robots: {sorted(ROBOTS)}") from None


__all__ = ["DEFAULT_ROBOT", "LINK_PARTS", "ROBOTS", "TRIFINGER_EDU", "Inertial", "RobotSpec", "Shape", "get_robot"]

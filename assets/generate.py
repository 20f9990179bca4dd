"""Write the robots' URDF files from their specs (:mod:`causalworld.sim.robots`) and the arena's.

The arena (table) comes from :mod:`causalworld.sim.geometry`.

Run ``python -m causalworld.assets.generate`` after changing the geometry; a test checks that the
committed files equal what this module produces. Collision shapes are primitives (boxes and
capsules), which Bullet handles much faster than meshes.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from causalworld.sim import geometry as g
from causalworld.sim.robots import ROBOTS, TRIFINGER_EDU, Inertial, RobotSpec, Shape

HERE = Path(__file__).resolve().parent


def _f(values) -> str:
    return " ".join(f"{v:.10g}" for v in values)


def _inertial(inertial: Inertial) -> str:
    ixx, iyy, izz, ixy, ixz, iyz = inertial.inertia
    return (
        f'    <inertial>\n      <origin xyz="{_f(inertial.center)}" rpy="0 0 0"/>\n'
        f'      <mass value="{inertial.mass:.10g}"/>\n'
        f'      <inertia ixx="{ixx:.10g}" ixy="{ixy:.10g}" ixz="{ixz:.10g}" '
        f'iyy="{iyy:.10g}" iyz="{iyz:.10g}" izz="{izz:.10g}"/>\n    </inertial>\n'
    )


_MASSLESS = (
    '    <inertial>\n      <mass value="0"/>\n'
    '      <inertia ixx="0" ixy="0" ixz="0" iyy="0" iyz="0" izz="0"/>\n    </inertial>\n'
)


def _material(rgba) -> str:
    """A material element named after its colour.

    URDF parsers share materials by name, so one shared name would give every finger the colour defined last.
    """
    name = "rgba_" + "_".join(f"{v:g}" for v in rgba)
    return f'\n      <material name="{name}"><color rgba="{_f(rgba)}"/></material>'


def _shape(kind: str, xyz, geometry: str, rgba=None) -> str:
    material = ""
    if rgba is not None:
        material = _material(rgba)
    return (
        f'    <{kind}>\n      <origin xyz="{_f(xyz)}" rpy="0 0 0"/>\n'
        f"      <geometry>{geometry}</geometry>{material}\n    </{kind}>\n"
    )


def _both(xyz, geometry: str, rgba) -> str:
    return _shape("visual", xyz, geometry, rgba) + _shape("collision", xyz, geometry)


def _link(name: str, body: str) -> str:
    return f'  <link name="{name}">\n{body}  </link>\n'


def _joint(name, kind, parent, child, xyz, yaw=0.0, axis=None, limits=None, effort=0.0, velocity=0.0) -> str:
    text = (
        f'  <joint name="{name}" type="{kind}">\n    <parent link="{parent}"/>\n'
        f'    <child link="{child}"/>\n    <origin xyz="{_f(xyz)}" rpy="0 0 {yaw:.17g}"/>\n'
    )
    if axis is not None:
        lo, hi = limits
        text += (
            f'    <axis xyz="{_f(axis)}"/>\n'
            f'    <limit lower="{lo:.17g}" upper="{hi:.17g}" effort="{effort:.10g}" velocity="{velocity:.10g}"/>\n'
            '    <dynamics damping="0" friction="0"/>\n'
        )
    return text + "  </joint>\n"


def _box(size) -> str:
    return f'<box size="{_f(size)}"/>'


def _geometry(shape: Shape) -> str:
    if shape.kind == "box":
        return _box(shape.size)
    if shape.kind == "capsule":
        radius, length = shape.size
        return f'<capsule radius="{radius:.10g}" length="{length:.10g}"/>'
    if shape.kind == "sphere":
        return f'<sphere radius="{shape.size[0]:.10g}"/>'
    raise ValueError(f"unknown shape kind {shape.kind!r}")


def _shapes(shapes: tuple[Shape, ...], rgba) -> str:
    text = ""
    for shape in shapes:
        color = rgba if shape.colored else None
        if shape.role == "both":
            text += _both(shape.origin, _geometry(shape), color)
        else:
            text += _shape(shape.role, shape.origin, _geometry(shape), color if shape.role == "visual" else None)
    return text


def _finger(spec: RobotSpec, index: int) -> str:
    name = g.FINGER_NAMES[index]
    rgba = (*spec.finger_colors[index], 1.0)
    mount, yaw = spec.finger_mounts[index]
    base, upper, middle, lower, tip = (
        f"finger_{part}_link_{name}" for part in ("base", "upper", "middle", "lower", "tip")
    )
    limits = dict(effort=spec.max_torque, velocity=spec.max_joint_velocity)
    text = _joint(f"finger_base_to_trifinger_{name}", "fixed", "trifinger_base", base, mount, yaw)
    text += _link(base, _inertial(spec.inertials["base"]) + _shapes(spec.shapes["base"], rgba))
    text += _joint(f"finger_upper_{name}", "revolute", base, upper, (0, 0, 0), axis=spec.joint_axes[0],
                   limits=(spec.hard_joint_lower[0], spec.hard_joint_upper[0]), **limits)
    text += _link(upper, _inertial(spec.inertials["upper"]) + _shapes(spec.shapes["upper"], rgba))
    text += _joint(f"finger_middle_{name}", "revolute", upper, middle, spec.upper_to_middle, axis=spec.joint_axes[1],
                   limits=(spec.hard_joint_lower[1], spec.hard_joint_upper[1]), **limits)
    text += _link(middle, _inertial(spec.inertials["middle"]) + _shapes(spec.shapes["middle"], rgba))
    text += _joint(f"finger_lower_{name}", "revolute", middle, lower, spec.middle_to_lower, axis=spec.joint_axes[2],
                   limits=(spec.hard_joint_lower[2], spec.hard_joint_upper[2]), **limits)
    text += _link(lower, _inertial(spec.inertials["lower"]) + _shapes(spec.shapes["lower"], rgba))
    text += _joint(f"finger_tip_joint_{name}", "fixed", lower, tip, spec.lower_to_tip)
    text += _link(tip, _inertial(spec.inertials["tip"]) + _shapes(spec.shapes["tip"], rgba))
    return text


def trifinger_urdf(spec: RobotSpec = TRIFINGER_EDU) -> str:
    """A TriFinger-type robot from its spec: 16 links (trifinger_base, then 5 per finger), 9 revolute joints.

    Each link has at most one collision shape: PyBullet's restoreState cannot tell apart the several
    contact caches a compound shape keeps with one body, so snapshots in contact would not restore
    bit-exactly.
    """
    text = '<?xml version="1.0"?>\n<!-- Generated by causalworld.assets.generate; do not edit. -->\n'
    text += f'<robot name="{spec.name}">\n'
    text += _link("world_frame", _MASSLESS)
    text += _joint("world_to_trifinger_base", "fixed", "world_frame", "trifinger_base",
                   (0.0, 0.0, spec.base_height), spec.base_yaw)
    text += _link("trifinger_base", _MASSLESS)
    for index in range(3):
        text += _finger(spec, index)
    return text + "</robot>\n"


def trifinger_undrawn_urdf(spec: RobotSpec = TRIFINGER_EDU) -> str:
    """The robot without its visual shapes, for envs that never render.

    The same links, joints, inertias and collision shapes, loaded faster (PyBullet turns each visual
    shape into a mesh, even headless).
    """
    return re.sub(r"    <visual>\n.*?    </visual>\n", "", trifinger_urdf(spec), flags=re.DOTALL)


DESCRIPTIONS = {
    **{spec.description: functools.partial(trifinger_urdf, spec) for spec in ROBOTS.values()},
    **{spec.undrawn_description: functools.partial(trifinger_undrawn_urdf, spec) for spec in ROBOTS.values()},
}
"""Every shipped description file and the function that writes it."""


def main() -> None:
    for name, build in DESCRIPTIONS.items():
        (HERE / name).write_text(build())


if __name__ == "__main__":
    main()

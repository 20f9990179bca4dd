"""Write the TriFinger Edu and arena URDF files from :mod:`causalworld.sim.geometry`.

Run ``python -m causalworld.assets.generate`` after changing the geometry; a test checks that the
committed files equal what this module produces. Collision shapes are primitives (boxes and
capsules), which Bullet handles much faster than meshes.
"""

from __future__ import annotations

import re
from pathlib import Path

from causalworld.sim import geometry as g

HERE = Path(__file__).resolve().parent


def _f(values) -> str:
    return " ".join(f"{v:.10g}" for v in values)


def _inertial(part: str) -> str:
    mass, com, (ixx, iyy, izz, ixy, ixz, iyz) = g.LINK_INERTIALS[part]
    return (
        f'    <inertial>\n      <origin xyz="{_f(com)}" rpy="0 0 0"/>\n'
        f'      <mass value="{mass:.10g}"/>\n'
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


def _joint(name, kind, parent, child, xyz, yaw=0.0, axis=None, limits=None) -> str:
    text = (
        f'  <joint name="{name}" type="{kind}">\n    <parent link="{parent}"/>\n'
        f'    <child link="{child}"/>\n    <origin xyz="{_f(xyz)}" rpy="0 0 {yaw:.17g}"/>\n'
    )
    if axis is not None:
        lo, hi = limits
        text += (
            f'    <axis xyz="{_f(axis)}"/>\n'
            f'    <limit lower="{lo:.17g}" upper="{hi:.17g}" effort="0.36" velocity="50"/>\n'
            '    <dynamics damping="0" friction="0"/>\n'
        )
    return text + "  </joint>\n"


def _box(size) -> str:
    return f'<box size="{_f(size)}"/>'


def _lower_shaft() -> str:
    """Collision capsule of the lower link's shaft, from 5 mm above the fingertip centre to the joint."""
    radius = g.SHAFT_RADIUS + g.COLLISION_MARGIN
    bottom, top = g.SHAFT_BOTTOM_Z, g.SHAFT_TOP_Z + g.COLLISION_MARGIN - radius
    capsule = f'<capsule radius="{radius:.10g}" length="{top - bottom:.10g}"/>'
    return _shape("collision", (0.0, g.LOWER_TO_TIP[1], (top + bottom) / 2), capsule)


def _finger(index: int) -> str:
    name = g.FINGER_NAMES[index]
    rgba = (*g.FINGER_COLORS[index], 1.0)
    mount, yaw = g.FINGER_MOUNTS[index]
    base, upper, middle, lower, tip = (
        f"finger_{part}_link_{name}" for part in ("base", "upper", "middle", "lower", "tip")
    )
    text = _joint(f"finger_base_to_trifinger_{name}", "fixed", "trifinger_base", base, mount, yaw)
    # The finger base (motor mount) is visual only, as on the real model.
    text += _link(base, _inertial("base") + _shape("visual", (0.0, 0.0, 0.03), _box((0.05, 0.04, 0.06)), rgba))
    text += _joint(f"finger_upper_{name}", "revolute", base, upper, (0, 0, 0), axis=(-1, 0, 0),
                   limits=(g.URDF_JOINT_LOWER[0], g.URDF_JOINT_UPPER[0]))
    # Upper link: horizontal motor housing, x -0.1799..0.0195, y -0.014..0.0251, z +-0.0225.
    text += _link(upper, _inertial("upper") + _both((-0.0802, 0.00555, 0.0), _box((0.1994, 0.0391, 0.045)), rgba))
    text += _joint(f"finger_middle_{name}", "revolute", upper, middle, g.UPPER_TO_MIDDLE, axis=(0, 1, 0),
                   limits=(g.URDF_JOINT_LOWER[1], g.URDF_JOINT_UPPER[1]))
    # Middle link hangs down: x +-0.0222, y -0.0374..0.0015, z -0.182..0.0155.
    text += _link(middle, _inertial("middle") + _both((0.0, -0.01795, -0.08325), _box((0.0444, 0.0389, 0.1975)), rgba))
    text += _joint(f"finger_lower_{name}", "revolute", middle, lower, g.MIDDLE_TO_LOWER, axis=(0, 1, 0),
                   limits=(g.URDF_JOINT_LOWER[2], g.URDF_JOINT_UPPER[2]))
    # Lower link: drawn as a capsule whose bottom cap is the round fingertip (centre at the tip frame). It
    # collides as a slightly thicker shaft; the fingertip ball collides as part of the tip link. Each link
    # has a single collision shape: PyBullet's restoreState cannot tell apart the several contact caches a
    # compound shape keeps with one body, so snapshots in contact would not restore bit-exactly.
    tip_z = g.LOWER_TO_TIP[2]
    top_z = 0.005
    length = top_z - tip_z
    visual = f'<capsule radius="{g.TIP_RADIUS:.10g}" length="{length:.10g}"/>'
    text += _link(lower, _inertial("lower")
                  + _shape("visual", (0.0, g.LOWER_TO_TIP[1], (top_z + tip_z) / 2), visual, rgba) + _lower_shaft())
    text += _joint(f"finger_tip_joint_{name}", "fixed", lower, tip, g.LOWER_TO_TIP)
    ball = f'<sphere radius="{g.TIP_RADIUS + g.COLLISION_MARGIN:.10g}"/>'
    text += _link(tip, _inertial("tip") + _shape("collision", (0.0, 0.0, 0.0), ball))
    return text


def trifinger_urdf() -> str:
    """The TriFinger Edu robot: 16 links (trifinger_base, then 5 per finger), 9 revolute joints."""
    text = '<?xml version="1.0"?>\n<!-- Generated by causalworld.assets.generate; do not edit. -->\n'
    text += '<robot name="trifinger_edu">\n'
    text += _link("world_frame", _MASSLESS)
    text += _joint("world_to_trifinger_base", "fixed", "world_frame", "trifinger_base",
                   (0.0, 0.0, g.TRIFINGER_BASE_HEIGHT), g.TRIFINGER_BASE_YAW)
    text += _link("trifinger_base", _MASSLESS)
    for index in range(3):
        text += _finger(index)
    return text + "</robot>\n"


def trifinger_undrawn_urdf() -> str:
    """The robot without its visual shapes, for envs that never render.

    The same links, joints, inertias and collision shapes, loaded faster (PyBullet turns each visual
    shape into a mesh, even headless).
    """
    return re.sub(r"    <visual>\n.*?    </visual>\n", "", trifinger_urdf(), flags=re.DOTALL)


DESCRIPTIONS = {
    "trifinger_edu.urdf": trifinger_urdf,
    "trifinger_edu_undrawn.urdf": trifinger_undrawn_urdf,
}


def main() -> None:
    for name, build in DESCRIPTIONS.items():
        (HERE / name).write_text(build())


if __name__ == "__main__":
    main()

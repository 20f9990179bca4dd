"""The TriFinger Edu: the robot of the original CausalWorld benchmark (the default ``robot``).

Its numbers are those of the original benchmark's model (``causalworld.sim.geometry`` holds them, with
the arena's); this spec gathers them into the robot the rest of the package reads. Link shapes are
our primitives (boxes and capsules) sized on the original's meshes; ``assets/trifinger_edu.urdf`` is
generated from this spec by ``assets/generate.py``.
"""

from __future__ import annotations

from causalworld.sim import geometry as g
from causalworld.sim.robots.spec import Inertial, RobotSpec, Shape

_TIP_Z = g.LOWER_TO_TIP[2]
_SHAFT_RADIUS = g.SHAFT_RADIUS + g.COLLISION_MARGIN
_SHAFT_TOP = g.SHAFT_TOP_Z + g.COLLISION_MARGIN - _SHAFT_RADIUS
_DRAWN_TOP = 0.005
"""Top (m, lower-link frame) of the capsule that draws the lower link and its round fingertip."""

SPEC = RobotSpec(
    name="trifinger_edu",
    description="trifinger_edu.urdf",
    summary="TriFinger Edu, as in the original CausalWorld benchmark (default)",
    base_height=g.TRIFINGER_BASE_HEIGHT,
    base_yaw=g.TRIFINGER_BASE_YAW,
    finger_mounts=g.FINGER_MOUNTS,
    joint_axes=((-1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 1.0, 0.0)),
    upper_to_middle=g.UPPER_TO_MIDDLE,
    middle_to_lower=g.MIDDLE_TO_LOWER,
    lower_to_tip=g.LOWER_TO_TIP,
    tip_radius=g.TIP_RADIUS,
    hard_joint_lower=g.URDF_JOINT_LOWER,
    hard_joint_upper=g.URDF_JOINT_UPPER,
    joint_lower=g.JOINT_LOWER,
    joint_upper=g.JOINT_UPPER,
    rest_pose=g.REST_POSE,
    raised_pose=g.RAISED_POSE,
    kp=(10.0,) * 9,
    kd=(0.1, 0.3, 0.001) * 3,
    safety_kd=(0.08, 0.08, 0.04) * 3,
    max_torque=0.36,
    max_joint_velocity=50.0,
    joint_position_spaces=(
        ((-1.57, -1.2, -3.0) * 3, (-0.69, 0.0, 0.0) * 3),
        ((-0.69, 0.0, 0.0) * 3, (1.0, 1.57, 3.0) * 3),
    ),
    height_spaces=((0.32, 0.34), (0.34, 0.36)),
    inertials={part: Inertial(mass, com, inertia) for part, (mass, com, inertia) in g.LINK_INERTIALS.items()},
    shapes={
        # The finger base (motor mount) is visual only, as on the real model.
        "base": (Shape("visual", (0.0, 0.0, 0.03), "box", (0.05, 0.04, 0.06)),),
        # Upper link: horizontal motor housing, x -0.1799..0.0195, y -0.014..0.0251, z +-0.0225.
        "upper": (Shape("both", (-0.0802, 0.00555, 0.0), "box", (0.1994, 0.0391, 0.045)),),
        # Middle link hangs down: x +-0.0222, y -0.0374..0.0015, z -0.182..0.0155.
        "middle": (Shape("both", (0.0, -0.01795, -0.08325), "box", (0.0444, 0.0389, 0.1975)),),
        # Lower link: drawn as a capsule whose bottom cap is the round fingertip (centre at the tip frame);
        # it collides as a slightly thicker shaft (see geometry.SHAFT_RADIUS), the fingertip ball as the tip link.
        "lower": (
            Shape("visual", (0.0, g.LOWER_TO_TIP[1], (_DRAWN_TOP + _TIP_Z) / 2), "capsule",
                  (g.TIP_RADIUS, _DRAWN_TOP - _TIP_Z)),
            Shape("collision", (0.0, g.LOWER_TO_TIP[1], (_SHAFT_TOP + g.SHAFT_BOTTOM_Z) / 2), "capsule",
                  (_SHAFT_RADIUS, _SHAFT_TOP - g.SHAFT_BOTTOM_Z)),
        ),
        "tip": (Shape("collision", (0.0, 0.0, 0.0), "sphere", (g.TIP_RADIUS + g.COLLISION_MARGIN,)),),
    },
    simulated_principal_inertia=g.SIMULATED_PRINCIPAL_INERTIA,
    tip_spinning_friction=g.FINGERTIP_SPINNING_FRICTION,
    finger_colors=g.FINGER_COLORS,
)

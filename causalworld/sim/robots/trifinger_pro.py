"""The TriFinger Pro, built by us from the robot makers' published facts (``robot="trifinger_pro"``).

Sources (facts only; the description here is our own, from primitives):

* ``robot_properties_fingers`` 2.0.2, ``urdf/pro/trifingerpro.urdf``: the three upper joints meet
  0.29 m above the table top, the fingers turned by 0, -120 and -240 degrees about the vertical; the
  upper joint turns about y, the middle and lower joints about x; the middle joint at (0.01685,
  0.0505, 0) in the upper link, the lower joint at (0.05015, 0, -0.16) in the middle link, the
  fingertip at (0.019, 0, -0.16) in the lower link; joint limits (-0.33, 0, -2.7) to (1.0, 1.57, 0);
  link masses, centres of mass and inertias. Link shapes are boxes sized on the bounding boxes of its
  meshes (``meshes/pro/*.stl``), the fingertip a ball of its 10 mm radius on a 21.5 mm stem.
* ``trifinger_simulation`` 2.0.0 (``sim_finger.py``, ``trifingerpro_limits.py``,
  ``finger_types_data.py``): PD gains kp (15, 15, 9), safety damping (0.08, 0.08, 0.04), torque limit
  0.397 N m, velocity bound 10 rad/s, initial pose (0, 0.9, -1.7) per finger.

Ours (not the makers'): the derivative gains. The makers' kd (0.5, 1.0, 0.5) are tuned for their
simulation's 1 kHz step; at this benchmark's 250 Hz physics step they make the light lower link chatter
against the torque limit instead of settling. We use the Edu's kd (0.1, 0.3, 0.001), with which the PD
settles (checked by ``tests/test_robots.py``). Also ours: the raised pose (tips about 21 cm above the
floor, clear of any block), the split of the joint range into spaces A and B (at the initial pose),
the robot-height spaces (2 cm below and above the default, as for the Edu), and the fixed finger
bases' nominal 1 kg (they do not move, so it has no effect). ``assets/trifinger_pro.urdf`` is
generated from this spec by ``assets/generate.py``.
"""

from __future__ import annotations

import math

from causalworld.sim.robots.spec import Inertial, RobotSpec, Shape
from causalworld.spatial.coordinates import FLOOR_HEIGHT

HOLDER_HEIGHT = 0.29
"""Height (m) of the upper joints above the table top."""
REST = (0.0, 0.9, -1.7)
RAISED = (0.0, 1.5, -2.6)
LOWER = (-0.33, 0.0, -2.7)
UPPER = (1.0, 1.57, 0.0)

SPEC = RobotSpec(
    name="trifinger_pro",
    description="trifinger_pro.urdf",
    summary="TriFinger Pro, from robot_properties_fingers 2.0.2 and trifinger_simulation 2.0.0",
    base_height=FLOOR_HEIGHT + HOLDER_HEIGHT,
    base_yaw=0.0,
    finger_mounts=(
        ((0.0, 0.0, 0.0), 0.0),
        ((0.0, 0.0, 0.0), -2.0 * math.pi / 3.0),
        ((0.0, 0.0, 0.0), -4.0 * math.pi / 3.0),
    ),
    joint_axes=((0.0, 1.0, 0.0), (1.0, 0.0, 0.0), (1.0, 0.0, 0.0)),
    upper_to_middle=(0.01685, 0.0505, 0.0),
    middle_to_lower=(0.05015, 0.0, -0.16),
    lower_to_tip=(0.019, 0.0, -0.16),
    tip_radius=0.01,
    hard_joint_lower=LOWER,
    hard_joint_upper=UPPER,
    joint_lower=LOWER * 3,
    joint_upper=UPPER * 3,
    rest_pose=REST * 3,
    raised_pose=RAISED * 3,
    kp=(15.0, 15.0, 9.0) * 3,
    kd=(0.1, 0.3, 0.001) * 3,
    safety_kd=(0.08, 0.08, 0.04) * 3,
    max_torque=0.397,
    max_joint_velocity=10.0,
    joint_position_spaces=((LOWER * 3, REST * 3), (REST * 3, UPPER * 3)),
    height_spaces=((FLOOR_HEIGHT + HOLDER_HEIGHT - 0.02, FLOOR_HEIGHT + HOLDER_HEIGHT),
                   (FLOOR_HEIGHT + HOLDER_HEIGHT, FLOOR_HEIGHT + HOLDER_HEIGHT + 0.02)),
    inertials={
        "base": Inertial(1.0, (0.0, 0.0, 0.0), (1e-3, 1e-3, 1e-3, 0.0, 0.0, 0.0)),
        "upper": Inertial(0.26689, (0.006, 0.122, 0.0),
                          (0.00102362, 0.0000645, 0.00102225, 0.00000889, -0.00000019, 0.00000106)),
        "middle": Inertial(0.27163, (0.03935008, -0.00012438, -0.08666705),
                           (0.0009406, 0.00094824, 0.00007573, -0.00000046, -0.00003479, 0.00000164)),
        "lower": Inertial(0.05569, (0.016327, -0.00001095, -0.04284052),
                          (0.00013626, 0.00013372, 0.00000667, 0.0, -0.00000662, 0.00000004)),
        "tip": Inertial(0.0092, (-0.00001194, 0.0, 0.0156006), (0.00000155, 0.00000155, 0.00000032, 0.0, 0.0, 0.0)),
    },
    shapes={
        # The centre holder where the three upper joints meet (visual only).
        "base": (Shape("visual", (0.0, 0.0, 0.02), "box", (0.04, 0.04, 0.04)),),
        # Upper link: the proximal housing along the upper joint's axis, x -0.0219..0.022, y 0.0235..0.2404,
        # z +-0.0255.
        "upper": (Shape("both", (0.00005, 0.13195, 0.0), "box", (0.0439, 0.2169, 0.051)),),
        # Middle link hangs down: x 0..0.0506, y +-0.024, z -0.1837..0.022.
        "middle": (Shape("both", (0.0253, 0.0, -0.08085), "box", (0.0506, 0.048, 0.2057)),),
        # Lower link down to the fingertip's stem: x 0..0.0275, y +-0.022, z -0.1385..0.022.
        "lower": (Shape("both", (0.01375, 0.0, -0.05825), "box", (0.0275, 0.044, 0.1605)),),
        # Fingertip: a 10 mm ball (centre at the tip frame) on a stem reaching 21.5 mm up.
        "tip": (Shape("both", (0.0, 0.0, 0.01075), "capsule", (0.01, 0.0215), colored=False),),
    },
)

"""Fingertip positions of the TriFinger Pro computed from the robot makers' own description.

Reads ``urdf/pro/trifingerpro.urdf`` of ``robot_properties_fingers`` 2.0.2 (fetched with
``pip download --no-deps`` unless ``--urdf`` gives the file), and computes, for a fixed set of joint
configurations, each fingertip's position by chaining the URDF's own joint transforms (4x4 matrices:
origin ``xyz``/``rpy``, then the rotation about the joint ``axis``) from ``base_link`` to
``finger_tip_link_{0,120,240}``. This is independent of causalworld's kinematics: only the URDF is
read. The makers' ``base_link`` lies on the table top, so the positions are in causalworld's frame
(x, y world, z from the floor top).

Writes ``tests/data/trifinger_pro_fk.json``; ``tests/test_robots.py`` checks causalworld's
kinematics of the ``trifinger_pro`` spec and the generated description against it.

    python benchmarks/trifinger_pro_reference.py [--urdf PATH] [--out tests/data/trifinger_pro_fk.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np

PACKAGE = "robot_properties_fingers==2.0.2"
URDF_IN_WHEEL = "robot_properties_fingers/urdf/pro/trifingerpro.urdf"
FINGERS = ("0", "120", "240")
CONFIGURATIONS = [
    (0.0, 0.0, 0.0),
    (0.0, 0.9, -1.7),
    (-0.33, 0.0, -2.7),
    (1.0, 1.57, 0.0),
    (0.5, 0.7, -1.2),
    (-0.2, 1.2, -2.4),
    (0.8, 0.3, -0.5),
]
"""Per-finger joint angles (rad); each configuration is used with the fingers shifted against each other."""


def fetch_urdf(folder: Path) -> str:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", PACKAGE, "-d", str(folder)],
                   check=True, capture_output=True)
    wheel = next(folder.glob("robot_properties_fingers-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(URDF_IN_WHEEL).decode()


def _rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    x, y, z = axis / np.linalg.norm(axis)
    c, s, t = np.cos(angle), np.sin(angle), 1 - np.cos(angle)
    return np.array([[t * x * x + c, t * x * y - s * z, t * x * z + s * y],
                     [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
                     [t * x * z - s * y, t * y * z + s * x, t * z * z + c]])


def _origin(joint: ET.Element) -> np.ndarray:
    origin = joint.find("origin")
    xyz = [float(v) for v in (origin.get("xyz", "0 0 0") if origin is not None else "0 0 0").split()]
    roll, pitch, yaw = [float(v) for v in (origin.get("rpy", "0 0 0") if origin is not None else "0 0 0").split()]
    matrix = np.eye(4)
    matrix[:3, :3] = _rotation(np.array([0, 0, 1.0]), yaw) @ _rotation(np.array([0, 1.0, 0]), pitch) @ _rotation(
        np.array([1.0, 0, 0]), roll)
    matrix[:3, 3] = xyz
    return matrix


def tip_positions(urdf: str, angles: dict[str, float]) -> dict[str, list[float]]:
    """World position of every ``finger_tip_link_*`` for joint angles by joint name (others 0)."""
    joints = {j.find("child").get("link"): j for j in ET.fromstring(urdf).findall("joint")}

    def pose(link: str) -> np.ndarray:
        if link not in joints:
            return np.eye(4)
        joint = joints[link]
        matrix = pose(joint.find("parent").get("link")) @ _origin(joint)
        if joint.get("type") == "revolute":
            turn = np.eye(4)
            turn[:3, :3] = _rotation(np.array([float(v) for v in joint.find("axis").get("xyz").split()]),
                                     angles.get(joint.get("name"), 0.0))
            matrix = matrix @ turn
        return matrix

    return {finger: pose(f"finger_tip_link_{finger}")[:3, 3].tolist() for finger in FINGERS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urdf", type=Path, help="the makers' trifingerpro.urdf (default: fetch it with pip)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "tests/data/trifinger_pro_fk.json")
    args = parser.parse_args()
    if args.urdf:
        urdf = args.urdf.read_text()
    else:
        with tempfile.TemporaryDirectory() as folder:
            urdf = fetch_urdf(Path(folder))
    samples = []
    for k in range(len(CONFIGURATIONS)):
        per_finger = [CONFIGURATIONS[(k + f) % len(CONFIGURATIONS)] for f in range(3)]
        angles = {}
        for finger, (upper, middle, lower) in zip(FINGERS, per_finger):
            angles[f"finger_base_to_upper_joint_{finger}"] = upper
            angles[f"finger_upper_to_middle_joint_{finger}"] = middle
            angles[f"finger_middle_to_lower_joint_{finger}"] = lower
        tips = tip_positions(urdf, angles)
        samples.append({"joint_positions": [v for q in per_finger for v in q],
                        "tip_positions": [tips[finger] for finger in FINGERS]})
    document = {
        "description": "TriFinger Pro fingertip positions (m, x y in the world, z from the table top) for joint "
                       "configurations (rad), in joint order finger 0, 120, 240 x upper, middle, lower; computed by "
                       "benchmarks/trifinger_pro_reference.py from the joint transforms of "
                       f"{PACKAGE} {URDF_IN_WHEEL}.",
        "samples": samples,
    }
    args.out.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {args.out} ({len(samples)} samples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

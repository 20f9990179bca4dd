"""How a block resting on the table touches it, in the original CausalWorld 1.2 and in ours.

For a few block poses (pushing's tool block, 6.5 cm, placed on the floor at the given x, y (m) and
yaw (rad)), the robot holding its start pose, it counts the block-table contact points after the
first physics step and after 30, and sums their normal forces (N) at the end. The original's table
is a convex hull (its table mesh), which Bullet meets with one new point per step, kept up to three
here; a box table gives four corner points at once.

Then, from the default start (pushing, skip frame 3): gravity tilted to (3, 0, -9.81) m/s^2 for 25
steps (the block sticks: combined friction 0.5), then ``floor_friction`` set to 0.1 by an
intervention and 10 more steps: how far the block slides (m). A contact point keeps the friction
it was made with while Bullet finds it again; on a hull only one point per step is new.

Each package runs in a fresh process (``benchmarks/parity_worker.py`` adapters).

Usage: python benchmarks/resting_contacts.py --original-python /work/orig/bin/python
Writes ``tests/data/resting_contacts.json`` (read by ``tests/test_physics_parity.py``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "resting_contacts.json"
POSES = [(0.0, -0.08, 0.0), (0.05, 0.02, 0.4), (-0.1, 0.05, 1.0), (0.0, 0.1, 0.2), (0.08, -0.03, 2.0)]
"""Block poses: x, y (m, world), yaw (rad)."""
STEPS = 30


def measure(package: str) -> list[dict]:
    """Run in the package's own interpreter: one row per pose."""
    import math

    import numpy as np
    import parity_worker as pw
    import pybullet

    sim = pw.make({"package": package, "task": "pushing", "skip_frame": 1, "action_mode": "joint_positions",
                   "episode_steps": None})
    floor = 2 if package == "original" else sim.env.stage.floor  # the original: plane 0, robot 1, table 2
    rows = []
    for x, y, yaw in POSES:
        orientation = [0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2)]
        sim.reset({"tool_block": {"cartesian_position": [x, y, 0.0325], "orientation": orientation}})
        hold = np.array(sim.joints()[0])
        counts = []
        for _ in range(STEPS):
            sim.step(hold)
            points = pybullet.getContactPoints(sim.block_body, floor, physicsClientId=sim.client)
            counts.append(len(points))
        rows.append({"pose": [x, y, yaw], "points_after_1": counts[0], "points_after_30": counts[-1],
                     "normal_force": round(sum(p[9] for p in points), 5)})
    return rows


def friction_change(package: str) -> dict:
    """Run in the package's own interpreter: how far a resting block moves before and after the change."""
    import numpy as np
    import parity_worker as pw
    import pybullet

    sim = pw.make({"package": package, "task": "pushing", "skip_frame": 3, "action_mode": "joint_positions",
                   "episode_steps": None})
    sim.reset(None)
    hold = np.array(sim.joints()[0])

    def intervene(values):
        if package == "original":
            return sim.env.do_intervention(values, check_bounds=False)[0]
        return sim.env.do_intervention(values, check_bounds=False).success

    def position():
        return np.array(pybullet.getBasePositionAndOrientation(sim.block_body, physicsClientId=sim.client)[0])

    def moved(steps):
        start = position()
        for _ in range(steps):
            sim.step(hold)
        return float(np.linalg.norm(position() - start))

    moved(10)
    assert intervene({"gravity": [3.0, 0.0, -9.81]})
    sticking = moved(25)
    assert intervene({"floor_friction": 0.1})
    return {"moved_at_friction_0.5": round(sticking, 7), "moved_after_floor_friction_0.1": round(moved(10), 7)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--original-python", required=True, help="the original CausalWorld's interpreter")
    args = parser.parse_args()
    results = {}
    for package, python in (("original", args.original_python), ("ours", sys.executable)):
        code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import resting_contacts as r; "
                f"print(json.dumps([r.measure({package!r}), r.friction_change({package!r})]))")
        done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
        results[package], results[f"{package}_friction_change"] = json.loads(done.stdout.strip().splitlines()[-1])
        print(package, results[package], results[f"{package}_friction_change"])
    OUTPUT.write_text(json.dumps({"command": "python benchmarks/resting_contacts.py --original-python ...",
                                  "steps": STEPS, **results}, indent=1) + "\n")


if __name__ == "__main__":
    main()

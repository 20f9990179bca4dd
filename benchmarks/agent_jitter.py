"""A trained agent of the original from many nearly identical starts, here and in the original.

One default-goal rollout of a contact-rich task is chaotic: the two packages agree step for step
until the fingertips first touch the block, then part (``benchmarks/trace_worker.py`` logs both
side by side), and its final fractional success is 0 or 1 by chance. This runs the agent from the
default start with the tool block moved by sub-millimetre offsets (an x, y grid of ``--grid`` points
per axis at ``--spacing`` m, the unmoved start left out) in both packages, each in a fresh process,
and reports every episode's final fractional success and the mean: the figure to compare.

Variants of ours (diagnostics; each needs only our package unless noted): ``ours`` as it is;
``box`` the table as a box shape; ``mesh_fingers`` the finger links with the original's collision
meshes (read from the original's package at run time; its tip links have no shape);
``mesh_lower`` the lower links only. Policy computed as ``trace_worker`` does (float64).

Usage: python benchmarks/agent_jitter.py --original-python /work/orig/bin/python
       [--task pick_and_place] [--variants ours box mesh_fingers] [--grid 7] [--spacing 0.0005]
       [--json benchmarks/results/agent_jitter/pick_and_place.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
AGENT_ZIPS = {"pick_and_place": "pick_and_place_ppo_curr0.zip", "stacking2": "stacking2_ppo_curr1.zip",
              "picking": "picking_ppo_curr1.zip", "pushing": "pushing_ppo_curr1.zip"}
MOVED_BLOCK = {"pick_and_place": ("tool_block", (0.0, -0.09, 0.0325)),
               "stacking2": ("tool_block_1", (0.0, 0.0, 0.0325)),
               "picking": ("tool_block", (0.0, 0.0, 0.0325)), "pushing": ("tool_block", (0.0, -0.08, 0.0325))}
"""The block each task's starts move, and its default position (m; z from the floor top)."""
EPISODE_STEPS = {"pick_and_place": 1666, "stacking2": 1666, "picking": 833, "pushing": 833}
VARIANTS = {"ours": {}, "box": {"ours_table": "box"}, "mesh_fingers": {"ours_fingers": "mesh_fingers"},
            "mesh_lower": {"ours_fingers": "mesh_lower"}}


def starts(task: str, grid: int, spacing: float) -> list[dict]:
    """The starting-state interventions: the tool block moved on a grid around its default place."""
    name, (x, y, z) = MOVED_BLOCK[task]
    offsets = (np.arange(grid) - (grid - 1) / 2) * spacing
    return [{name: {"cartesian_position": [x + dx, y + dy, z]}} for dx in offsets for dy in offsets
            if (dx, dy) != (0.0, 0.0)]


def run_trace(package: str, python: str, job: dict) -> list[dict]:
    """``trace_worker.py``'s episodes for ``job`` in a fresh process of ``python``."""
    with tempfile.TemporaryDirectory() as folder:
        job_path, out_path = Path(folder) / "job.json", Path(folder) / "out.json"
        job_path.write_text(json.dumps({**job, "package": package}))
        subprocess.run([python, str(HERE / "trace_worker.py"), str(job_path), str(out_path)], check=True,
                       cwd=HERE, stderr=subprocess.DEVNULL)
        return json.loads(out_path.read_text())["episodes"]


def run(package: str, python: str, job: dict) -> list[float]:
    return [episode["fractional_success"][-1] for episode in run_trace(package, python, job)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--original-python", default=None, help="the original's interpreter (omit: ours only)")
    parser.add_argument("--original-package", default=None, help="the original's agent zips folder")
    parser.add_argument("--task", default="pick_and_place", choices=sorted(AGENT_ZIPS))
    parser.add_argument("--variants", nargs="*", default=["ours"], choices=sorted(VARIANTS))
    parser.add_argument("--grid", type=int, default=7)
    parser.add_argument("--spacing", type=float, default=0.0005, help="m between grid points")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    folder = args.original_package or "/work/orig/lib/python3.11/site-packages/causal_world/assets/baseline_actors"
    job = {"task": args.task, "agent": str(Path(folder) / AGENT_ZIPS[args.task]), "trace": False,
           "episode_steps": EPISODE_STEPS[args.task], "episodes": starts(args.task, args.grid, args.spacing)}
    record = {"command": "python benchmarks/agent_jitter.py " + " ".join(sys.argv[1:]), "task": args.task,
              "starts": job["episodes"], "final_fractional_success": {}, "seconds": {}}
    runs = ([("original", "original", args.original_python)] if args.original_python else []) + \
        [(variant, "ours", sys.executable) for variant in args.variants]
    for name, package, python in runs:
        start = time.perf_counter()
        finals = run(package, python, {**job, **VARIANTS.get(name, {})})
        record["final_fractional_success"][name] = finals
        record["seconds"][name] = time.perf_counter() - start
        print(f"{name}: mean {np.mean(finals):.3f}, above 0.9 in {sum(f > 0.9 for f in finals)}/{len(finals)}",
              flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Where a trained agent's default-goal rollout here parts from the original's, and why.

Runs ``benchmarks/trace_worker.py`` in the original's interpreter and in ours (fresh processes; our
package as it is, and optional diagnostic variants, see ``agent_jitter.py``) on the default start,
logging every step, and writes a summary: the final fractional success of each, the first step
whose joint positions differ by more than ``--tolerance`` rad from the original's, and for the
steps around the first contact (``--window``) the largest joint difference (rad), the tool block's
position difference (mm) and each package's contacts (robot link or body pairs, distance in mm,
normal force in N).

Usage: python benchmarks/agent_trace.py --original-python /work/orig/bin/python --task reaching
       [--variants ours mesh_fingers] [--json benchmarks/results/agent_trace/reaching.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from agent_jitter import AGENT_ZIPS, EPISODE_STEPS, VARIANTS, run_trace

AGENT_ZIPS = {**AGENT_ZIPS, "reaching": "reaching_ppo_curr1.zip"}
"""The agents (the original's zips); reaching has no block, so ``agent_jitter.py`` does not run it."""
EPISODE_STEPS = {**EPISODE_STEPS, "reaching": 416}


def contact_rows(step: dict) -> list:
    """Each contact as [body A, link A, body B, link B, distance (mm), normal force (N)]."""
    return [[c[0], c[1], c[2], c[3], round(c[7] * 1e3, 3), c[8]] for c in step["contacts"]]


def compare(original: dict, ours: dict, tolerance: float, window: int) -> dict:
    a, b = original["steps"], ours["steps"]
    joint = [float(np.abs(np.subtract(x["q"], y["q"])).max()) for x, y in zip(a, b)]
    first = next((i for i, d in enumerate(joint) if d > tolerance), None)
    touch = next((i for i, s in enumerate(a) if any("robot" in (c[0], c[2]) for c in s["contacts"])), None)
    start = max(0, (touch if touch is not None else 0) - 1)
    rows = []
    for i in range(start, min(len(a), start + window)):
        block = None if a[i]["block"] is None else \
            round(1e3 * float(np.linalg.norm(np.subtract(a[i]["block"][0], b[i]["block"][0]))), 3)
        rows.append({"step": i, "joint_difference": joint[i], "block_difference_mm": block,
                     "original_contacts": contact_rows(a[i]), "ours_contacts": contact_rows(b[i])})
    return {"final": ours["fractional_success"][-1], "first_step_joints_differ": first,
            "first_robot_contact_in_original": touch, "steps": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--original-python", required=True)
    parser.add_argument("--original-package", default=None, help="the original's agent zips folder")
    parser.add_argument("--task", default="reaching", choices=sorted(AGENT_ZIPS))
    parser.add_argument("--variants", nargs="*", default=["ours"], choices=sorted(VARIANTS))
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--window", type=int, default=8)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    folder = args.original_package or "/work/orig/lib/python3.11/site-packages/causal_world/assets/baseline_actors"
    job = {"task": args.task, "agent": str(Path(folder) / AGENT_ZIPS[args.task]), "trace": True,
           "episode_steps": EPISODE_STEPS[args.task], "episodes": [None]}
    original = run_trace("original", args.original_python, job)[0]
    record = {"command": "python benchmarks/agent_trace.py " + " ".join(sys.argv[1:]), "task": args.task,
              "original_final": original["fractional_success"][-1], "variants": {}}
    for name in args.variants:
        ours = run_trace("ours", sys.executable, {**job, **VARIANTS[name]})[0]
        record["variants"][name] = compare(original, ours, args.tolerance, args.window)
        summary = record["variants"][name]
        print(f"{name}: final {summary['final']:.3f} (original {record['original_final']:.3f}); joints differ by "
              f"more than {args.tolerance} rad from step {summary['first_step_joints_differ']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Record the original CausalWorld 1.2's trajectories under fixed actions, for tests/test_physics_parity.py.

Each sequence runs once in the original (``benchmarks/parity_worker.py`` under ``--original-python``)
and is written, actions included, to ``tests/data/physics_reference.json``; the test replays the
actions in our package and compares, without needing the original.

* ``free``: reaching (robot alone), random joint targets held 0.24 s each, drawn in a range where no
  link touches anything (upper -0.4..0.4, middle 0.4..1.2, lower -2.2..-1.0 rad): the joint
  trajectories test link inertias, damping, PD and torque limits.
* ``lift``: picking, a 0.08 kg block gripped by fingers 120 and 300 and lifted, up to 4.3 s (the
  block is 13 cm up; later a nearly symmetric grip decides which way the block tips, and the two
  simulators may choose differently).
* ``hold``: picking, a 0.05 kg block gripped 1.75 cm above its centre, lifted to 0.15 m and held
  for 3 s: how much a held block turns in a two-fingertip grip.

Usage: python benchmarks/physics_reference.py --original-python /work/orig/bin/python
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import dynamics_parity as dp
import numpy as np

OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "physics_reference.json"
FREE_LOW = np.array([-0.4, 0.4, -2.2] * 3)
FREE_HIGH = np.array([0.4, 1.2, -1.0] * 3)
LIFT_SECONDS = 4.3


def sequences() -> dict[str, dict]:
    """The action sequences (raw joint targets, rad) and their settings."""
    rng = np.random.default_rng(1)
    targets = rng.uniform(FREE_LOW, FREE_HIGH, size=(13, 9))
    free = [targets[k // 20].tolist() for k in range(250)]
    lift = dp.to_joint_targets(dp.grasp_tips())[: int(round(LIFT_SECONDS / dp.DT))]
    hold = [c for c in dp.cases(["hold"]) if c["name"] == "hold"][0]
    return {
        "free": {"task": "reaching", "task_kwargs": {}, "actions": free},
        "lift": {"task": "picking", "task_kwargs": {"tool_block_mass": 0.08}, "actions": lift},
        "hold": {"task": "picking", "task_kwargs": {"tool_block_mass": 0.05}, "actions": hold["actions"],
                 "hold_from": hold["hold_from"]},
    }


def run_lengths(actions: list[list[float]]) -> list[list]:
    """``[[count, action], ...]``: consecutive equal actions stored once."""
    packed: list[list] = []
    for action in actions:
        if packed and packed[-1][1] == action:
            packed[-1][0] += 1
        else:
            packed.append([1, action])
    return packed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--original-python", required=True)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    reference = {"skip_frame": dp.SKIP, "action_mode": "joint_positions",
                 "made_by": "python benchmarks/physics_reference.py --original-python PYTHON_OF_CAUSAL_WORLD_1.2",
                 "packages": {"original": dp.harness.package_facts(args.original_python, "original")},
                 "sequences": {}}
    for name, sequence in sequences().items():
        sequence["actions"] = np.round(sequence["actions"], 6).tolist()  # what is stored is what ran
        job = {"kind": "actions", "package": "original", "skip_frame": dp.SKIP, "action_mode": "joint_positions",
               **sequence}
        result = dp.run_worker(args.original_python, job)
        if result["block_position"]:  # block pose after reset and after every step
            recorded = {"block_position": np.round(result["block_position"], 6).tolist(),
                        "block_orientation": np.round(result["block_orientation"], 6).tolist()}
        else:  # joint positions (rad) after reset and after every step
            recorded = {"joint_positions": np.round(result["q"], 7).tolist()}
        actions = sequence.pop("actions")
        reference["sequences"][name] = {**sequence, "actions_run_lengths": run_lengths(actions), "original": recorded}
        print(f"{name}: {len(actions)} steps recorded")
    args.out.write_text(json.dumps(reference, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

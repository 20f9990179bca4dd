"""Digests of what every env ID produces on fixed actions, to show that a speed change preserves behaviour.

For each registered ID (and, for pushing, each action mode), one env is built with ``gymnasium.make``,
reset with seed 0, stepped through ``--steps`` uniform random actions (drawn from ``--seed``), reset again
(seed 1) and stepped ``--steps`` more. Every observation (float32 bytes), reward (float64 bytes) and
``fractional_success`` goes into one SHA-256 per case. Equal digests mean bit-identical observations,
rewards and success measures over both episodes, the rebuild of the world at reset included.

Usage: python benchmarks/equivalence.py [--steps 60] [--json out.json] [--compare before.json]

To digest another revision of the package, run this script with that revision first on the path, e.g.
``git archive main | tar -x -C /tmp/base; PYTHONPATH=/tmp/base python benchmarks/equivalence.py --json
/tmp/before.json``; ``--compare /tmp/before.json`` then lists every case whose digest differs (exit
status 1 if any). The package that was digested is recorded (``module_file``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

CASES = [(env_id, {}) for env_id in (
    "CausalWorld-Reaching", "CausalWorld-Pushing", "CausalWorld-Picking", "CausalWorld-PickAndPlace",
    "CausalWorld-Stacking2", "CausalWorld-Towers", "CausalWorld-General", "CausalWorld-NoReward",
    "CausalWorld-StackedBlocks", "CausalWorld-CreativeStackedBlocks")] + [
    ("CausalWorld-Pushing", {"action_mode": "joint_torques"}),
    ("CausalWorld-Pushing", {"action_mode": "end_effector_positions"}),
    ("CausalWorld-Pushing", {"normalize_observations": False, "normalize_actions": False}),
]
"""(env ID, extra make kwargs) of every digested case."""


def digest(env_id: str, kwargs: dict, steps: int, seed: int) -> str:
    """SHA-256 of two episodes of ``env_id`` under fixed random actions."""
    import gymnasium as gym

    import causalworld  # noqa: F401  (registers the IDs)

    env = gym.make(env_id, **kwargs)
    rng = np.random.default_rng(seed)
    low, high = env.action_space.low.astype(np.float64), env.action_space.high.astype(np.float64)
    actions = rng.uniform(0.0, 1.0, (2 * steps, low.size)) * (high - low) + low
    sha = hashlib.sha256()
    for episode in range(2):
        observation, info = env.reset(seed=episode)
        sha.update(np.asarray(observation).tobytes())
        for action in actions[episode * steps:(episode + 1) * steps]:
            observation, reward, _, _, info = env.step(action.astype(np.float32))
            sha.update(np.asarray(observation).tobytes())
            sha.update(np.float64(reward).tobytes())
            sha.update(np.float64(info["fractional_success"]).tobytes())
    env.close()
    return sha.hexdigest()


def case_name(env_id: str, kwargs: dict) -> str:
    """A readable key for a case."""
    return env_id + "".join(f" {k}={v}" for k, v in sorted(kwargs.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="env steps per episode (two episodes per case)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random actions")
    parser.add_argument("--json", default=None, help="write the digests here")
    parser.add_argument("--compare", default=None, help="a JSON written by this script: report differences")
    args = parser.parse_args()
    import causalworld

    record = {"benchmark": "equivalence", "command": "python " + " ".join(sys.argv),
              "module_file": causalworld.__file__, "steps": args.steps, "seed": args.seed, "digests": {}}
    for env_id, kwargs in CASES:
        name = case_name(env_id, kwargs)
        record["digests"][name] = digest(env_id, kwargs, args.steps, args.seed)
        print(f"{name:<80} {record['digests'][name][:16]}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(record, indent=1) + "\n")
    if args.compare:
        before = json.loads(Path(args.compare).read_text())
        if (before["steps"], before["seed"]) != (args.steps, args.seed):
            raise SystemExit(f"{args.compare} was made with steps={before['steps']} seed={before['seed']}")
        differ = [name for name, value in record["digests"].items() if before["digests"].get(name) != value]
        print(f"compared with {args.compare} ({before['module_file']}): "
              + (f"{len(differ)} case(s) differ: {differ}" if differ else "all cases bit-identical"))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

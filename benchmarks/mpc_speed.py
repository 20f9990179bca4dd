"""Speed of the MPC agent (``causalworld.planning``) on default pushing, and whether it solves it.

One full default episode (skip_frame 10, 250 env steps) with the agent's default settings in one
process, then the first ``--segment`` steps of the same episode again in one process and with the
model spread over 2 worker processes (the same steps, so those two compare; the segment's steps
cost less than the episode's average, as the fingers touch the block only later). For each: seconds
per env step of the agent (planning included), plans made, seconds per plan, planning env steps
simulated per second (the model's rollouts) and the final and mean fractional success.

Usage: python benchmarks/mpc_speed.py [--segment 40] [--json benchmarks/results/mpc_speed.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import time
from pathlib import Path

import numpy as np
from harness import machine_facts

from causalworld.env import CausalWorldEnv
from causalworld.planning import MPC_DEFAULTS, MPCAgent


def git_commit() -> str | None:
    """The commit of the code measured (None outside a git checkout)."""
    import subprocess

    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def run(steps: int | None, workers: int) -> dict:
    env = CausalWorldEnv("pushing")
    agent = MPCAgent(env, workers=workers)
    obs, _ = env.reset(seed=0)
    agent.reset(seed=0)
    fractions = []
    planned_steps = 0
    plan_seconds = 0.0
    start = time.perf_counter()
    limit = steps or env.max_episode_length
    for _ in range(limit):
        before = agent.plans
        tick = time.perf_counter()
        action = agent(obs)
        if agent.plans > before:
            plan_seconds += time.perf_counter() - tick
            plan = agent.last_plan
            planned_steps += plan.rollouts * agent.planner.horizon * agent.action_repeat
        obs, _, _, truncated, info = env.step(action)
        fractions.append(info["fractional_success"])
        if truncated:
            break
    seconds = time.perf_counter() - start
    agent.close()
    env.close()
    return {
        "workers": workers, "env_steps": len(fractions), "seconds": seconds,
        "seconds_per_env_step": seconds / len(fractions), "plans": agent.plans,
        "seconds_per_plan": plan_seconds / agent.plans,
        "planning_env_steps_per_second": planned_steps / plan_seconds,
        "final_fractional_success": fractions[-1], "mean_fractional_success": float(np.mean(fractions)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segment", type=int, default=40)
    parser.add_argument("--json", default="benchmarks/results/mpc_speed.json")
    args = parser.parse_args()
    rows = [run(None, 1), run(args.segment, 1), run(args.segment, 2)]
    for row in rows:
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}))
    document = {"benchmark": "mpc_speed",
                "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": machine_facts(), "commit": git_commit(),
                "command": f"python benchmarks/mpc_speed.py --segment {args.segment}", "settings": MPC_DEFAULTS,
                "load_average_at_end": os.getloadavg(),
                "note": "2-core machine shared with other jobs: seconds are indicative; a planning env step is "
                        "one env step simulated by the model (a rollout of H actions x action_repeat steps)",
                "rows": rows}
    if args.json:
        Path(args.json).write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()

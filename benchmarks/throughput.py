"""Env throughput against the raw PyBullet floor, side by side in one run.

For every registered ID, with default settings and uniform random actions:
  * env steps/s through ``gymnasium.make`` (wrappers included);
  * the share of step time spent inside ``stepSimulation`` (measured by timing each call);
  * median ``reset()`` latency;
  * the raw floor: the same scene after reset, calling only ``stepSimulation`` skip_frame
    times per env step (the robot gets no torques, so it sags onto the table);
and the ratio env / floor. Reference figures of the original CausalWorld 1.2 on this kind of
machine (from its measurement, not re-run here) are printed beside ours.

Usage: python benchmarks/throughput.py [--steps 3000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import gymnasium as gym
import numpy as np
import pybullet

import causalworld
from causalworld.io_utils import write_text_atomically

ORIGINAL_STEPS_PER_SECOND = {
    "CausalWorld-Reaching": 323,
    "CausalWorld-Pushing": 220,
    "CausalWorld-Picking": 210,
    "CausalWorld-PickAndPlace": 190,
    "CausalWorld-Stacking2": 172,
    "CausalWorld-Towers": 129,
    "CausalWorld-General": 113,
    "CausalWorld-CreativeStackedBlocks": 35,
    "CausalWorld-StackedBlocks": 17,
}
ORIGINAL_RESET_MS = {"CausalWorld-Pushing": "55-110"}


def measure(env_id: str, steps: int, seed: int = 0) -> dict[str, float]:
    env = gym.make(env_id)
    core = env.unwrapped
    rng = np.random.default_rng(seed)
    actions = rng.uniform(-1, 1, (steps, 9)).astype(np.float32)

    def rollout() -> float:
        env.reset(seed=seed)
        start = time.perf_counter()
        for action in actions:
            if env.step(action)[3]:
                env.reset()
        return time.perf_counter() - start

    rollout()  # warm-up
    elapsed = rollout()

    inside = [0.0]
    original_step = pybullet.stepSimulation

    def timed_step(*args, **kwargs):
        t0 = time.perf_counter()
        original_step(*args, **kwargs)
        inside[0] += time.perf_counter() - t0

    pybullet.stepSimulation = timed_step
    try:
        instrumented = rollout()
    finally:
        pybullet.stepSimulation = original_step

    resets = []
    for k in range(200):
        env.step(actions[k])
        start = time.perf_counter()
        env.reset()
        resets.append(time.perf_counter() - start)

    env.reset(seed=seed)
    client, substeps = core.world.client, core.skip_frame
    start = time.perf_counter()
    for _ in range(steps):
        for _ in range(substeps):
            original_step(physicsClientId=client)
    floor = time.perf_counter() - start
    env.close()
    return {
        "env_steps_per_s": steps / elapsed,
        "share_in_stepSimulation": inside[0] / instrumented,
        "median_reset_ms": 1000 * statistics.median(resets),
        "raw_floor_steps_per_s": steps / floor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    results = {}
    header = (
        f"{'env id':<24}{'steps/s':>9}{'floor':>9}{'env/floor':>10}{'in step':>9}{'reset ms':>10}"
        f"{'orig steps/s':>14}{'speed-up':>10}"
    )
    print(header)
    for env_id in sorted(causalworld.ENV_IDS):
        r = measure(env_id, args.steps)
        results[env_id] = r
        original = ORIGINAL_STEPS_PER_SECOND.get(env_id)
        speed_up = f"{r['env_steps_per_s'] / original:.1f}x" if original else "-"
        print(
            f"{env_id:<24}{r['env_steps_per_s']:>9.0f}{r['raw_floor_steps_per_s']:>9.0f}"
            f"{r['env_steps_per_s'] / r['raw_floor_steps_per_s']:>10.2f}{r['share_in_stepSimulation']:>9.0%}"
            f"{r['median_reset_ms']:>10.3f}{original or '-':>14}"
            f"{speed_up:>10}"
        )
    print("'in step': share of env step time inside stepSimulation (target: at least 50%).")
    print("Original figures are reference values measured on the original benchmark, not re-run here.")
    if args.json:
        write_text_atomically(args.json, json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Pixel-mode speed: env steps/s and the cost of a goal-image refresh.

* env steps/s in ``observation_mode="pixel"`` (128x128, uniform random actions) for all three
  cameras and for one camera, against the original CausalWorld's pixel mode (about 14 steps/s on
  this kind of machine, from its measurement; not re-run here);
* the cost of a goal-image refresh: a goal intervention (which re-renders the goal images)
  against an intervention that leaves them alone (a block's mass), both including the
  observation that ``do_intervention`` returns; the difference is the refresh itself.

Rates are given per wall-clock second and per CPU second of this process: PyBullet's DIRECT
client and both renderers run in the calling thread, so on a shared machine the CPU-time rate is
what an idle machine would show, while the wall-clock rate includes waiting for other processes.

Usage: python benchmarks/pixels.py [--steps 200] [--renderer auto|tiny|egl] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

import causalworld

ORIGINAL_PIXEL_STEPS_PER_SECOND = 14.0
GOALS = ([0.06, -0.04, 0.0325], [-0.05, 0.05, 0.0325])
MASSES = (0.05, 0.07)


def steps_per_second(cameras: list[int], steps: int, renderer: str) -> tuple[float, float, str, int]:
    env = causalworld.CausalWorldEnv("pushing", observation_mode="pixel", camera_indices=cameras, renderer=renderer)
    try:
        env.reset(seed=0)
        rng = np.random.default_rng(0)
        actions = rng.uniform(-1, 1, (steps, 9)).astype(np.float32)
        for action in actions[:5]:  # warm-up
            env.step(action)
        start, cpu = time.perf_counter(), time.process_time()
        for action in actions:
            env.step(action)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        return steps / elapsed, steps / cpu, env.renderer, env.pixels.goal_refreshes
    finally:
        env.close()


def refresh_cost(repeats: int, renderer: str) -> dict[str, float]:
    env = causalworld.CausalWorldEnv("pushing", observation_mode="pixel", renderer=renderer)
    try:
        env.reset(seed=0)
        goal_ms, mass_ms = [], []
        for k in range(repeats):
            before = env.pixels.goal_refreshes
            start = time.process_time()
            env.do_intervention({"goal_block": {"cartesian_position": GOALS[k % 2]}})
            goal_ms.append((time.process_time() - start) * 1e3)
            assert env.pixels.goal_refreshes == before + 1
            start = time.process_time()
            env.do_intervention({"tool_block": {"mass": MASSES[k % 2]}})
            mass_ms.append((time.process_time() - start) * 1e3)
            assert env.pixels.goal_refreshes == before + 1
        goal, other = statistics.median(goal_ms), statistics.median(mass_ms)
        return {"goal_intervention_ms": goal, "other_intervention_ms": other, "goal_refresh_ms": goal - other}
    finally:
        env.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--renderer", default="auto", choices=("auto", "tiny", "egl"))
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    results: dict[str, object] = {}
    for label, cameras in (("3 cameras", [0, 1, 2]), ("1 camera", [0])):
        wall, cpu, renderer, refreshes = steps_per_second(cameras, args.steps, args.renderer)
        results[label] = {"steps_per_wall_second": wall, "steps_per_cpu_second": cpu, "renderer": renderer,
                          "goal_refreshes": refreshes}
        ratio = cpu / ORIGINAL_PIXEL_STEPS_PER_SECOND
        print(f"pixel mode, {label:<9} renderer={renderer:<4} {cpu:6.1f} env steps per CPU s ({wall:6.1f} per wall s)"
              f"; original, 3 cameras: ~{ORIGINAL_PIXEL_STEPS_PER_SECOND:.0f} (x{ratio:.1f}); "
              f"goal refreshes during the run: {refreshes}")
    cost = refresh_cost(args.repeats, args.renderer)
    results["goal_refresh"] = cost
    print(f"CPU time: goal intervention {cost['goal_intervention_ms']:.1f} ms, other intervention "
          f"{cost['other_intervention_ms']:.1f} ms -> goal-image refresh (3 cameras) {cost['goal_refresh_ms']:.1f} ms")
    if args.json:
        with open(args.json, "w") as stream:
            json.dump(results, stream, indent=2)


if __name__ == "__main__":
    main()

"""Pixel-mode speed of causalworld, and of the original CausalWorld side by side when its interpreter is given.

Pushing in pixel mode (128x128 images, default settings otherwise, skip frame 10 for both), in a
fresh process per package and setting, the packages alternating which runs first, the same uniform
random actions for both (drawn once from ``--seed``, shared as an ``.npy`` file):

* env steps per wall-clock second and per CPU second of the driver process, with all three cameras
  and with camera 0 only;
* the cost of a goal-image refresh: a goal intervention (``sample_new_goal``, which re-renders the
  goal images) against a mass change (which does not), both as CPU time of the driver process,
  medians over ``--repeats``; the difference is the refresh.

PyBullet's DIRECT client and both packages' renderers run in the calling thread, so the CPU-time
figures are what an idle machine would show; the wall-clock ones include waiting for other processes.
The original's pixel mode runs as installed (gym 0.26 needs only its class-level spaces set to None,
done in its driver process); its camera argument is spelled ``camera_indicies``.

Usage: python benchmarks/pixels.py [--steps 200] [--renderer auto|tiny|egl] [--original-python PATH]
       [--json out.json]
The raw output goes to benchmarks/results/pixels.json unless --json says otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import harness

CAMERAS = {"3 cameras": [0, 1, 2], "1 camera": [0]}
MASSES = (0.05, 0.07)
WARMUP = 5


def _steps(env_step, actions) -> dict[str, float]:
    for action in actions[:WARMUP]:
        env_step(action)
    measured = actions[WARMUP:]
    wall, cpu = time.perf_counter(), time.process_time()
    for action in measured:
        env_step(action)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"steps": len(measured), "steps_per_wall_second": len(measured) / wall,
            "steps_per_cpu_second": len(measured) / cpu}


def _refresh(env, do, repeats: int) -> dict[str, float]:
    goal_ms, mass_ms = [], []
    for k in range(repeats):
        goal = env.sample_new_goal()
        start = time.process_time()
        do(goal)
        goal_ms.append((time.process_time() - start) * 1e3)
        start = time.process_time()
        do({"tool_block": {"mass": MASSES[k % 2]}})
        mass_ms.append((time.process_time() - start) * 1e3)
    goal, other = statistics.median(goal_ms), statistics.median(mass_ms)
    return {"goal_intervention_cpu_ms": goal, "other_intervention_cpu_ms": other, "goal_refresh_cpu_ms": goal - other}


def drive_ours(cameras: list[int], actions: str, renderer: str, repeats: int) -> dict:
    import causalworld

    env = causalworld.CausalWorldEnv("pushing", observation_mode="pixel", camera_indices=cameras, renderer=renderer)
    env.reset(seed=0)
    result = _steps(env.step, harness.read_actions(actions))
    result["renderer"] = env.renderer
    if repeats:
        result.update(_refresh(env, env.do_intervention, repeats))
    env.close()
    return result


def drive_original(cameras: list[int], actions: str, renderer: str, repeats: int) -> dict:
    from causal_world.envs import CausalWorld
    from causal_world.task_generators import generate_task

    env = CausalWorld(task=generate_task("pushing"), observation_mode="pixel", camera_indicies=cameras, seed=0)
    env.reset()
    result = _steps(env.step, harness.read_actions(actions).astype("float64"))
    result["renderer"] = "pybullet getCameraImage (its default)"
    if repeats:
        result.update(_refresh(env, env.do_intervention, repeats))
    env.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=20, help="goal-refresh repetitions (3 cameras)")
    parser.add_argument("--renderer", default="auto", choices=("auto", "tiny", "egl"), help="ours only")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--original-python", default=None, help="the original CausalWorld's interpreter")
    parser.add_argument("--note", default=None, help="a sentence stored with the results (e.g. what else ran)")
    parser.add_argument("--json", default=None, help="raw output (default benchmarks/results/pixels.json)")
    args = parser.parse_args()
    settings = {"task": "pushing", "steps": args.steps, "warmup_steps": WARMUP, "repeats": args.repeats,
                "renderer_ours": args.renderer, "seed": args.seed, "skip_frame": 10}
    record = harness.start_record("pixels", settings, args.original_python, args.note)
    pythons = {"ours": sys.executable, "original": args.original_python}
    script = str(Path(__file__).resolve())
    record["settings_by_cameras"] = {}
    with tempfile.TemporaryDirectory() as folder:
        actions = str(harness.write_actions(args.steps + WARMUP, args.seed, Path(folder)))
        for index, (label, cameras) in enumerate(CAMERAS.items()):
            entry: dict = {}
            for package in harness.order(index, bool(args.original_python)):
                entry[package] = harness.run_driver(
                    pythons[package], script, package,
                    {"cameras": cameras, "actions": actions, "renderer": args.renderer,
                     "repeats": args.repeats if len(cameras) == 3 else 0})
                r = entry[package]
                print(f"pixel mode, {label:<9} {package:<9} {r['steps_per_cpu_second']:6.1f} env steps per CPU s "
                      f"({r['steps_per_wall_second']:6.1f} per wall s), renderer {r['renderer']}"
                      + (f"; goal-image refresh {r['goal_refresh_cpu_ms']:.1f} ms CPU" if "goal_refresh_cpu_ms" in r
                         else ""), flush=True)
            if "original" in entry:
                for clock in ("wall", "cpu"):
                    key = f"steps_per_{clock}_second"
                    entry[f"ratio_{clock}"] = entry["ours"][key] / entry["original"][key]
                print(f"  ratio ours / original: {entry['ratio_cpu']:.2f}x CPU, {entry['ratio_wall']:.2f}x wall")
            record["settings_by_cameras"][label] = entry
    print(f"raw output: {harness.finish_record(record, args.json)}")


if __name__ == "__main__":
    if not harness.driver_main({"ours": drive_ours, "original": drive_original}):
        main()

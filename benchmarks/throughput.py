"""Env throughput of causalworld, and of the original CausalWorld side by side when its interpreter is given.

For every task family, default settings but the skip frame (``--skip-frame``, default 10, the same for
both packages), one fresh process per package and task, the two packages alternating which runs
first; both step through the same uniform random actions (drawn once from ``--seed``, shared as an
``.npy`` file), resetting whenever an episode ends:

* env steps per wall-clock second and per CPU second of the driver process;
* the time to build the environment (wall-clock) and the median ``reset()`` latency (wall-clock, and
  CPU time of the driver process: the steadier figure on a busy machine).

Ours runs through ``gymnasium.make`` (wrappers included); the original through its ``CausalWorld``
class (gym 0.26 needs its class-level spaces set to None first, done in its driver process only).
Without ``--original-python`` only ours is measured and no ratio is printed.

Usage: python benchmarks/throughput.py [--steps 1000] [--skip-frame 10] [--rounds 1]
       [--original-python /path/to/original/bin/python] [--json out.json] [--markdown]
The raw output goes to benchmarks/results/throughput.json unless --json says otherwise;
``python benchmarks/table.py`` renders the README table from it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import harness

TASKS = {
    "CausalWorld-Reaching": "reaching", "CausalWorld-Pushing": "pushing", "CausalWorld-Picking": "picking",
    "CausalWorld-PickAndPlace": "pick_and_place", "CausalWorld-Stacking2": "stacking2",
    "CausalWorld-Towers": "towers", "CausalWorld-General": "general", "CausalWorld-NoReward": None,
    "CausalWorld-StackedBlocks": "stacked_blocks", "CausalWorld-CreativeStackedBlocks": "creative_stacked_blocks",
}
"""Our IDs and the original's task generator names (None: the original has no such task)."""
WARMUP = 20
RESETS = 20


def _time_steps(env, actions, step, reset) -> dict[str, float]:
    for action in actions[:WARMUP]:
        if step(action):
            reset()
    episodes = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for action in actions:
        if step(action):
            reset()
            episodes += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    resets, reset_cpu = [], []
    for _ in range(RESETS):
        start, start_cpu = time.perf_counter(), time.process_time()
        reset()
        resets.append(time.perf_counter() - start)
        reset_cpu.append(time.process_time() - start_cpu)
    return {"steps": len(actions), "episode_ends": episodes, "steps_per_wall_second": len(actions) / wall,
            "steps_per_cpu_second": len(actions) / cpu, "median_reset_ms": 1000 * statistics.median(resets),
            "median_reset_cpu_ms": 1000 * statistics.median(reset_cpu)}


def drive_ours(env_id: str, actions: str, skip_frame: int, seed: int) -> dict[str, float]:
    import gymnasium as gym

    import causalworld  # noqa: F401  (registers the IDs)

    action_array = harness.read_actions(actions)
    start = time.perf_counter()
    env = gym.make(env_id, skip_frame=skip_frame)
    env.reset(seed=seed)
    build = time.perf_counter() - start

    def step(action) -> bool:
        _, _, terminated, truncated, _ = env.step(action)
        return terminated or truncated

    result = _time_steps(env, action_array, step, env.reset)
    env.close()
    return {**result, "build_seconds": build}


def drive_original(env_id: str, actions: str, skip_frame: int, seed: int) -> dict[str, float]:
    from causal_world.envs import CausalWorld
    from causal_world.task_generators import generate_task

    action_array = harness.read_actions(actions).astype("float64")
    start = time.perf_counter()
    env = CausalWorld(task=generate_task(TASKS[env_id]), skip_frame=skip_frame, seed=seed)
    env.reset()
    build = time.perf_counter() - start

    def step(action) -> bool:
        return bool(env.step(action)[2])

    result = _time_steps(env, action_array, step, env.reset)
    env.close()
    return {**result, "build_seconds": build}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000, help="measured env steps per task (default 1000)")
    parser.add_argument("--skip-frame", type=int, default=10, help="physics steps per env step, both packages")
    parser.add_argument("--seed", type=int, default=0, help="seed of the shared actions and of the envs")
    parser.add_argument("--rounds", type=int, default=1, help="fresh processes per package and task (median)")
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), help="IDs to measure (default all)")
    parser.add_argument("--original-python", default=None, help="the original CausalWorld's interpreter")
    parser.add_argument("--note", default=None, help="a sentence stored with the results (e.g. what else ran)")
    parser.add_argument("--json", default=None, help="raw output (default benchmarks/results/throughput.json)")
    parser.add_argument("--markdown", action="store_true", help="also print the README table")
    args = parser.parse_args()
    settings = {"steps": args.steps, "skip_frame": args.skip_frame, "seed": args.seed, "rounds": args.rounds,
                "warmup_steps": WARMUP, "resets_timed": RESETS, "actions": "uniform in [-1, 1], normalized"}
    record = harness.start_record("throughput", settings, args.original_python, args.note)
    pythons = {"ours": sys.executable, "original": args.original_python}
    script = str(Path(__file__).resolve())
    record["tasks"] = {}
    with tempfile.TemporaryDirectory() as folder:
        actions = str(harness.write_actions(args.steps + WARMUP, args.seed, Path(folder)))
        print(f"{'env id':<34}{'package':<10}{'steps/wall s':>13}{'steps/CPU s':>12}{'reset ms':>10}{'build s':>9}")
        index = 0
        for env_id in args.tasks:
            runs: dict[str, list] = {"ours": [], "original": []}
            for _ in range(args.rounds):
                with_original = bool(args.original_python) and TASKS[env_id] is not None
                for package in harness.order(index, with_original):
                    runs[package].append(harness.run_driver(
                        pythons[package], script, package,
                        {"env_id": env_id, "actions": actions, "skip_frame": args.skip_frame, "seed": args.seed}))
                    r = runs[package][-1]
                    print(f"{env_id:<34}{package:<10}{r['steps_per_wall_second']:>13.0f}"
                          f"{r['steps_per_cpu_second']:>12.0f}{r['median_reset_ms']:>10.1f}{r['build_seconds']:>9.2f}",
                          flush=True)
                index += 1
            record["tasks"][env_id] = summarize(runs)
    path = harness.finish_record(record, args.json)
    print_summary(record)
    print(f"raw output: {path}")
    if args.markdown:
        import table

        print(table.render(record))


def summarize(runs: dict[str, list]) -> dict:
    """Medians per package over rounds, and the ratios ours / original."""
    summary: dict = {"runs": {k: v for k, v in runs.items() if v}}
    for package, values in runs.items():
        if values:
            summary[package] = {key: harness.median([v[key] for v in values])
                                for key in ("steps_per_wall_second", "steps_per_cpu_second", "median_reset_ms",
                                            "median_reset_cpu_ms", "build_seconds") if key in values[0]}
    if "original" in summary:
        for clock in ("wall", "cpu"):
            key = f"steps_per_{clock}_second"
            summary[f"ratio_{clock}"] = summary["ours"][key] / summary["original"][key]
    return summary


def print_summary(record: dict) -> None:
    with_original = "original" in record["packages"]
    print("\nenv steps per second (medians over rounds)" + ("; ratio = ours / original" if with_original else ""))
    for env_id, summary in record["tasks"].items():
        ours = summary["ours"]
        line = f"{env_id:<34} ours {ours['steps_per_wall_second']:7.0f} wall, {ours['steps_per_cpu_second']:7.0f} CPU"
        if "original" in summary:
            orig = summary["original"]
            line += (f" | original {orig['steps_per_wall_second']:6.0f} wall, {orig['steps_per_cpu_second']:6.0f} CPU"
                     f" | ratio {summary['ratio_wall']:.2f}x wall, {summary['ratio_cpu']:.2f}x CPU")
        elif with_original:
            line += " | original: no such task"
        print(line)


if __name__ == "__main__":
    if not harness.driver_main({"ours": drive_ours, "original": drive_original}):
        main()

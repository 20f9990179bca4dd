"""Evaluation throughput (episodes per second) of causalworld, and of the original's pipeline side by side.

Pushing at its full episode length (skip frame 10), protocols P0, P4 and P10, ``--episodes`` episodes
each. Every episode plays the same actions, step t taking row t of one array drawn once from
``--seed`` (shared with the original as an ``.npy`` file). Each configuration runs in a fresh process:

* ours with 1 and 2 local workers and with 1 and 2 Ray workers (Ray started by the driver with
  ``num_cpus`` = workers; its start-up time is reported apart from the evaluation time; the local
  multi-process runs include their process start-up); ours' scores must be identical across them;
* given ``--original-python``: the original's ``EvaluationPipeline`` on the same protocols
  (``fraction`` = episodes / 200), which needs ``gym.GoalEnv`` (gone in gym 0.26) set to ``gym.Env``
  in its driver process, nothing else. It runs in one process, so the ratio compares it with ours
  on 1 local worker.

Wall-clock time for every configuration; CPU time of the driver process too where everything runs
in that one process (ours with 1 local worker, the original).

Usage: python benchmarks/evaluation.py [--episodes 4] [--original-python PATH] [--json out.json]
The raw output goes to benchmarks/results/evaluation.json unless --json says otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import harness

PROTOCOLS = ["P0", "P4", "P10"]
CONFIGURATIONS = [("local", 1), ("local", 2), ("ray", 1), ("ray", 2)]
EPISODE_STEPS = 260
"""Rows in the shared action array (at least one episode of either package: 250 or 251 steps)."""


class ReplayActions:
    """Step t of every episode plays row t of the shared actions."""

    def __init__(self, actions) -> None:
        self.actions = actions
        self.t = 0

    def reset(self, seed: int | None = None) -> None:
        self.t = 0

    def __call__(self, observation):
        action = self.actions[self.t % len(self.actions)]
        self.t += 1
        return action


def drive_ours(backend: str, workers: int, episodes: int, actions: str) -> dict:
    from causalworld.evaluation import evaluate

    ray_start = None
    if backend == "ray":
        import ray

        start = time.perf_counter()
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        ray_start = time.perf_counter() - start
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        result = evaluate(ReplayActions(harness.read_actions(actions)), "pushing", PROTOCOLS, episodes=episodes,
                          backend=backend, workers=workers)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        if backend == "ray":
            import ray

            ray.shutdown()
    count = len(PROTOCOLS) * episodes
    steps = sum(e.steps for p in result.protocols for e in p.episodes)
    single = backend == "local" and workers == 1
    return {"backend": backend, "workers": workers, "episodes": count, "env_steps": steps, "wall_seconds": wall,
            "episodes_per_wall_second": count / wall, "driver_cpu_seconds": cpu if single else None,
            "ray_start_seconds": ray_start, "scores": result.scores()}


def drive_original(backend: str, workers: int, episodes: int, actions: str) -> dict:
    from causal_world.benchmark.benchmarks import PUSHING_BENCHMARK
    from causal_world.evaluation.evaluation import EvaluationPipeline

    protocols = [p for p in PUSHING_BENCHMARK["evaluation_protocols"] if p.get_name() in PROTOCOLS]
    wall, cpu = time.perf_counter(), time.process_time()
    pipeline = EvaluationPipeline(evaluation_protocols=protocols, task_params={"task_generator_id": "pushing"},
                                  initial_seed=0)
    policy = ReplayActions(harness.read_actions(actions).astype("float64"))
    steps = [0]
    reset = pipeline.env.reset

    def counted_reset(*args, **kwargs):  # the pipeline resets before every episode: restart the actions
        policy.reset()
        return reset(*args, **kwargs)

    def counted_policy(observation):
        steps[0] += 1
        return policy(observation)

    pipeline.env.reset = counted_reset
    scores = pipeline.evaluate_policy(counted_policy, fraction=episodes / 200)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    count = len(PROTOCOLS) * episodes
    return {"backend": "original EvaluationPipeline", "workers": 1, "episodes": count, "env_steps": steps[0],
            "wall_seconds": wall, "episodes_per_wall_second": count / wall, "driver_cpu_seconds": cpu,
            "ray_start_seconds": None,
            "scores": {name: {k: v for k, v in s.items() if k.startswith("mean_")} for name, s in scores.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=4, help="episodes per protocol (3 protocols)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--original-python", default=None, help="the original CausalWorld's interpreter")
    parser.add_argument("--note", default=None, help="a sentence stored with the results (e.g. what else ran)")
    parser.add_argument("--json", default=None, help="raw output (default benchmarks/results/evaluation.json)")
    args = parser.parse_args()
    settings = {"task": "pushing", "protocols": PROTOCOLS, "episodes_per_protocol": args.episodes, "skip_frame": 10,
                "seed": args.seed, "agent": "replays one shared action array, row t at step t of every episode"}
    record = harness.start_record("evaluation", settings, args.original_python, args.note)
    script = str(Path(__file__).resolve())
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        actions = str(harness.write_actions(EPISODE_STEPS, args.seed, Path(folder)))
        plan = [("ours", *c) for c in CONFIGURATIONS]
        if args.original_python:
            plan.insert(1, ("original", "local", 1))  # between ours' first two runs: alternating
        for package, backend, workers in plan:
            python = sys.executable if package == "ours" else args.original_python
            row = harness.run_driver(python, script, package, {"backend": backend, "workers": workers,
                                                               "episodes": args.episodes, "actions": actions})
            row["package"] = package
            rows.append(row)
            cpu = f", driver CPU {row['driver_cpu_seconds']:.1f} s" if row["driver_cpu_seconds"] else ""
            print(f"{package:<9} {row['backend']:<28} workers {workers}: {row['episodes']} episodes in "
                  f"{row['wall_seconds']:.1f} s wall-clock ({row['episodes_per_wall_second']:.2f} episodes/s{cpu})",
                  flush=True)
    ours = [r for r in rows if r["package"] == "ours"]
    record["identical_scores_ours"] = all(r["scores"] == ours[0]["scores"] for r in ours)
    record["rows"] = rows
    original = [r for r in rows if r["package"] == "original"]
    if original:
        record["ratio_wall_ours_1_local_over_original"] = (ours[0]["episodes_per_wall_second"]
                                                           / original[0]["episodes_per_wall_second"])
        print(f"ratio ours (1 local worker) / original, episodes per wall-clock second: "
              f"{record['ratio_wall_ours_1_local_over_original']:.2f}x")
    print(f"ours' scores identical in every configuration: {record['identical_scores_ours']}")
    print(f"raw output: {harness.finish_record(record, args.json)}")


if __name__ == "__main__":
    if not harness.driver_main({"ours": drive_ours, "original": drive_original}):
        main()

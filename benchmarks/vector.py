"""Steps per second of vectorised CausalWorld envs against one plain env.

Configurations (each run in a fresh process, the order rotating between rounds):

* ``single``: one env from ``gymnasium.make(ENV_ID)``;
* ``gymnasium_async``: ``gymnasium.make_vec(ENV_ID, num_envs=N, vectorization_mode="async")``
  (one worker process per env, observations through shared memory);
* ``sb3_subproc``: stable-baselines3's ``SubprocVecEnv`` over N ``gymnasium.make(ENV_ID)`` factories
  (its default start method, forkserver).

For each: the time to build the vector env and reset it, then env steps per wall-clock second over
``--steps`` vector steps of uniform random actions (after ``--warmup`` steps; episodes reset
automatically), counting every sub-env's step (N per vector step). The ratio is against ``single``
in the same round. How many CPUs the machine has, and its load at start and end, are recorded: N
workers cannot run N times faster than one env on fewer than N free cores.

The driver processes import nothing heavy (no torch unless SB3 is measured: SB3 imports it in the
parent only; its workers import causalworld and gymnasium) and run with ``OMP_NUM_THREADS=1``.

Usage: python benchmarks/vector.py [--env-id CausalWorld-Pushing] [--num-envs 1 2] [--steps 1500]
       [--rounds 3] [--json out.json]
Raw output: benchmarks/results/vector.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import harness

CONFIGS = ("single", "gymnasium_async", "sb3_subproc")


def drive(config: str, env_id: str, num_envs: int, steps: int, warmup: int, seed: int) -> dict:
    import gymnasium as gym
    import numpy as np

    import causalworld  # noqa: F401  (registers the IDs)

    start = time.perf_counter()
    if config == "single":
        env = gym.make(env_id)
        env.reset(seed=seed)
        num_envs = 1
    elif config == "gymnasium_async":
        env = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode="async")
        env.reset(seed=seed)
    elif config == "sb3_subproc":
        from stable_baselines3.common.vec_env import SubprocVecEnv

        env = SubprocVecEnv([_Factory(env_id) for _ in range(num_envs)])
        env.seed(seed)
        env.reset()
    else:
        raise ValueError(config)
    build = time.perf_counter() - start
    rng = np.random.default_rng(seed)
    shape = (9,) if config == "single" else (num_envs, 9)
    actions = rng.uniform(-1.0, 1.0, (warmup + steps, *shape)).astype(np.float32)

    def step(action) -> None:
        if config == "single":
            _, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                env.reset()
        else:
            env.step(action)

    for action in actions[:warmup]:
        step(action)
    wall, cpu = time.perf_counter(), time.process_time()
    for action in actions[warmup:]:
        step(action)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    env.close()
    return {"num_envs": num_envs, "vector_steps": steps, "env_steps": steps * num_envs,
            "env_steps_per_wall_second": steps * num_envs / wall, "parent_cpu_seconds": cpu,
            "wall_seconds": wall, "build_and_reset_seconds": build}


class _Factory:
    """A picklable env factory for SubprocVecEnv (forkserver pickles it)."""

    def __init__(self, env_id: str) -> None:
        self.env_id = env_id

    def __call__(self):
        import gymnasium as gym

        import causalworld  # noqa: F401

        return gym.make(self.env_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-id", default="CausalWorld-Pushing")
    parser.add_argument("--num-envs", type=int, nargs="+", default=[1, 2], help="vector sizes to measure")
    parser.add_argument("--steps", type=int, default=1500, help="measured vector steps per run")
    parser.add_argument("--warmup", type=int, default=50, help="vector steps before timing")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per configuration (median)")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--note", default=None, help="a sentence stored with the results (e.g. what else ran)")
    parser.add_argument("--json", default=None, help="raw output (default benchmarks/results/vector.json)")
    args = parser.parse_args()
    settings = {"env_id": args.env_id, "num_envs": args.num_envs, "steps": args.steps, "warmup": args.warmup,
                "rounds": args.rounds, "seed": args.seed, "actions": "uniform in [-1, 1], normalized"}
    record = harness.start_record("vector", settings, None, args.note)
    script = str(Path(__file__).resolve())
    runs = [("single", 1)] + [(c, n) for c in args.configs if c != "single" for n in args.num_envs]
    results: dict[str, list] = {f"{c} N={n}": [] for c, n in runs}
    ratios: dict[str, list] = {key: [] for key in results}
    for round_index in range(args.rounds):
        shift = round_index % len(runs)
        this_round = {}
        for config, n in runs[shift:] + runs[:shift]:
            key = f"{config} N={n}"
            result = harness.run_driver(sys.executable, script, "ours",
                                        {"config": config, "env_id": args.env_id, "num_envs": n, "steps": args.steps,
                                         "warmup": args.warmup, "seed": args.seed})
            results[key].append(result)
            this_round[key] = result["env_steps_per_wall_second"]
            print(f"round {round_index + 1} {key:<24}{result['env_steps_per_wall_second']:8.0f} env steps/s "
                  f"(build + reset {result['build_and_reset_seconds']:.2f} s)", flush=True)
        for key, value in this_round.items():
            ratios[key].append(value / this_round["single N=1"])
    record["runs"] = results
    record["summary"] = {key: {"env_steps_per_wall_second": statistics.median(r["env_steps_per_wall_second"]
                                                                               for r in results[key]),
                               "ratio_to_single_same_round_median": statistics.median(ratios[key]),
                               "ratios_per_round": ratios[key]}
                         for key in results}
    print("\nmedians over rounds; ratio = env steps/s over one plain env's, in the same round")
    for key, s in record["summary"].items():
        print(f"{key:<24}{s['env_steps_per_wall_second']:8.0f} env steps/s  "
              f"ratio {s['ratio_to_single_same_round_median']:.2f}x")
    print(f"raw output: {harness.finish_record(record, args.json)}")


if __name__ == "__main__":
    if not harness.driver_main({"ours": lambda **kw: drive(**kw)}):
        main()

"""SAC training speed against torch's intra-op threads: why ``causalworld train`` defaults to one thread.

SAC with the paper's network and hyperparameters (``causalworld/baselines/hyperparams/sac.yml``,
pushing, skip frame 3) trains for ``--steps`` env steps after ``learning_starts`` (so every measured
step includes a gradient update), once per thread count, each in a fresh process, the thread counts
alternating. Reports env steps per wall-clock second and per CPU second (CPU time of the process:
with several threads it counts every thread's time).

Usage: python benchmarks/torch_threads.py [--steps 300] [--threads 1 2] [--json out.json]
The raw output goes to benchmarks/results/torch_threads.json unless --json says otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import harness

LEARNING_STARTS = 100


def drive_ours(threads: int, steps: int) -> dict:
    import torch
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv

    from causalworld.baselines.config import load_config
    from causalworld.baselines.training import build_model, make_env_factory, with_overrides

    torch.set_num_threads(threads)
    config = with_overrides(load_config("sac", "pushing"), n_envs=1,
                            hyperparams={"learning_starts": LEARNING_STARTS, "buffer_size": 10_000})
    vec_env = DummyVecEnv([make_env_factory(config, "none", 0)])
    model = build_model(config, vec_env, 0)
    marks: dict[str, float] = {}

    class Clock(BaseCallback):
        def _on_step(self) -> bool:
            if self.num_timesteps == LEARNING_STARTS:
                marks["wall"], marks["cpu"] = time.perf_counter(), time.process_time()
            return True

    model.learn(total_timesteps=LEARNING_STARTS + steps, callback=Clock())
    wall, cpu = time.perf_counter() - marks["wall"], time.process_time() - marks["cpu"]
    vec_env.close()
    return {"threads": threads, "torch_threads_in_use": torch.get_num_threads(), "steps": steps,
            "steps_per_wall_second": steps / wall, "steps_per_cpu_second": steps / cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="measured env steps (each with a gradient update)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--note", default=None, help="a sentence stored with the results (e.g. what else ran)")
    parser.add_argument("--json", default=None, help="raw output (default benchmarks/results/torch_threads.json)")
    args = parser.parse_args()
    record = harness.start_record("torch_threads", {"task": "pushing", "algorithm": "sac (sac.yml)",
                                                    "steps": args.steps, "learning_starts": LEARNING_STARTS},
                                  None, args.note)
    record["rows"] = []
    for threads in args.threads:
        row = harness.run_driver(sys.executable, str(Path(__file__).resolve()), "ours",
                                 {"threads": threads, "steps": args.steps})
        record["rows"].append(row)
        print(f"torch threads {threads}: {row['steps_per_wall_second']:.1f} env steps per wall-clock s, "
              f"{row['steps_per_cpu_second']:.1f} per CPU s", flush=True)
    print(f"raw output: {harness.finish_record(record, args.json)}")


if __name__ == "__main__":
    if not harness.driver_main({"ours": drive_ours}):
        main()

"""Evaluation throughput: episodes per second with 1 and 2 workers, local and Ray.

Pushing at its full episode length (250 env steps at skip 10), the random agent, protocols P0, P4
and P10, a few episodes each. Ray is started by this script (``num_cpus`` = workers) and its start-up
time is reported separately from the evaluation time; the local multi-process run includes its
process start-up. Scores of every configuration are checked to be identical.

Usage: python benchmarks/evaluation.py [--episodes 4] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time

from causalworld.evaluation import evaluate

PROTOCOLS = ["P0", "P4", "P10"]


def measure(backend: str, workers: int, episodes: int) -> tuple[dict, dict]:
    ray_start = None
    if backend == "ray":
        import ray

        start = time.perf_counter()
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        ray_start = time.perf_counter() - start
    try:
        start = time.perf_counter()
        result = evaluate("random", "pushing", PROTOCOLS, episodes=episodes, backend=backend, workers=workers)
        seconds = time.perf_counter() - start
    finally:
        if backend == "ray":
            import ray

            ray.shutdown()
    count = len(PROTOCOLS) * episodes
    row = {"backend": backend, "workers": workers, "episodes": count, "seconds": round(seconds, 2),
           "episodes_per_second": round(count / seconds, 2),
           "ray_start_seconds": None if ray_start is None else round(ray_start, 2)}
    return row, result.scores()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=4, help="episodes per protocol (3 protocols)")
    parser.add_argument("--json", default=None, help="also write the rows to this JSON file")
    args = parser.parse_args()
    rows, reference = [], None
    for backend in ("local", "ray"):
        for workers in (1, 2):
            row, scores = measure(backend, workers, args.episodes)
            reference = reference or scores
            row["identical_scores"] = scores == reference
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| backend | workers | episodes | seconds | episodes/s | Ray start (s) | identical scores |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['workers']} | {r['episodes']} | {r['seconds']} | {r['episodes_per_second']} "
              f"| {r['ray_start_seconds'] if r['ray_start_seconds'] is not None else '-'} | {r['identical_scores']} |")
    if args.json:
        from causalworld.io_utils import write_text_atomically

        write_text_atomically(args.json, json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()

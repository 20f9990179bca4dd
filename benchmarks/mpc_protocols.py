"""The MPC agent (CEM over the simulator, ``causalworld.planning``) on pushing's protocols P0-P11.

Runs ``evaluate(agent="mpc", task="pushing")`` with the agent's default settings
(``causalworld.planning.MPC_DEFAULTS``) at the env's defaults (skip_frame 10, 250-step episodes),
a few episodes per protocol, and writes the full evaluation result (every episode, the scores,
the intervention counts and the run's timing) as JSON, then prints a markdown table.

Usage: python benchmarks/mpc_protocols.py [--episodes 3] [--workers 1] [--agent mpc]
       [--json benchmarks/results/mpc_pushing_protocols.json]
"""

from __future__ import annotations

import argparse
import datetime
import os
import time
from pathlib import Path

from harness import machine_facts

from causalworld.evaluation import evaluate
from causalworld.evaluation.results import EvaluationResult


def git_commit() -> str | None:
    """The commit of the code measured (None outside a git checkout)."""
    import subprocess

    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def table(result: EvaluationResult) -> str:
    """A markdown table of the scores per protocol."""
    lines = ["| protocol | changes | space | last fractional success | success rate | full integrated FS | "
             "drawn / refused |", "|---|---|---|---|---|---|---|"]
    scores = result.scores()
    for protocol in result.protocols:
        s = scores[protocol.name]
        lines.append(
            f"| {protocol.name} | {protocol.protocol.get('label', '')} | {protocol.protocol.get('space', '')} | "
            f"{s['mean_last_fractional_success']:.2f} ± {s['std_last_fractional_success']:.2f} | "
            f"{s['mean_success']:.2f} | {s['mean_full_integrated_fractional_success']:.2f} | "
            f"{s['interventions_drawn']} / {s['interventions_refused']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--agent", default="mpc")
    parser.add_argument("--protocols", nargs="*", default=None)
    parser.add_argument("--json", default="benchmarks/results/mpc_pushing_protocols.json")
    args = parser.parse_args()
    start = time.perf_counter()
    result = evaluate(args.agent, "pushing", args.protocols, episodes=args.episodes, workers=args.workers,
                      progress=lambda e: print(f"{e.protocol} #{e.index}: last FS "
                                               f"{e.metrics['last_fractional_success']:.3f}", flush=True))
    seconds = time.perf_counter() - start
    steps = sum(e.steps for p in result.protocols for e in p.episodes)
    run = {**result.run, "command": f"python benchmarks/mpc_protocols.py --episodes {args.episodes} "
                                    f"--workers {args.workers} --agent {args.agent}",
           "env_steps": steps, "seconds_per_env_step": seconds / steps, "load_average_at_end": os.getloadavg(),
           "machine": machine_facts(), "commit": git_commit(),
           "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
           "note": "measured on a 2-core machine shared with other jobs; timings are indicative only"}
    result = EvaluationResult(result.task, result.agent, result.seed, result.episodes, result.env_kwargs,
                              result.protocols, run)
    if args.json:
        result.save(args.json)
    print(table(result))
    print(f"{steps} env steps in {seconds:.0f} s ({seconds / steps:.3f} s per env step, {args.workers} worker(s))")


if __name__ == "__main__":
    main()

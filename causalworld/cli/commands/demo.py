"""``causalworld demo``: short episodes of reaching and pushing with reference agents.

Writes what happened to ``demo.json`` and a Markdown ``report.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from causalworld import __version__
from causalworld.baselines.reference_agents import RandomAgent, ReachingSolver
from causalworld.env import CausalWorldEnv
from causalworld.files.atomic import write_text_atomically


def run_episode(env: CausalWorldEnv, agent, seed: int) -> dict[str, Any]:
    """Run one full episode; returns its return, fractional success, success and speed."""
    agent.reset()
    obs, info = env.reset(seed=seed)
    total, fractions, start = 0.0, [], time.perf_counter()
    truncated = False
    while not truncated:
        obs, reward, _, truncated, info = env.step(agent(obs))
        total += reward
        fractions.append(info["fractional_success"])
    elapsed = time.perf_counter() - start
    return {
        "seed": seed,
        "steps": len(fractions),
        "return": total,
        "mean_fractional_success": float(np.mean(fractions)),
        "last_fractional_success": fractions[-1],
        "success": bool(info["success"]),
        "steps_per_second": len(fractions) / elapsed,
    }


DEMO_RUNS = (
    ("reaching", "ik_solver", {"action_mode": "end_effector_positions"}),
    ("reaching", "random", {}),
    ("pushing", "random", {}),
)
"""(task, agent, env kwargs) of the demo runs."""


def demo(out_dir: Path, episodes: int, seed: int) -> dict[str, Any]:
    """Run the demo and write ``demo.json`` and ``report.md`` into ``out_dir``."""
    runs = []
    for task, agent_name, kwargs in DEMO_RUNS:
        env = CausalWorldEnv(task, **kwargs)
        try:
            agent = ReachingSolver(env) if agent_name == "ik_solver" else RandomAgent(env, seed)
            results = [run_episode(env, agent, seed + k) for k in range(episodes)]
        finally:
            env.close()
        runs.append({"task": task, "agent": agent_name, "env_kwargs": kwargs, "episodes": results})
        summary = _summary(results)
        print(
            f"{task:<9} {agent_name:<10} episodes={episodes} success_rate={summary['success_rate']:.2f} "
            f"last_fractional_success={summary['last_fractional_success']:.3f} "
            f"return={summary['return']:.2f} steps/s={summary['steps_per_second']:.0f}"
        )
    report = {
        "causalworld_version": __version__,
        "python": platform.python_version(),
        "seed": seed,
        "runs": runs,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomically(out_dir / "demo.json", json.dumps(report, indent=2))
    write_text_atomically(out_dir / "report.md", _markdown(report))
    return report


def _summary(results: Sequence[dict[str, Any]]) -> dict[str, float]:
    keys = ("return", "mean_fractional_success", "last_fractional_success", "steps_per_second")
    summary = {key: float(np.mean([r[key] for r in results])) for key in keys}
    summary["success_rate"] = float(np.mean([r["success"] for r in results]))
    return summary


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "# causalworld demo",
        "",
        f"causalworld {report['causalworld_version']}, Python {report['python']}, seed {report['seed']}.",
        "",
        "| task | agent | episodes | success rate | mean fractional success | last fractional success "
        "| return | env steps/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in report["runs"]:
        s = _summary(run["episodes"])
        lines.append(
            f"| {run['task']} | {run['agent']} | {len(run['episodes'])} | {s['success_rate']:.2f} "
            f"| {s['mean_fractional_success']:.3f} | {s['last_fractional_success']:.3f} | {s['return']:.2f} "
            f"| {s['steps_per_second']:.0f} |"
        )
    lines += [
        "",
        "Fractional success is the overlap of block and goal (pushing) or 1 at a mean fingertip error",
        "of 1 cm falling to 0 at 3 cm (reaching); success is above 0.9 overlap or under 1 cm error.",
        "",
    ]
    return "\n".join(lines)


NAME = "demo"
HELP = "run short reaching and pushing episodes and write a report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``causalworld demo``."""
    parser.add_argument("--out", type=Path, default=Path("demo_report"), help="output folder")
    parser.add_argument("--episodes", type=int, default=2, help="episodes per run (default 2)")
    parser.add_argument("--seed", type=int, default=0)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``causalworld demo``; returns the exit status."""
    if args.episodes < 1:
        parser.error("--episodes must be at least 1")
    demo(args.out, args.episodes, args.seed)
    print(f"wrote {args.out / 'demo.json'} and {args.out / 'report.md'}")
    return 0

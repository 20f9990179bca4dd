"""Measure the scripted policies of ``causalworld.baselines`` and print a Markdown table of their success.

Settings, per task family (every episode runs to its full default length):

* ``P0``: the default task. Its start is fixed and the policies are deterministic, so every
  episode is the same; it is run ``--p0-episodes`` times only to show that.
* ``goal A``: a new goal from the task's goal sampler in space A (``env.sample_new_goal()``),
  applied with ``set_starting_state``; episode ``i`` uses seed ``i``.
* ``goal B``: the same in space B.
* ``goal+mass B``: a space-B goal and space-B masses for every movable block.

With ``--protocols P2 P6 ...`` it also runs those evaluation protocols of each family (the ones it
has) through ``causalworld.evaluation.evaluate`` with the default env settings, ``--protocol-episodes``
episodes each.

Run: ``python benchmarks/scripted_policies.py [--episodes 10] [--action-mode joint_positions]``.
The tables in ``docs/baselines.md`` are rendered (``benchmarks/table.py``) from the output of
``python benchmarks/scripted_policies.py --episodes 10 --protocols P2 P4 P5 P6 P11 P12 --protocol-episodes 4
--json benchmarks/results/scripted_policies.json``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import harness
import numpy as np

from causalworld import CausalWorldEnv
from causalworld.baselines import SCRIPTED_TASKS, scripted_policy

SETTINGS = ("P0", "goal A", "goal B", "goal+mass B")


def _intervention(env: CausalWorldEnv, setting: str, rng: np.random.Generator) -> dict[str, Any]:
    """The starting-state intervention of one episode of ``setting`` (the env's space is already set)."""
    if setting == "P0":
        return {}
    intervention = {name: dict(values) for name, values in env.sample_new_goal().items()}
    if setting == "goal+mass B":
        for name, variable in env.variables.items():
            if name.startswith("tool_block") and name.endswith(".mass"):
                block = name.rsplit(".", 1)[0]
                intervention.setdefault(block, {})["mass"] = float(variable.sample(rng, "space_b"))
    return intervention


def run_setting(task: str, setting: str, episodes: int, env_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Run ``episodes`` episodes of one setting; returns success rate and fractional-success means."""
    env = CausalWorldEnv(task, **env_kwargs)
    agent = scripted_policy(task, env)
    final, success, mean_fraction = [], [], []
    start = time.perf_counter()
    try:
        env.set_intervention_space("space_b" if setting.endswith("B") else "space_a")
        for episode in range(episodes):
            env.reset(seed=episode)
            rng = np.random.default_rng(episode)
            for _ in range(20):  # a sample the task finds infeasible is refused; draw again
                result = env.set_starting_state(_intervention(env, setting, rng))
                if result.success:
                    break
            else:
                raise RuntimeError(f"{task} {setting} episode {episode}: 20 interventions refused: {result.reasons}")
            observation, _ = env.reset(seed=episode)
            agent.reset()
            fractions = []
            info: dict[str, Any] = {}
            for _ in range(env.max_episode_length):
                observation, _, _, _, info = env.step(agent(observation))
                fractions.append(float(info["fractional_success"]))
            final.append(fractions[-1])
            success.append(bool(info["success"]))
            mean_fraction.append(float(np.mean(fractions)))
    finally:
        env.close()
    return {
        "task": task, "setting": setting, "episodes": episodes,
        "success_rate": float(np.mean(success)), "final_fractional_success": float(np.mean(final)),
        "mean_fractional_success": float(np.mean(mean_fraction)), "seconds": time.perf_counter() - start,
    }


def run_protocols(task: str, names: list[str], episodes: int) -> list[dict[str, Any]]:
    """Evaluate the scripted policy of ``task`` under the named protocols it has (default env settings)."""
    from causalworld.benchmark.protocols import get_protocols
    from causalworld.evaluation import evaluate

    available = [p.name for p in get_protocols(task) if p.name in names]
    if not available:
        return []
    result = evaluate(scripted_policy(task), task, protocols=available, episodes=episodes, seed=0)
    rows = []
    for protocol in result.protocols:
        metrics = [episode.metrics for episode in protocol.episodes]
        rows.append({
            "task": task, "protocol": protocol.protocol["name"], "label": protocol.protocol["label"],
            "space": protocol.protocol["space"], "episodes": len(metrics),
            "success_rate": float(np.mean([m["success"] for m in metrics])),
            "final_fractional_success": float(np.mean([m["last_fractional_success"] for m in metrics])),
            "mean_fractional_success": float(np.mean([m["full_integrated_fractional_success"] for m in metrics])),
        })
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10, help="episodes per setting (not P0)")
    parser.add_argument("--p0-episodes", type=int, default=2, help="episodes of the default task")
    parser.add_argument("--tasks", nargs="*", default=list(SCRIPTED_TASKS), choices=SCRIPTED_TASKS)
    parser.add_argument("--settings", nargs="*", default=list(SETTINGS), choices=SETTINGS)
    parser.add_argument("--action-mode", default="joint_positions",
                        choices=("joint_positions", "end_effector_positions"))
    parser.add_argument("--raw", action="store_true", help="raw instead of normalized observations and actions")
    parser.add_argument("--protocols", nargs="*", default=[], help="evaluation protocols to run as well")
    parser.add_argument("--protocol-episodes", type=int, default=5)
    parser.add_argument("--json", help="also write the rows to this JSON file (docs: benchmarks/results/...)")
    parser.add_argument("--note", default=None, help="a sentence stored with the results")
    args = parser.parse_args(argv)
    record = harness.start_record("scripted_policies", {k: v for k, v in vars(args).items() if k != "json"}, None,
                                  args.note)
    env_kwargs = {"action_mode": args.action_mode, "normalize_actions": not args.raw,
                  "normalize_observations": not args.raw}
    rows: list[dict[str, Any]] = []
    protocol_rows: list[dict[str, Any]] = []
    if args.protocols:
        print("| task | protocol | changes (space) | episodes | success rate | final fractional success |")
        print("|---|---|---|---|---|---|")
        for task in args.tasks:
            for row in run_protocols(task, args.protocols, args.protocol_episodes):
                protocol_rows.append(row)
                print(f"| {task} | {row['protocol']} | {row['label']} ({row['space']}) | {row['episodes']} | "
                      f"{row['success_rate']:.2f} | {row['final_fractional_success']:.3f} |", flush=True)
        if not args.settings:
            args.tasks = []
    print(f"env settings: {env_kwargs}")
    print("| task | setting | episodes | success rate | final fractional success | mean fractional success |")
    print("|---|---|---|---|---|---|")
    for task in args.tasks:
        for setting in args.settings:
            episodes = args.p0_episodes if setting == "P0" else args.episodes
            row = run_setting(task, setting, episodes, env_kwargs)
            rows.append(row)
            print(f"| {task} | {setting} | {episodes} | {row['success_rate']:.2f} | "
                  f"{row['final_fractional_success']:.3f} | {row['mean_fractional_success']:.3f} |", flush=True)
    if args.json:
        record["env_kwargs"], record["rows"], record["protocols"] = env_kwargs, rows, protocol_rows
        print(f"raw output: {harness.finish_record(record, args.json)}")


if __name__ == "__main__":
    main()

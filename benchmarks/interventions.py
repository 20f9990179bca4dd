"""Median latency of interventions per task, for causalworld and (given its interpreter) the original side by side.

On the unwrapped env with default settings, in a fresh process per package and task, the two
packages alternating which runs first, each operation ``--repeats`` times (wall-clock medians, in
ms): a goal intervention (``sample_new_goal`` then ``do_intervention``), a mass change and a colour
change of the first movable block (two alternating values), a size change of it (``check_bounds``
off), and ``set_starting_state`` of a mass (which resets, in both packages). Both packages get the
same values. Without ``--original-python`` only ours is measured and no ratio is printed.

Usage: python benchmarks/interventions.py [--repeats 100] [--original-python PATH] [--json out.json]
The raw output goes to benchmarks/results/interventions.json unless --json says otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import harness

TASKS = ("reaching", "pushing", "picking", "pick_and_place", "stacking2", "towers", "general",
         "stacked_blocks", "creative_stacked_blocks")
"""Task families both packages have (ours also has no_reward, measured without a counterpart)."""
OPERATIONS = ("goal", "mass", "color", "size", "set_starting_state+reset")
MASSES = (0.03, 0.04)
COLORS = ((0.6, 0.6, 0.6), (0.8, 0.8, 0.8))
SIZES = ((0.06, 0.06, 0.06), (0.07, 0.07, 0.07))


def _median_ms(operation, repeats: int) -> float:
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        operation(k)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _arrays(intervention: dict) -> dict:
    """Lists as NumPy arrays (the original needs arrays for some variables; ours takes either)."""
    import numpy as np

    return {k: _arrays(v) if isinstance(v, dict) else np.asarray(v) if isinstance(v, (list, tuple))
            else v for k, v in intervention.items()}


def _measure(build, find_block, repeats: int) -> dict:
    """Each operation on a freshly built env (one operation's changes never affect the next one's timing).

    ``build()`` returns ``(env, do, set_start, close)``. An operation that raises is reported with its
    error instead of a time (the original's towers raises on some goal sequences).
    """
    env, do, set_start, close = build()
    block = find_block(env)
    close()
    operations = {"goal": (lambda env, do, set_start, k: do(_arrays(env.sample_new_goal()), True), repeats)}
    if block is not None:
        operations.update({
            "mass": (lambda env, do, set_start, k: do({block: {"mass": MASSES[k % 2]}}, True), repeats),
            "color": (lambda env, do, set_start, k: do(_arrays({block: {"color": COLORS[k % 2]}}), True), repeats),
            "size": (lambda env, do, set_start, k: do(_arrays({block: {"size": SIZES[k % 2]}}), False), repeats),
            "set_starting_state+reset": (lambda env, do, set_start, k: set_start({block: {"mass": MASSES[k % 2]}}),
                                         max(repeats // 4, 1)),
        })
    results, errors = {}, {}
    for name, (operation, count) in operations.items():
        env, do, set_start, close = build()
        try:
            results[name] = _median_ms(lambda k, op=operation, e=env, d=do, s=set_start: op(e, d, s, k), count)
        except Exception as error:  # noqa: BLE001 - reported, not hidden
            errors[name] = f"{type(error).__name__}: {error}"[:300]
        finally:
            close()
    return {"block": block, "median_ms": results, "errors": errors}


def drive_ours(task: str, repeats: int) -> dict:
    import causalworld

    def build():
        env = causalworld.CausalWorldEnv(task)
        env.reset(seed=0)
        return env, lambda i, check: env.do_intervention(i, check_bounds=check), env.set_starting_state, env.close

    def find_block(env):
        blocks = [n.split(".")[0] for n in env.variables if n.endswith(".mass") and not n.startswith("robot")]
        return blocks[0] if blocks else None

    return _measure(build, find_block, repeats)


def drive_original(task: str, repeats: int) -> dict:
    from causal_world.envs import CausalWorld
    from causal_world.task_generators import generate_task

    def build():
        env = CausalWorld(task=generate_task(task), seed=0)
        env.reset()
        return env, lambda i, check: env.do_intervention(i, check_bounds=check), env.set_starting_state, env.close

    def find_block(env):
        state = env.get_current_state_variables()
        blocks = [name for name, value in state.items() if isinstance(value, dict) and "mass" in value
                  and not name.startswith(("robot", "stage", "floor"))]
        return blocks[0] if blocks else None

    return _measure(build, find_block, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--tasks", nargs="+", default=[*TASKS, "no_reward"])
    parser.add_argument("--original-python", default=None, help="the original CausalWorld's interpreter")
    parser.add_argument("--note", default=None, help="a sentence stored with the results (e.g. what else ran)")
    parser.add_argument("--json", default=None, help="raw output (default benchmarks/results/interventions.json)")
    args = parser.parse_args()
    record = harness.start_record("interventions", {"repeats": args.repeats, "operations": list(OPERATIONS),
                                                    "clock": "wall-clock medians, ms"}, args.original_python, args.note)
    pythons = {"ours": sys.executable, "original": args.original_python}
    script = str(Path(__file__).resolve())
    record["tasks"] = {}
    print(f"{'task':<26}{'package':<10}" + "".join(f"{op:>26}" for op in OPERATIONS) + "   (median ms, wall-clock)")
    for index, task in enumerate(args.tasks):
        entry: dict = {}
        for package in harness.order(index, bool(args.original_python) and task in TASKS):
            entry[package] = harness.run_driver(pythons[package], script, package,
                                                {"task": task, "repeats": args.repeats})
            r, failed = entry[package]["median_ms"], entry[package]["errors"]
            print(f"{task:<26}{package:<10}" + "".join(f"{r[op]:>26.3f}" if op in r else
                                                       f"{'raised' if op in failed else '-':>26}"
                                                       for op in OPERATIONS), flush=True)
            for op, error in failed.items():
                print(f"    {package} {op} raised {error}")
        if "original" in entry:
            ours, original = entry["ours"]["median_ms"], entry["original"]["median_ms"]
            entry["ratio_original_over_ours"] = {op: original[op] / ours[op] for op in ours if op in original}
        record["tasks"][task] = entry
    path = harness.finish_record(record, args.json)
    if args.original_python:
        print("\nratio = original latency / ours (above 1: ours is faster)")
        for task, entry in record["tasks"].items():
            if "ratio_original_over_ours" in entry:
                print(f"{task:<26}" + "".join(f"{op}={value:.1f}x  " for op, value in
                                              entry["ratio_original_over_ours"].items()))
    print(f"raw output: {path}")


if __name__ == "__main__":
    if not harness.driver_main({"ours": drive_ours, "original": drive_original}):
        main()

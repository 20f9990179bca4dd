"""Median latency of interventions, per task, side by side.

Measures on the unwrapped env (default settings): a goal intervention (``sample_new_goal`` then
``do_intervention``), a mass change, a colour change, a size change of the first movable block,
and ``set_starting_state`` followed by ``reset``. Targets for pushing: mass or colour under 1 ms,
size under 5 ms. The original takes about 8 ms for each (reference, not re-run here).

Usage: python benchmarks/interventions.py [--repeats 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

import causalworld


def _median_ms(action, repeats: int) -> float:
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        action(k)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def measure(task: str, repeats: int) -> dict[str, float]:
    env = causalworld.CausalWorldEnv(task)
    env.reset(seed=0)
    block = next((n.split(".")[0] for n in env.variables if n.endswith(".mass") and not n.startswith("robot")), None)
    results = {"goal": _median_ms(lambda k: env.do_intervention(env.sample_new_goal()), repeats)}
    env.reset(seed=0)
    if block is not None:
        masses = (0.03, 0.04)
        colors = ((0.6, 0.6, 0.6), (0.8, 0.8, 0.8))
        results["mass"] = _median_ms(lambda k: env.do_intervention({block: {"mass": masses[k % 2]}}), repeats)
        results["color"] = _median_ms(lambda k: env.do_intervention({block: {"color": colors[k % 2]}}), repeats)
        if f"{block}.size" in env.variables:
            sizes = ((0.06,) * 3, (0.07,) * 3)
            results["size"] = _median_ms(
                lambda k: env.do_intervention({block: {"size": sizes[k % 2]}}, check_bounds=False), repeats
            )
        results["set_starting_state+reset"] = _median_ms(
            lambda k: env.set_starting_state({block: {"mass": masses[k % 2]}}), repeats // 4 or 1
        )
    env.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    columns = ("goal", "mass", "color", "size", "set_starting_state+reset")
    print(f"{'task':<26}" + "".join(f"{c:>26}" for c in columns) + "   (median ms)")
    for task in sorted(causalworld.TASKS):
        r = measure(task, args.repeats)
        print(f"{task:<26}" + "".join(f"{r[c]:>26.3f}" if c in r else f"{'-':>26}" for c in columns))
    print("Original CausalWorld: about 8 ms for each of these (reference figure, not re-run here).")


if __name__ == "__main__":
    main()

"""Soak test: long runs must not leak or drift, and bad input must be refused cleanly.

Four parts, all in one process, each reported as it runs and summed up at the end:

1. ``soak``: ``--steps`` env steps (default one million) round-robin over several task families,
   uniform random actions, a random intervention (a random settable variable drawn from the active
   space) every 50 steps, a reset at every truncation. Resident memory (RSS) and the number of open
   PyBullet clients are sampled over time; every exception is counted (there should be none).
2. ``cycles``: ``--cycles`` create / reset / step / close cycles (default 1000): leaked PyBullet
   clients, file descriptors and memory.
3. ``physics``: ``--physics-steps`` steps (default 100,000) of maximum torques (bang-bang) and random
   actions; no block may go through the floor or the wall, and nothing may blow up
   (:mod:`causalworld.sim.health`).
4. ``fuzz``: ``--fuzz`` malformed inputs per category (actions, interventions, world files); each
   must raise its specific exception and leave the environment unchanged.

Usage: python benchmarks/soak.py [--steps 1000000] [--cycles 1000] [--physics-steps 100000]
       [--fuzz 2000] [--sample-every 20000] [--json soak.json]
Pass 0 to skip a part. The summary (with the command, date and machine) goes to --json (written
atomically) if given; docs/reliability.md cites benchmarks/results/soak.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pybullet

import causalworld
from causalworld.env.control import ActionError
from causalworld.env.health import WARNING_KEY
from causalworld.files.atomic import write_text_atomically
from causalworld.sim.health import physics_problems
from causalworld.variables import InterventionError

SOAK_TASKS: list[tuple[str, dict[str, Any]]] = [
    ("reaching", {"max_obstacles": 3}),
    ("pushing", {}),
    ("picking", {}),
    ("pick_and_place", {}),
    ("stacking2", {}),
    ("towers", {}),
    ("general", {}),
]
"""Task families and kwargs the soak cycles through (the stacked families are slow; see --tasks)."""
INTERVENE_EVERY = 50
SWITCH_EVERY = 2000
"""Env steps on one task before moving to the next."""


def rss_mb() -> float:
    """Resident memory of this process (MB)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def open_fds() -> int:
    """Open file descriptors of this process."""
    return len(os.listdir("/proc/self/fd"))


def open_clients(upper: int) -> int:
    """PyBullet clients with ids below ``upper`` that are still connected."""
    return sum(pybullet.isConnected(physicsClientId=i) for i in range(upper))


def random_intervention(env, rng: np.random.Generator) -> dict[str, Any]:
    """One random settable variable, drawn uniformly from the active space."""
    variables = [v for v in env.variables.settable() if v.canonical]
    variable = variables[rng.integers(len(variables))]
    value = variable.sample(rng, env.task.variables_space)
    if variable.name.endswith("orientation"):
        value = rng.normal(size=4)
        value = value / np.linalg.norm(value)
    return {variable.name: value}


def soak(steps: int, sample_every: int, tasks: list[tuple[str, dict[str, Any]]], seed: int) -> dict[str, Any]:
    """Part 1: many steps with interventions across several tasks."""
    rng = np.random.default_rng(seed)
    envs = [causalworld.CausalWorldEnv(task, **kwargs) for task, kwargs in tasks]
    for index, env in enumerate(envs):
        env.reset(seed=seed + index)
        env.action_space.seed(seed + index)
    upper = max(env.world.client for env in envs) + 1
    counts: Counter[str] = Counter()
    errors: list[str] = []
    samples = [(0, round(rss_mb(), 1), open_clients(upper))]
    start = time.perf_counter()
    env_index, done = 0, 0
    print(f"soak: {steps} steps over {[t for t, _ in tasks]}; RSS {samples[0][1]} MB", flush=True)
    while done < steps:
        env = envs[env_index]
        for _ in range(min(SWITCH_EVERY, steps - done)):
            try:
                if done % INTERVENE_EVERY == INTERVENE_EVERY - 1:
                    result = env.do_intervention(random_intervention(env, rng))
                    counts["interventions_ok" if result.success else "interventions_refused"] += 1
                _, _, _, truncated, info = env.step(env.action_space.sample())
                counts["physics_warnings"] += WARNING_KEY in info
                if truncated:
                    env.reset()
                    counts["resets"] += 1
            except InterventionError:
                counts["interventions_malformed"] += 1
            except Exception:  # noqa: BLE001 - the soak counts every exception and goes on
                counts["exceptions"] += 1
                errors.append(traceback.format_exc(limit=3))
                env.reset()
            done += 1
            if done % sample_every == 0:
                samples.append((done, round(rss_mb(), 1), open_clients(upper)))
                rate = done / (time.perf_counter() - start)
                print(f"  {done:>9} steps  RSS {samples[-1][1]:7.1f} MB  clients {samples[-1][2]}  "
                      f"{rate:6.0f} steps/s  exceptions {counts['exceptions']}", flush=True)
        env_index = (env_index + 1) % len(envs)
    elapsed = time.perf_counter() - start
    for env in envs:
        env.close()
    samples.append((done, round(rss_mb(), 1), open_clients(upper)))
    return {
        "steps": done, "seconds": round(elapsed, 1), "steps_per_second": round(done / elapsed),
        "rss_start_mb": samples[0][1], "rss_end_mb": samples[-2][1],
        "rss_growth_mb": round(samples[-2][1] - samples[1 if len(samples) > 2 else 0][1], 1),
        "clients_open_during": samples[-2][2], "clients_open_after_close": samples[-1][2],
        "counts": dict(counts), "errors": errors[:5], "samples": samples,
    }


def cycles(count: int) -> dict[str, Any]:
    """Part 2: create / reset / step / close cycles."""
    def one(task: str) -> int:
        env = causalworld.CausalWorldEnv(task)
        env.reset(seed=0)
        env.step(env.action_space.sample())
        env.close()
        return env.world.client

    tasks = [t for t, _ in SOAK_TASKS]
    for i in range(20):  # warm-up: imports, allocator pools
        one(tasks[i % len(tasks)])
    rss, fds, start = rss_mb(), open_fds(), time.perf_counter()
    clients = {one(tasks[i % len(tasks)]) for i in range(count)}
    leaked = sum(pybullet.isConnected(physicsClientId=c) for c in clients)
    result = {"cycles": count, "seconds": round(time.perf_counter() - start, 1), "leaked_clients": leaked,
              "fd_growth": open_fds() - fds, "rss_growth_mb": round(rss_mb() - rss, 1)}
    print(f"cycles: {result}", flush=True)
    return result


def physics(steps: int, seed: int) -> dict[str, Any]:
    """Part 3: maximum torques and random actions; nothing may leave the arena or blow up."""
    rng = np.random.default_rng(seed)
    problems: Counter[str] = Counter()
    examples: list[str] = []
    per_task = max(1, steps // 4)
    done = 0
    for task in ("pushing", "picking", "towers", "general"):
        env = causalworld.CausalWorldEnv(task, action_mode="joint_torques")
        env.reset(seed=seed)
        for i in range(min(per_task, steps - done)):
            phase = (i // 100) % 3  # 100 steps each: bang-bang extremes, held extremes, uniform
            if phase == 0:
                action = rng.choice([-1.0, 1.0], size=9)
            elif phase == 1:
                action = np.where((np.arange(9) + i // 100) % 2 == 0, 1.0, -1.0)
            else:
                action = rng.uniform(-1.0, 1.0, size=9)
            _, _, _, truncated, _ = env.step(action)
            found = physics_problems(env._read_state())
            for problem in found:
                problems[problem.split(" (")[0]] += 1
                if len(examples) < 5:
                    examples.append(f"{task} step {i}: {problem}")
            if truncated:
                env.reset()
            done += 1
        env.close()
    result = {"steps": done, "problem_steps": sum(problems.values()), "problems": dict(problems),
              "examples": examples}
    print(f"physics: {result}", flush=True)
    return result


def fuzz(count: int, seed: int) -> dict[str, Any]:
    """Part 4: malformed actions, interventions and world files get their specific exception."""
    rng = np.random.default_rng(seed)
    env = causalworld.CausalWorldEnv("pushing")
    env.reset(seed=0)
    def snapshot() -> dict[str, np.ndarray]:
        return {name: variable.read() for name, variable in env.variables.items()}

    state = snapshot()
    junk = [None, "x", b"1", {}, [], [[1.0]], {"a": 1}, True, object(), float("nan"), float("inf"), ["1"] * 3]
    json_junk = [None, "x", {}, [], [[1.0]], {"a": 1}, True, "__import__('os')", ["1.0"], [None], 1e400]
    tally: Counter[str] = Counter()
    wrong: list[str] = []

    def expect(category: str, call, exception) -> None:
        tally[category] += 1
        try:
            call()
        except exception:
            return
        except Exception as error:  # noqa: BLE001 - any other exception is a finding
            wrong.append(f"{category}: {type(error).__name__}: {error}"[:300])
            return
        wrong.append(f"{category}: accepted")

    for _ in range(count):
        shape = tuple(int(n) for n in rng.integers(0, 11, size=rng.integers(0, 3)))
        bad_action = rng.normal(size=shape) if shape != (9,) else np.full(9, rng.choice([np.nan, np.inf, -np.inf]))
        choice = junk[rng.integers(len(junk))]
        expect("actions", lambda a=bad_action: env.step(a), ActionError)
        expect("actions", lambda c=choice: env.step(c), ActionError)
        expect("actions", lambda: env.step(np.full(9, 0.5, dtype=np.complex128)), ActionError)
        name = list(env.variables)[rng.integers(len(env.variables))]
        variable = env.variables[name]
        bad_value = choice if rng.random() < 0.5 else rng.normal(size=tuple(s + 1 for s in variable.shape) or (2,))
        expect("interventions", lambda n=name, v=bad_value: env.do_intervention({n: v}), InterventionError)
        if choice != {}:  # the empty intervention is valid (it changes nothing)
            expect("interventions", lambda c=choice: env.do_intervention(c), InterventionError)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "world.json"
        env.save_world(path)
        good = path.read_bytes()
        for i in range(count):
            cut = good[: rng.integers(0, len(good))] if i % 3 == 0 else good
            if i % 3 == 1:
                document = json.loads(good)
                value = json_junk[rng.integers(len(json_junk))]
                part = rng.integers(3)
                if part == 0:
                    document[["format", "version", "task"][rng.integers(3)]] = value
                elif part == 1:
                    document["env_kwargs"][f"no_such_argument_{i}"] = value
                else:
                    names = list(document["starting_state"])
                    document["starting_state"][names[rng.integers(len(names))]] = value
                cut = json.dumps(document).encode()
            elif i % 3 == 2:
                cut = bytes(rng.integers(0, 256, size=rng.integers(1, 200), dtype=np.uint8))
            path.write_bytes(cut)
            expect("world_files", lambda: causalworld.load_world(path).close(), causalworld.WorldFileError)
    unchanged = snapshot()
    same = state.keys() == unchanged.keys() and all(np.array_equal(state[k], unchanged[k]) for k in state)
    env.close()
    result = {"inputs": dict(tally), "wrong": wrong[:10], "wrong_count": len(wrong), "env_unchanged": same}
    print(f"fuzz: {result}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the parts asked for and print (and optionally save) the summary; exit 1 on a finding."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--physics-steps", type=int, default=100_000)
    parser.add_argument("--fuzz", type=int, default=2000)
    parser.add_argument("--sample-every", type=int, default=20_000)
    parser.add_argument("--tasks", default=",".join(t for t, _ in SOAK_TASKS),
                        help="comma-separated task families for the soak part")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="the summary (e.g. benchmarks/results/soak.json)")
    parser.add_argument("--note", default=None, help="a sentence stored with the results (e.g. what else ran)")
    args = parser.parse_args(argv)
    chosen = dict(SOAK_TASKS)
    tasks = [(t, chosen.get(t, {})) for t in args.tasks.split(",") if t]
    import harness  # beside this script (imported here: tests load this module's parts by path)

    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    summary: dict[str, Any] = harness.start_record("soak", settings, None, args.note)
    if args.steps > 0:
        summary["soak"] = soak(args.steps, max(1, args.sample_every), tasks, args.seed)
    if args.cycles > 0:
        summary["cycles"] = cycles(args.cycles)
    if args.physics_steps > 0:
        summary["physics"] = physics(args.physics_steps, args.seed)
    if args.fuzz > 0:
        summary["fuzz"] = fuzz(args.fuzz, args.seed)
    summary["machine"]["load_average_at_end"] = list(os.getloadavg())
    summary["raw_output"] = str(args.json) if args.json is not None else None
    text = json.dumps(summary, indent=1, default=str)
    print(text)
    if args.json is not None:
        write_text_atomically(args.json, text)
    findings = [
        summary.get("soak", {}).get("counts", {}).get("exceptions", 0),
        summary.get("soak", {}).get("clients_open_after_close", 0),
        summary.get("cycles", {}).get("leaked_clients", 0),
        summary.get("physics", {}).get("problem_steps", 0),
        summary.get("fuzz", {}).get("wrong_count", 0),
    ]
    return 1 if any(findings) else 0


if __name__ == "__main__":
    sys.exit(main())

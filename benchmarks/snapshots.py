"""Snapshots: what get_state / set_state cost, and how exact each way of restoring is, per task.

For every registered ID (default skip_frame 10) after 30 steps of contact-rich play (fingertips sent
at the blocks), measured side by side in one process:

* cost, as medians over repeats, in ms and in units of one env step and one ``reset()`` of the same
  env: ``get_state`` (capture and re-seat), ``set_state``, saving to ``.npz`` (and its size), loading
  plus ``env_from_snapshot`` in the same process, and a :class:`~causalworld.env.snapshot_methods.RewindPoint`
  (make once, rewind);
* exactness over the next 60 steps of the same play: a ``set_state`` replay against the run that
  took the snapshot (must be 0), a rewind-point replay against it, and how a run that takes a
  snapshot differs from one that takes none (the re-seat's effect; see ``causalworld.env.snapshot_methods``).
  Reported as the first step that differs (None: none) and the largest difference in normalized
  observations.

Usage: python benchmarks/snapshots.py [--repeats 10] [--json benchmarks/results/snapshots.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from harness import machine_facts

import causalworld
from causalworld.env import env_from_snapshot, load_snapshot
from causalworld.env.snapshot_methods import RewindPoint
from causalworld.sim.kinematics import inverse_kinematics

BEFORE, AFTER = 30, 60



def git_commit() -> str | None:
    """The commit of the code measured (None outside a git checkout)."""
    import subprocess

    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def play_actions(env, seed: int, count: int) -> list[np.ndarray]:
    """Fingertips sent near a random movable block every 8 steps (random joints half of the time)."""
    rng, actions, action = np.random.default_rng(seed), [], None
    for k in range(count):
        if k % 8 == 0:
            movable = [b for b in env.stage.blocks.values() if b.is_movable]
            if not movable or k % 16 == 8:
                action = rng.uniform(-1, 1, 9)
            else:
                block = movable[int(rng.integers(len(movable)))]
                targets = np.array(block.read_state().position) + rng.uniform(-0.04, 0.04, (3, 3))
                action = env.normalize_action(inverse_kinematics(targets.ravel(), env.robot.read_joints()[0],
                                                                 env.robot.base_offset_z))
        actions.append(np.clip(action, -1, 1).astype(np.float32))
    return actions


def median_ms(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def divergence(a: np.ndarray, b: np.ndarray) -> dict:
    difference = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)).max(axis=1)
    first = int(np.argmax(difference > 0)) if difference.max() > 0 else None
    return {"first_differing_step": first, "max_abs_difference": float(difference.max())}


def measure(env_id: str, repeats: int) -> dict:
    task = causalworld.ENV_IDS[env_id]["task"]
    env = causalworld.CausalWorldEnv(task)
    env.reset(seed=3)
    for action in play_actions(env, 1, BEFORE):
        env.step(action)
    later = play_actions(env, 2, AFTER)
    # exactness first (on one snapshot), then the costs
    untouched = causalworld.CausalWorldEnv(task)
    untouched.reset(seed=3)
    for action in play_actions(untouched, 1, BEFORE):
        untouched.step(action)
    without = np.array([untouched.step(a)[0] for a in later])
    untouched.close()
    snapshot = env.get_state()
    reference = np.array([env.step(a)[0] for a in later])
    env.set_state(snapshot)
    replay = np.array([env.step(a)[0] for a in later])
    env.set_state(snapshot)
    with RewindPoint(env) as point:
        np.array([env.step(a)[0] for a in later])
        point.rewind()
        rewound = np.array([env.step(a)[0] for a in later])
    env.set_state(snapshot)
    row = {
        "env_id": env_id, "physics_bytes": len(snapshot.physics),
        "set_state_replay": divergence(reference, replay),
        "rewind_point_replay": divergence(reference, rewound),
        "snapshot_vs_no_snapshot": divergence(without, reference),
    }
    step_ms = median_ms(lambda: env.step(later[0]), repeats)
    env.set_state(snapshot)
    reset_ms = median_ms(lambda: env.reset(seed=3), repeats)
    env.set_state(snapshot)
    get_ms = median_ms(env.get_state, repeats)
    set_ms = median_ms(lambda: env.set_state(snapshot), repeats)
    folder = Path(tempfile.mkdtemp())
    path = folder / "state.npz"
    save_ms = median_ms(lambda: snapshot.save(path), repeats)

    def load_and_build():
        env_from_snapshot(load_snapshot(path)).close()

    load_ms = median_ms(load_and_build, max(2, repeats // 3))
    with RewindPoint(env) as point:
        rewind_ms = median_ms(point.rewind, repeats)
    make_ms = median_ms(lambda: RewindPoint(env).close(), repeats)
    row.update({
        "step_ms": step_ms, "reset_ms": reset_ms, "get_state_ms": get_ms, "set_state_ms": set_ms,
        "save_npz_ms": save_ms, "npz_bytes": os.path.getsize(path), "load_npz_and_build_env_ms": load_ms,
        "rewind_point_make_ms": make_ms, "rewind_ms": rewind_ms,
        "get_state_in_steps": get_ms / step_ms, "set_state_in_steps": set_ms / step_ms,
        "set_state_in_resets": set_ms / reset_ms, "rewind_in_steps": rewind_ms / step_ms,
    })
    path.unlink()
    folder.rmdir()
    env.close()
    return row


def markdown(rows: list[dict]) -> str:
    """The table docs/snapshots.md shows."""
    def first(entry: dict) -> str:
        return "none" if entry["first_differing_step"] is None else f"step {entry['first_differing_step']}"

    lines = ["| env | step (ms) | `get_state` (ms; in steps) | `set_state` (ms; in resets) | rewind (ms) | .npz (kB) | "
             "`set_state` replay | rewind replay | snapshot vs none |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['env_id'].removeprefix('CausalWorld-')} | {r['step_ms']:.2f} | {r['get_state_ms']:.1f}; "
            f"{r['get_state_in_steps']:.1f} | {r['set_state_ms']:.1f}; {r['set_state_in_resets']:.2f} | "
            f"{r['rewind_ms']:.3f} | {r['npz_bytes'] / 1024:.0f} | {first(r['set_state_replay'])} | "
            f"{first(r['rewind_point_replay'])} | {first(r['snapshot_vs_no_snapshot'])} "
            f"({r['snapshot_vs_no_snapshot']['max_abs_difference']:.1g}) |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--ids", nargs="*", default=sorted(causalworld.ENV_IDS))
    parser.add_argument("--json", default="benchmarks/results/snapshots.json")
    args = parser.parse_args()
    rows = []
    for env_id in args.ids:
        row = measure(env_id, args.repeats)
        rows.append(row)
        print(f"{env_id:36s} step {row['step_ms']:6.2f} ms | get_state {row['get_state_ms']:6.2f} ms "
              f"({row['get_state_in_steps']:4.1f} steps) | set_state {row['set_state_ms']:6.2f} ms "
              f"({row['set_state_in_resets']:.2f} resets) | rewind {row['rewind_ms']:.3f} ms | npz "
              f"{row['npz_bytes'] / 1024:.0f} kB | replay {row['set_state_replay']['max_abs_difference']:.0f} | "
              f"rewind diff {row['rewind_point_replay']['max_abs_difference']:.2g} | re-seat effect "
              f"{row['snapshot_vs_no_snapshot']['max_abs_difference']:.2g} "
              f"(from step {row['snapshot_vs_no_snapshot']['first_differing_step']})", flush=True)
    document = {
        "benchmark": "snapshots", "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(), "commit": git_commit(),
        "command": f"python benchmarks/snapshots.py --repeats {args.repeats}",
        "steps_before_snapshot": BEFORE, "steps_compared": AFTER, "skip_frame": 10,
        "load_average_at_end": os.getloadavg(),
        "note": "times are medians on a 2-core machine shared with other jobs; the ratios to step and reset "
                "were measured side by side and are the figures to rely on",
        "rows": rows,
    }
    if args.json:
        Path(args.json).write_text(json.dumps(document, indent=1) + "\n")
    print(markdown(rows))


if __name__ == "__main__":
    main()

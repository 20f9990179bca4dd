"""Where a physics substep's time goes, per task, and what candidate settings would save.

For every env ID (``--tasks``), each in a fresh process, stepping ``--steps`` uniform random actions
(joint positions, skip frame 10, seed ``--seed``) from ``reset(seed=0)``:

* ``timing``: wall-clock (and CPU) µs per env step, per physics substep inside ``stepSimulation``, and
  per env step outside it (our PD loop, observation, reward, wrappers);
* ``contacts``: per substep, the contact points ``getContactPoints`` reports and the pairs they belong
  to, by kind (robot-robot, robot-block, robot-table, robot-wall, block-table, block-block,
  block-wall); and the broadphase candidates, estimated as pairs of collision objects whose
  bounding boxes (``getAABB``, Bullet's contact margin included) overlap, every 10th substep
  (static-static pairs and a body with itself left out; pairs of one finger's links, which the
  self-collision rule excludes anyway, counted apart);
* ``bullet``: Bullet's own profile of ``--profile-steps`` env steps (``STATE_LOGGING_PROFILE_TIMINGS``):
  the share of a substep in collision detection (bounding-box update, broadphase, narrowphase), in
  the constraint solver (contact setup, iterations) and in the multibody integration, each the median
  over the profiled substeps of its part of the substep (Bullet's timers are wall-clock: the median
  leaves out substeps during which the process lost the CPU). Profiling slows Bullet, so only the
  shares are meaningful.

(Bullet's sections: ``collision_detection`` holds the bounding-box update, the broadphase and the narrowphase
(which includes sorting the pairs, as ``deterministicOverlappingPairs`` asks); ``solver`` is the contact
and joint-limit constraint solver (setup and iterations); ``multibody_dynamics`` the robot's articulated-body
dynamics.) Then, on ``--toggle-tasks`` (default pushing and towers), each candidate setting alone
(``TOGGLES``), applied after the reset and kept for the ``--steps`` actions; rounds alternate the
toggles (``--rounds``, median), each round with its own random actions (seeds ``--seed``,
``--seed`` + 1, ...): a setting that changes the dynamics changes the motion, and with it how many
contacts there are, so one action sequence alone would compare two different motions. For each:
CPU µs per substep (``time.thread_time``) and whether the observations stay bit-identical to the
unmodified env in the first round (if not: from which env step, and the largest difference; random
play is chaotic, so any difference in rounding grows to the size of the motion within a few steps).

Usage: python benchmarks/physics_profile.py [--steps 150] [--rounds 3] [--tasks ...] [--toggle-tasks ...]
Raw output: benchmarks/results/physics_profile.json (``--json`` to change).
"""

from __future__ import annotations

import argparse
import bisect
import collections
import json
import re
import statistics
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import harness

TASKS = ["CausalWorld-Reaching", "CausalWorld-Pushing", "CausalWorld-Picking", "CausalWorld-PickAndPlace",
         "CausalWorld-Stacking2", "CausalWorld-Towers", "CausalWorld-General", "CausalWorld-NoReward",
         "CausalWorld-StackedBlocks", "CausalWorld-CreativeStackedBlocks"]
FINGERS = ("60", "120", "300")
PARTS = ("upper", "middle", "lower", "tip")
TOGGLES = {
    "baseline": "as shipped",
    "walls_awake": "wall boxes left active (as before this branch): Bullet refreshes their bounding boxes every step",
    "filter_upper_pairs": "no collision between the upper links of different fingers (their boxes overlap, "
                          "they never touch in these runs)",
    "filter_parent_pairs": "one finger's link pairs (already excluded by the self-collision rule) removed from "
                           "the broadphase as well",
    "no_self_collision": "no collision between links of different fingers",
    "one_wall_body": "the 36 wall boxes as one compound body",
    "no_wall": "no wall at all",
    "solver_iterations_25": "25 solver iterations instead of 50",
    "solver_iterations_10": "10 solver iterations instead of 50",
    "contact_breaking_threshold_0.005": "contact breaking threshold 5 mm (Bullet's default 20 mm)",
    "nondeterministic_pairs": "deterministicOverlappingPairs=0 (pairs not sorted each step)",
}
"""Candidate settings measured in isolation, and what each does."""


# -- drivers (run in fresh processes) ------------------------------------------------------------
def _make(env_id: str):
    import gymnasium as gym

    import causalworld  # noqa: F401

    env = gym.make(env_id, skip_frame=10)
    env.reset(seed=0)
    return env


def _kinds(env) -> dict[int, str]:
    inner = env.unwrapped
    kinds = {inner.robot.body: "robot", inner.stage.floor: "table"}
    kinds.update({wall: "wall" for wall in inner.stage.walls})
    kinds.update({block.body: "block" for block in inner.stage.blocks.values()})
    return kinds


def _robot_link_names(env) -> dict[int, str]:
    import pybullet

    inner = env.unwrapped
    client, body = inner.world.client, inner.robot.body
    return {link: pybullet.getJointInfo(body, link, physicsClientId=client)[12].decode()
            for link in range(pybullet.getNumJoints(body, physicsClientId=client))}


def drive_timing(env_id: str, actions: str) -> dict:
    import pybullet

    env = _make(env_id)
    action_array = harness.read_actions(actions)
    original = pybullet.stepSimulation
    inside = [0.0, 0, 0.0]

    def timed_step(**kwargs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        original(**kwargs)
        inside[0] += time.perf_counter() - start
        inside[2] += time.thread_time() - start_cpu
        inside[1] += 1

    pybullet.stepSimulation = timed_step
    wall, cpu = time.perf_counter(), time.process_time()
    for action in action_array:
        env.step(action)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pybullet.stepSimulation = original
    steps = len(action_array)
    return {"env_step_us": 1e6 * wall / steps, "env_step_cpu_us": 1e6 * cpu / steps,
            "substeps_per_env_step": inside[1] / steps, "substep_us_inside_stepSimulation": 1e6 * inside[0] / inside[1],
            "substep_cpu_us_inside_stepSimulation": 1e6 * inside[2] / inside[1],
            "outside_stepSimulation_per_env_step_cpu_us": 1e6 * (cpu - inside[2]) / steps,
            "inside_stepSimulation_per_env_step_us": 1e6 * inside[0] / steps,
            "outside_stepSimulation_per_env_step_us": 1e6 * (wall - inside[0]) / steps,
            "share_inside_stepSimulation": inside[0] / wall}


def drive_contacts(env_id: str, actions: str) -> dict:
    import pybullet

    env = _make(env_id)
    inner = env.unwrapped
    client = inner.world.client
    kinds, links = _kinds(env), _robot_link_names(env)
    objects = [(inner.robot.body, link) for link, name in links.items()
               if any(name.startswith(f"finger_{part}_link") for part in PARTS)]
    objects += [(body, -1) for body in kinds if body != inner.robot.body]
    static = {inner.stage.floor, *inner.stage.walls} | {b.body for b in inner.stage.blocks.values() if not b.is_movable}
    finger_of = {link: name.rsplit("_", 1)[-1] for link, name in links.items()}
    points, pair_counts, by_kind = [], [], collections.Counter()
    candidates, same_finger, robot_pairs = [], [], collections.Counter()
    original = pybullet.stepSimulation
    substep = [0]

    def counting_step(**kwargs):
        original(**kwargs)
        substep[0] += 1
        contacts = pybullet.getContactPoints(physicsClientId=client)
        points.append(len(contacts))
        pairs = {(c[1], c[3], c[2], c[4]) for c in contacts}
        pair_counts.append(len(pairs))
        for a, _, b, _ in pairs:
            by_kind["-".join(sorted((kinds.get(a, "other"), kinds.get(b, "other"))))] += 1
        if substep[0] % 10 == 0:
            boxes = [pybullet.getAABB(b, k, physicsClientId=client) for b, k in objects]
            overlapping = excluded = 0
            for (i, (ba, la)), (j, (bb, lb)) in combinations(enumerate(objects), 2):
                if (ba in static and bb in static) or (ba == bb and ba != inner.robot.body):
                    continue
                lo_a, hi_a = boxes[i]
                lo_b, hi_b = boxes[j]
                if all(lo_a[k] <= hi_b[k] and lo_b[k] <= hi_a[k] for k in range(3)):
                    if ba == bb and finger_of.get(la) == finger_of.get(lb):
                        excluded += 1
                        continue
                    overlapping += 1
                    if ba == bb:
                        robot_pairs[" / ".join(sorted((links[la], links[lb])))] += 1
            candidates.append(overlapping)
            same_finger.append(excluded)

    pybullet.stepSimulation = counting_step
    for action in harness.read_actions(actions):
        env.step(action)
    pybullet.stepSimulation = original
    n = len(points)
    return {"substeps": n, "contact_points_per_substep": sum(points) / n,
            "contact_pairs_per_substep": sum(pair_counts) / n,
            "contact_pairs_per_substep_by_kind": {k: v / n for k, v in sorted(by_kind.items())},
            "broadphase_candidates_per_substep": statistics.fmean(candidates),
            "same_finger_pairs_overlapping_per_substep": statistics.fmean(same_finger),
            "robot_link_pairs_overlapping_share_of_samples": {
                k: v / len(candidates) for k, v in sorted(robot_pairs.items(), key=lambda kv: -kv[1])}}


BULLET_SECTIONS = {
    "collision_detection": "performDiscreteCollisionDetection",
    "collision.update_aabbs": "updateAabbs",
    "collision.broadphase": "calculateOverlappingPairs",
    "collision.narrowphase": "dispatchAllCollisionPairs",
    "collision.narrowphase.sort_pairs": "sortOverlappingPairs",
    "solver": "processIslands",
    "solver.setup": "solveGroupCacheFriendlySetup",
    "solver.iterations": "solveGroupCacheFriendlyIterations",
    "multibody_dynamics": "solveConstraints",
    "multibody_positions": "btMultiBody stepPositions",
}
"""Our names for the sections of Bullet's own profile, and the Bullet timer each one is."""


def drive_bullet(env_id: str, actions: str, profile_steps: int) -> dict:
    import pybullet

    env = _make(env_id)
    client = env.unwrapped.world.client
    action_array = harness.read_actions(actions)
    for action in action_array[:10]:
        env.step(action)
    with tempfile.TemporaryDirectory() as folder:
        log = pybullet.startStateLogging(pybullet.STATE_LOGGING_PROFILE_TIMINGS, str(Path(folder) / "timings"),
                                         physicsClientId=client)
        for action in action_array[10:10 + profile_steps]:
            env.step(action)
        pybullet.stopStateLogging(log, physicsClientId=client)
        events = []
        for path in Path(folder).glob("timings*"):
            events += json.loads(path.read_text())["traceEvents"]
    intervals: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    began: dict[str, float] = {}
    for event in events:  # each timer's name ends in a serial number: match begin and end by it
        if event["ph"] == "B":
            began[event["name"]] = event["ts"]
        elif event["ph"] == "E" and event["name"] in began:
            intervals[re.sub(r"\d+$", "", event["name"])].append((began.pop(event["name"]), event["ts"]))
    substeps = sorted(intervals["internalSingleStepSimulation"])
    if not substeps:
        return {"error": "no Bullet timings recorded"}
    starts = [start for start, _ in substeps]
    per_substep = {key: [0.0] * len(substeps) for key in BULLET_SECTIONS}
    for key, timer in BULLET_SECTIONS.items():
        for start, end in intervals[timer]:
            index = bisect.bisect_right(starts, start) - 1
            if index >= 0 and start <= substeps[index][1]:
                per_substep[key][index] += end - start
    # The timers are wall-clock: a substep during which the process lost the CPU is an outlier. Each
    # share is the median over substeps of that section's part of the substep.
    shares = {key: statistics.median(v / max(end - start, 1e-9) for v, (start, end) in zip(values, substeps))
              for key, values in per_substep.items()}
    shares["other"] = max(0.0, 1.0 - sum(v for k, v in shares.items() if "." not in k))
    return {"share_of_substep": shares, "median_substep_us_under_profiler": statistics.median(
        end - start for start, end in substeps)}


def _apply_toggle(env, toggle: str) -> None:
    import pybullet

    inner = env.unwrapped
    client, body = inner.world.client, inner.robot.body
    names = {name: link for link, name in _robot_link_names(env).items()}

    def link(part: str, finger: str) -> int:
        return names[f"finger_{part}_link_{finger}"]

    if toggle == "walls_awake":
        for wall in inner.stage.walls:
            pybullet.changeDynamics(wall, -1, activationState=pybullet.ACTIVATION_STATE_WAKE_UP, physicsClientId=client)
    elif toggle == "filter_upper_pairs":
        for f1, f2 in combinations(FINGERS, 2):
            pybullet.setCollisionFilterPair(body, body, link("upper", f1), link("upper", f2), 0, physicsClientId=client)
    elif toggle == "filter_parent_pairs":
        for finger in FINGERS:
            for a, b in combinations(PARTS, 2):
                pybullet.setCollisionFilterPair(body, body, link(a, finger), link(b, finger), 0, physicsClientId=client)
    elif toggle == "no_self_collision":
        for f1, f2 in combinations(FINGERS, 2):
            for a in PARTS:
                for b in PARTS:
                    pybullet.setCollisionFilterPair(body, body, link(a, f1), link(b, f2), 0, physicsClientId=client)
    elif toggle in ("one_wall_body", "no_wall"):
        for wall in inner.stage.walls:
            pybullet.removeBody(wall, physicsClientId=client)
        if toggle == "one_wall_body":
            import math

            from causalworld.sim import geometry as g

            segments = g.wall_segments()
            shape = pybullet.createCollisionShapeArray(
                [pybullet.GEOM_BOX] * len(segments), halfExtents=[s[2] for s in segments],
                collisionFramePositions=[s[0] for s in segments],
                collisionFrameOrientations=[(0.0, 0.0, math.sin(s[1] / 2), math.cos(s[1] / 2)) for s in segments],
                physicsClientId=client)
            wall = pybullet.createMultiBody(0.0, shape, useMaximalCoordinates=True, physicsClientId=client)
            pybullet.changeDynamics(wall, -1, lateralFriction=inner.stage.stage_friction, physicsClientId=client)
    elif toggle.startswith("solver_iterations_"):
        pybullet.setPhysicsEngineParameter(numSolverIterations=int(toggle.rsplit("_", 1)[1]), physicsClientId=client)
    elif toggle.startswith("contact_breaking_threshold_"):
        pybullet.setPhysicsEngineParameter(contactBreakingThreshold=float(toggle.rsplit("_", 1)[1]),
                                           physicsClientId=client)
    elif toggle == "nondeterministic_pairs":
        pybullet.setPhysicsEngineParameter(deterministicOverlappingPairs=0, physicsClientId=client)
    elif toggle != "baseline":
        raise ValueError(f"unknown toggle {toggle!r}")


def drive_toggles(env_id: str, actions: list[str], toggles: list[str]) -> dict:
    import numpy as np
    import pybullet

    original = pybullet.stepSimulation
    inside = [0.0]

    def timed_step(**kwargs):  # CPU time of this thread: less disturbed by other processes than wall-clock time
        start = time.thread_time()
        original(**kwargs)
        inside[0] += time.thread_time() - start

    times: dict[str, list[float]] = {t: [] for t in toggles}
    observations: dict[str, list] = {}
    for round_actions in actions:
        action_array = harness.read_actions(round_actions)
        for toggle in toggles:
            env = _make(env_id)
            _apply_toggle(env, toggle)
            inside[0] = 0.0
            pybullet.stepSimulation = timed_step
            trace = [env.step(action)[0] for action in action_array]
            pybullet.stepSimulation = original
            times[toggle].append(1e6 * inside[0] / (10 * len(action_array)))
            observations.setdefault(toggle, trace)
            env.close()
    base = np.array(observations["baseline"])
    result = {}
    for toggle in toggles:
        trace = np.array(observations[toggle])
        result[toggle] = {"substep_cpu_us": statistics.median(times[toggle]), "substep_cpu_us_rounds": times[toggle],
                          "bit_identical_observations": bool(np.array_equal(trace, base)),
                          "max_observation_difference": float(np.abs(trace - base).max()),
                          "first_differing_env_step": first_difference(trace, base)}
    return result


def first_difference(trace, base) -> int | None:
    """The first env step (counted from 1) whose observation differs, or None."""
    import numpy as np

    differing = np.flatnonzero((trace != base).any(axis=1))
    return int(differing[0]) + 1 if differing.size else None


# -- controller ---------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=150, help="env steps per run (10 substeps each)")
    parser.add_argument("--profile-steps", type=int, default=50, help="env steps under Bullet's profiler")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of the toggles (median)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random actions")
    parser.add_argument("--tasks", nargs="+", default=TASKS)
    parser.add_argument("--toggle-tasks", nargs="*", default=["CausalWorld-Pushing", "CausalWorld-Towers"])
    parser.add_argument("--toggles", nargs="+", default=list(TOGGLES))
    parser.add_argument("--note", default=None, help="a sentence stored with the results (e.g. what else ran)")
    parser.add_argument("--json", default=None, help="raw output (default benchmarks/results/physics_profile.json)")
    args = parser.parse_args()
    toggles = ["baseline"] + [t for t in args.toggles if t != "baseline"]
    settings = {"steps": args.steps, "profile_steps": args.profile_steps, "rounds": args.rounds, "seed": args.seed,
                "skip_frame": 10, "actions": "uniform in [-1, 1], normalized joint positions",
                "toggles": {t: TOGGLES[t] for t in toggles}}
    record = harness.start_record("physics_profile", settings, None, args.note)
    script = str(Path(__file__).resolve())
    python = sys.executable
    record["tasks"], record["toggles"] = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        actions = str(harness.write_actions(max(args.steps, args.profile_steps + 10), args.seed, Path(folder)))
        short = str(harness.write_actions(args.steps, args.seed, Path(folder)))
        per_round = [str(harness.write_actions(args.steps, args.seed + r, Path(folder))) for r in range(args.rounds)]
        for env_id in args.tasks:
            entry = {
                "timing": harness.run_driver(python, script, "ours", {"mode": "timing", "env_id": env_id,
                                                                      "actions": short}),
                "contacts": harness.run_driver(python, script, "ours", {"mode": "contacts", "env_id": env_id,
                                                                        "actions": short}),
                "bullet": harness.run_driver(python, script, "ours", {"mode": "bullet", "env_id": env_id,
                                                                      "actions": actions,
                                                                      "profile_steps": args.profile_steps}),
            }
            record["tasks"][env_id] = entry
            print_task(env_id, entry)
        for env_id in args.toggle_tasks:
            record["toggles"][env_id] = harness.run_driver(
                python, script, "ours", {"mode": "toggles", "env_id": env_id, "actions": per_round,
                                         "toggles": toggles})
            print_toggles(env_id, record["toggles"][env_id])
    print(f"raw output: {harness.finish_record(record, args.json)}")


def print_task(env_id: str, entry: dict) -> None:
    t, c, b = entry["timing"], entry["contacts"], entry["bullet"].get("share_of_substep", {})
    substep = t["substep_cpu_us_inside_stepSimulation"]
    print(f"{env_id}: env step {t['env_step_us']:.0f} µs, substep {substep:.1f} CPU µs "
          f"inside stepSimulation ({100 * t['share_inside_stepSimulation']:.0f} % of the step), "
          f"{t['outside_stepSimulation_per_env_step_cpu_us']:.0f} CPU µs per step outside; "
          f"{c['contact_points_per_substep']:.1f} contact points in {c['contact_pairs_per_substep']:.1f} pairs, "
          f"{c['broadphase_candidates_per_substep']:.1f} overlapping-box pairs per substep; Bullet: "
          + ", ".join(f"{k} {100 * v:.0f} %" for k, v in b.items() if "." not in k), flush=True)


def print_toggles(env_id: str, result: dict) -> None:
    base = result["baseline"]["substep_cpu_us"]
    print(f"{env_id} toggles (CPU µs per substep, change vs baseline, bit-identical observations):")
    for toggle, r in result.items():
        print(f"  {toggle:<36}{r['substep_cpu_us']:7.1f} {100 * (r['substep_cpu_us'] / base - 1):+6.1f} %  "
              + ("identical" if r["bit_identical_observations"] else
               f"differ from step {r['first_differing_env_step']}, by up to {r['max_observation_difference']:.3g}"),
              flush=True)


DRIVERS = {"timing": drive_timing, "contacts": drive_contacts, "bullet": drive_bullet, "toggles": drive_toggles}


def _driver(mode: str, **arguments):
    return DRIVERS[mode](**arguments)


if __name__ == "__main__":
    if not harness.driver_main({"ours": _driver}):
        main()

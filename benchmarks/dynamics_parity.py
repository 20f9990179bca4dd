"""Dynamics parity with the original CausalWorld 1.2: the same actions in both packages, side by side.

Every case runs in two fresh processes (``benchmarks/parity_worker.py``): ours under this
interpreter, the original's under ``--original-python``. Both start from the task's default state.

Open-loop action sequences (raw joint positions unless said otherwise; skip_frame 3, 83.3 Hz):

* ``random_free``: reaching (robot alone), uniform random joint targets, each held 0.12 s.
* ``random_block``: pushing, the same kind of random targets: the fingers hit block, floor, wall.
* ``push``: pushing, fingers 120 and 300 press the block's far face and push it 12 cm toward +y.
* ``grasp_<mass>``: picking with that block mass, fingers 120 and 300 grip the block along x
  (2 cm inside its faces) and lift it to 0.25 m; fingertip targets turned into joint targets by
  our inverse kinematics, so both packages get identical joint commands.
* ``grasp_ee_<mass>``: the same fingertip targets in ``end_effector_positions`` mode, each package
  solving its own inverse kinematics (what a user of either package would do).
* ``hold`` and ``hold_kick_<axis>``: a 0.05 kg block gripped 1.75 cm above its centre, lifted to
  0.15 m and held 3 s; the kick cases first set it spinning at 4 rad/s about a world axis. Reported:
  how far the held block turns during the hold.

Reported per case: the fingertip and block position divergence (m) over time, the final block
pose difference (m, degrees) and each package's final block height.

``--agent-goals N`` runs the original's trained agents (``--agents``: picking, reaching,
pick_and_place; skip_frame 3, each package's own normalized observation) from the default start and
from N starting states drawn once from space A and applied in both packages: picking's goal heights
uniform in [0.08, 0.2] m (the original's ``sample_new_goal``), reaching's fingertip goals from our
env's sampler, pick_and_place's tool-block masses (its agent was trained on the default goal only).

``--scripted-episodes N`` runs our scripted policies closed-loop against both packages (the policy
in this process, each package in a worker process) on the same N goals per setting: picking and
pushing, new space-A goals, space-B goals, space-B goals and masses (their observation layouts are
the same in both packages).

Usage: python benchmarks/dynamics_parity.py --original-python /work/orig/bin/python
       [--agent-goals 50] [--agents picking reaching] [--scripted-episodes 10] [--cases grasp push]
       [--json benchmarks/results/dynamics_parity.json]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import harness
import numpy as np

from causalworld.sim.kinematics import inverse_kinematics

HERE = Path(__file__).resolve().parent
WORKER = HERE / "parity_worker.py"
SKIP = 3
DT = SKIP * 0.004
JOINT_LOW = np.array([-1.57, -1.2, -3.0] * 3)
JOINT_HIGH = np.array([1.0, 1.57, 3.0] * 3)
REST_TIPS = np.array([[-0.0595, 0.1586, 0.0559], [0.1671, -0.0278, 0.0559], [-0.1077, -0.1308, 0.0559]])
REST_JOINTS = [0.0, math.pi / 4, -math.pi / 4] * 3
PARK = np.array([-0.06, 0.16, 0.15])
MASSES = (0.02, 0.05, 0.08, 0.1)
BLOCK_HALF = 0.0325
TIP_RADIUS = 0.0095
SQUEEZE = 0.02
CURVE_EVERY = 5
"""Per-step divergence curves are stored every this many steps (0.06 s)."""
AGENT_DIR = "causal_world/assets/baseline_actors"


# -- action sequences ---------------------------------------------------------------------
def random_targets(seed: int, steps: int, hold: int = 10) -> list[list[float]]:
    """Uniform random joint targets (rad), each held for ``hold`` env steps."""
    targets = np.random.default_rng(seed).uniform(JOINT_LOW, JOINT_HIGH, size=(steps // hold + 1, 9))
    return [targets[k // hold].tolist() for k in range(steps)]


def interpolate(keys: list[tuple[float, np.ndarray]]) -> list[np.ndarray]:
    """Fingertip targets (m, 9) every env step, linear between (time s, targets) key frames."""
    out = []
    for k in range(int(round(keys[-1][0] / DT))):
        t = (k + 1) * DT
        for (t0, a), (t1, b) in zip(keys, keys[1:]):
            if t0 <= t <= t1 + 1e-9:
                out.append(a + (b - a) * (t - t0) / (t1 - t0))
                break
    return out


def grip_tips(x: float, z: float) -> np.ndarray:
    """Finger 120 at +x, finger 300 at -x (m, at height z from the floor), finger 60 parked above."""
    return np.concatenate([PARK, [x, 0.0, z], [-x, 0.0, z]])


def grasp_tips(grip_z: float = 0.035, lift_z: float = 0.25, lift_end: float = 5.5, end: float = 7.0):
    """Grip the picking block (fingers 2 cm inside its faces) at ``grip_z`` and lift the grip to ``lift_z``."""
    closed = BLOCK_HALF + TIP_RADIUS - SQUEEZE
    return interpolate([(0.0, REST_TIPS.reshape(-1)), (1.0, grip_tips(0.075, 0.12)), (2.0, grip_tips(0.075, grip_z)),
                        (3.0, grip_tips(closed, grip_z)), (3.5, grip_tips(closed, grip_z)),
                        (lift_end, grip_tips(closed, lift_z)), (end, grip_tips(closed, lift_z))])


def push_tips() -> list[np.ndarray]:
    """Fingers 120 and 300 behind the pushing block's -y face push it 12 cm toward +y."""
    behind = -0.08 - BLOCK_HALF - TIP_RADIUS - 0.015

    def tips(y: float, z: float) -> np.ndarray:
        return np.concatenate([PARK, [0.018, y, z], [-0.018, y, z]])

    return interpolate([(0.0, REST_TIPS.reshape(-1)), (1.0, tips(behind, 0.1)), (2.0, tips(behind, 0.02)),
                        (5.0, tips(behind + 0.135, 0.02)), (6.0, tips(behind + 0.135, 0.02))])


def to_joint_targets(tip_targets: list[np.ndarray]) -> list[list[float]]:
    """Joint targets (rad) from our inverse kinematics, each solved from the previous solution."""
    current, out = list(REST_JOINTS), []
    for tips in tip_targets:
        current = inverse_kinematics(tips, current).tolist()
        out.append(current)
    return out


def cases(selected: list[str] | None) -> list[dict]:
    """Every open-loop case (or those whose names start with one of ``selected``)."""
    grasp = grasp_tips()
    grasp_joints = to_joint_targets(grasp)
    joints = "joint_positions"
    made = [
        {"name": "random_free", "task": "reaching", "action_mode": joints, "actions": random_targets(0, 300)},
        {"name": "random_block", "task": "pushing", "action_mode": joints, "actions": random_targets(1, 300)},
        {"name": "push", "task": "pushing", "action_mode": joints, "actions": to_joint_targets(push_tips())},
    ]
    for mass in MASSES:
        made.append({"name": f"grasp_{mass}", "task": "picking", "task_kwargs": {"tool_block_mass": mass},
                     "action_mode": "joint_positions", "actions": grasp_joints})
    for mass in MASSES:
        made.append({"name": f"grasp_ee_{mass}", "task": "picking", "task_kwargs": {"tool_block_mass": mass},
                     "action_mode": "end_effector_positions", "actions": [t.tolist() for t in grasp]})
    hold = to_joint_targets(grasp_tips(grip_z=0.05, lift_z=0.15, lift_end=5.0, end=8.8))
    hold_from = int(round(5.8 / DT))
    for name, spin in (("hold", None), ("hold_kick_x", (4.0, 0, 0)), ("hold_kick_y", (0, 4.0, 0)),
                       ("hold_kick_z", (0, 0, 4.0))):
        case = {"name": name, "task": "picking", "task_kwargs": {"tool_block_mass": 0.05},
                "action_mode": "joint_positions", "actions": hold, "hold_from": hold_from}
        if spin:
            case["kicks"] = {str(hold_from): list(spin)}
        made.append(case)
    if selected:
        made = [c for c in made if any(c["name"].startswith(s) for s in selected)]
    return made


# -- running ----------------------------------------------------------------------------------
def run_worker(python: str, job: dict) -> dict:
    """Run one job in a fresh process of ``python``; returns the worker's JSON result."""
    with tempfile.TemporaryDirectory() as tmp:
        job_path, out_path = Path(tmp) / "job.json", Path(tmp) / "out.json"
        job_path.write_text(json.dumps(job))
        done = subprocess.run([python, str(WORKER), str(job_path), str(out_path)], capture_output=True, text=True,
                              cwd=tmp)  # not the repository: the original must not see our package
        if done.returncode != 0:
            raise RuntimeError(f"{job['package']} worker failed on {job.get('name', job['kind'])}:\n{done.stderr}")
        return json.loads(out_path.read_text())


class Remote:
    """One package in a worker process, stepped from here (the worker's ``serve`` job)."""

    def __init__(self, python: str, job: dict) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        path = Path(self._tmp.name) / "job.json"
        path.write_text(json.dumps({"kind": "serve", **job}))
        self._errors = path.with_name("stderr.txt").open("w")
        self.process = subprocess.Popen([python, str(WORKER), str(path), "-"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self._errors, text=True, cwd=self._tmp.name)

    def ask(self, request: dict) -> tuple[np.ndarray, float]:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            if not line:
                status = self.process.wait()
                self._errors.close()
                errors = Path(self._errors.name).read_text()[-3000:]
                raise RuntimeError(f"worker stopped (exit status {status}):\n{errors}")
            if line.startswith("{"):  # PyBullet prints its build time on standard output
                reply = json.loads(line)
                return np.asarray(reply["observation"]), reply["fractional_success"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()
        self._errors.close()
        self._tmp.cleanup()


def angle_between(q1, q2) -> float:
    """Rotation angle (degrees) between two quaternions."""
    return float(np.degrees(2.0 * np.arccos(min(1.0, abs(float(np.dot(q1, q2)))))))


def compare(case: dict, ours: dict, original: dict) -> dict:
    """Divergence of the two runs of one case."""
    tips_o, tips_r = np.array(ours["tips"]).reshape(-1, 3, 3), np.array(original["tips"]).reshape(-1, 3, 3)
    tip_error = np.linalg.norm(tips_o - tips_r, axis=2).max(axis=1)
    q_error = np.abs(np.array(ours["q"]) - np.array(original["q"])).max(axis=1)
    times = np.arange(len(tip_error)) * DT
    checkpoints = [t for t in (0.12, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0) if t <= times[-1] + 1e-9]
    index = [int(round(t / DT)) for t in checkpoints]
    summary = {
        "name": case["name"], "task": case["task"], "action_mode": case["action_mode"],
        "task_kwargs": case.get("task_kwargs", {}), "kicks": case.get("kicks", {}), "steps": len(case["actions"]),
        "checkpoints_s": checkpoints,
        "max_tip_divergence_m": [float(tip_error[: i + 1].max()) for i in index],
        "max_joint_divergence_rad": [float(q_error[: i + 1].max()) for i in index],
        "tip_divergence_m_every_5_steps": tip_error[::CURVE_EVERY].round(6).tolist(),
        "seconds": {"ours": ours["seconds"], "original": original["seconds"]},
    }
    if ours["block_position"]:
        pos_o, pos_r = np.array(ours["block_position"]), np.array(original["block_position"])
        quat = {"ours": ours["block_orientation"], "original": original["block_orientation"]}
        block_error = np.linalg.norm(pos_o - pos_r, axis=1)
        summary.update({
            "max_block_divergence_m": [float(block_error[: i + 1].max()) for i in index],
            "block_divergence_m_every_5_steps": block_error[::CURVE_EVERY].round(6).tolist(),
            "final_block_position": {"ours": pos_o[-1].tolist(), "original": pos_r[-1].tolist()},
            "final_block_position_difference_m": float(block_error[-1]),
            "final_block_orientation_difference_deg": angle_between(quat["ours"][-1], quat["original"][-1]),
            "max_block_height_m": {"ours": float(pos_o[:, 2].max()), "original": float(pos_r[:, 2].max())},
            "contacts_at_end": {"ours": ours["contacts"][-1], "original": original["contacts"][-1]},
        })
        if "hold_from" in case:
            start = case["hold_from"]
            summary["turn_during_hold_deg"] = {p: angle_between(q[start], q[-1]) for p, q in quat.items()}
    return summary


def original_site(original_python: str) -> Path:
    code = "import causal_world, os; print(os.path.dirname(causal_world.__file__))"
    done = subprocess.run([original_python, "-c", code], capture_output=True, text=True, check=True,
                          cwd=tempfile.gettempdir())
    return Path(done.stdout.strip().splitlines()[-1]).parent


AGENTS = {"picking": "picking_ppo_curr1.zip", "reaching": "reaching_ppo_curr1.zip",
          "pick_and_place": "pick_and_place_ppo_curr0.zip"}


def agent_goals(task: str, goals: int, seed: int) -> list[dict]:
    """Starting states drawn once: picking's goal heights from space A as the original's sampler draws
    them, reaching's fingertip goals from our env's space-A sampler, and for pick_and_place (an agent
    trained on the default goal only) tool-block masses from space A, as protocol P1 varies them."""
    rng = np.random.default_rng(seed)
    if task == "picking":
        return [{"goal_block": {"cylindrical_position": [0.0, 0.0, float(z)]}} for z in rng.uniform(0.08, 0.2, goals)]
    if task == "pick_and_place":
        return [{"tool_block": {"mass": float(m)}} for m in rng.uniform(0.015, 0.045, goals)]
    return scripted_goals(task, "space_a", False, goals, seed)


def run_agent(original_python: str, task: str, goals: int, seed: int) -> dict:
    """The original's trained agent for ``task`` on ``goals`` space-A goals in both packages."""
    from causalworld import CausalWorldEnv

    drawn = [None, *agent_goals(task, goals, seed)]  # first the default starting state
    env = CausalWorldEnv(task, skip_frame=SKIP)
    steps = env.max_episode_length
    env.close()
    job = {"kind": "agent", "task": task, "skip_frame": SKIP, "action_mode": "joint_positions",
           "agent": str(original_site(original_python) / AGENT_DIR / AGENTS[task]), "goals": drawn,
           "episode_steps": steps}
    results = {package: run_worker(python, {**job, "package": package})
               for package, python in (("original", original_python), ("ours", sys.executable))}
    default = {p: r["episodes"][0]["fractional_success"][-1] for p, r in results.items()}
    for r in results.values():
        r["episodes"] = r["episodes"][1:]
    final = {p: [e["fractional_success"][-1] for e in r["episodes"]] for p, r in results.items()}
    return {
        "agent": AGENTS[task], "goals": drawn[1:], "seed": seed, "episode_steps": steps,
        "default_start_final_fractional_success": default,
        "mean_final_fractional_success": {p: float(np.mean(v)) for p, v in final.items()},
        "difference_ours_minus_original": float(np.mean(final["ours"]) - np.mean(final["original"])),
        "final_fractional_success": final,
        "mean_fractional_success": {p: [float(np.mean(e["fractional_success"])) for e in r["episodes"]]
                                    for p, r in results.items()},
        "final_block_position": {p: [e["final_block_position"] for e in r["episodes"]] for p, r in results.items()},
        "seconds": {p: r["seconds"] for p, r in results.items()},
    }


SCRIPTED = (("picking", "space_a", False), ("picking", "space_b", False), ("picking", "space_b", True),
            ("pushing", "space_a", False), ("pushing", "space_b", True))


def scripted_goals(task: str, space: str, masses: bool, episodes: int, first_seed: int = 0) -> list[dict]:
    """Starting-state interventions drawn from our env's samplers (episode i: seed first_seed + i)."""
    from causalworld import CausalWorldEnv

    env = CausalWorldEnv(task)
    env.set_intervention_space(space)
    drawn = []
    for episode in range(first_seed, first_seed + episodes):
        env.reset(seed=episode)
        goal = {name: {k: np.asarray(v).tolist() for k, v in values.items()}
                for name, values in env.sample_new_goal().items()}
        if masses:
            goal.setdefault("tool_block", {})["mass"] = float(env.variables["tool_block.mass"].sample(
                np.random.default_rng(episode), "space_b"))
        drawn.append(goal)
    env.close()
    return drawn


def run_scripted(original_python: str, episodes: int) -> list[dict]:
    """Our scripted policies, closed loop, against both packages on the same goals (joint positions, 25 Hz)."""
    from causalworld import CausalWorldEnv
    from causalworld.baselines import scripted_policy

    rows = []
    for task, space, masses in SCRIPTED:
        goals = scripted_goals(task, space, masses, episodes)
        binder = CausalWorldEnv(task, normalize_actions=False, normalize_observations=False)
        row = {"task": task, "space": space, "space_b_masses": masses, "goals": goals}
        for package, python in (("original", original_python), ("ours", sys.executable)):
            remote = Remote(python, {"package": package, "task": task, "skip_frame": 10,
                                     "action_mode": "joint_positions", "episode_steps": binder.max_episode_length})
            finals = []
            for goal in goals:
                agent = scripted_policy(task, binder)
                observation, _ = remote.ask({"reset": goal})
                for _ in range(binder.max_episode_length):
                    observation, fraction = remote.ask({"step": agent(observation).tolist()})
                finals.append(fraction)
            remote.close()
            row[package] = {"final_fractional_success": finals, "success_rate": float(np.mean(np.array(finals) > 0.9))}
        binder.close()
        print(f"scripted {task} {space}{' +masses' if masses else ''}: success original "
              f"{row['original']['success_rate']:.2f} ours {row['ours']['success_rate']:.2f}", flush=True)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--original-python", required=True, help="python of a venv with causal_world 1.2")
    parser.add_argument("--cases", nargs="*", help="run only cases whose names start with these (none: skip)")
    parser.add_argument("--agent-goals", type=int, default=0, help="agent goals from space A (0: skip)")
    parser.add_argument("--agents", nargs="+", default=["picking"], choices=sorted(AGENTS),
                        help="the original's trained agents to run on those goals")
    parser.add_argument("--scripted-episodes", type=int, default=0, help="closed-loop scripted episodes per setting")
    parser.add_argument("--seed", type=int, default=0, help="seed of the agent's goal draws")
    parser.add_argument("--fingertip-spinning-friction", type=float, default=None,
                        help="diagnostic: run ours with this spinning friction on the lower links (open-loop cases)")
    parser.add_argument("--json", default=str(harness.RESULTS / "dynamics_parity.json"), help="raw output")
    parser.add_argument("--note", default=None, help="a sentence stored with the results")
    args = parser.parse_args(argv)
    record = harness.start_record("dynamics_parity", {k: v for k, v in vars(args).items() if k not in ("json", "note")},
                                  args.original_python, args.note)
    record["cases"] = []
    if args.cases is None or args.cases:
        for case in cases(args.cases):
            job = {"kind": "actions", "skip_frame": SKIP, **case,
                   "ours_fingertip_spinning_friction": args.fingertip_spinning_friction}
            original = run_worker(args.original_python, {**job, "package": "original"})
            ours = run_worker(sys.executable, {**job, "package": "ours"})
            summary = compare(case, ours, original)
            record["cases"].append(summary)
            line = f"{case['name']:14s} tips max {summary['max_tip_divergence_m'][-1]:.4f} m"
            if "final_block_position" in summary:
                final = summary["final_block_position"]
                line += (f"  block final diff {summary['final_block_position_difference_m']:.4f} m "
                         f"{summary['final_block_orientation_difference_deg']:.1f} deg  final z ours "
                         f"{final['ours'][2]:.3f} original {final['original'][2]:.3f}")
            if "turn_during_hold_deg" in summary:
                turn = summary["turn_during_hold_deg"]
                line += f"  turn in hold ours {turn['ours']:.1f} original {turn['original']:.1f} deg"
            print(line, flush=True)
    if args.agent_goals:
        for task in args.agents:
            record[f"{task}_agent"] = run_agent(args.original_python, task, args.agent_goals, args.seed)
            means = record[f"{task}_agent"]["mean_final_fractional_success"]
            default = record[f"{task}_agent"]["default_start_final_fractional_success"]
            print(f"{task} agent, {args.agent_goals} space-A draws: mean final fractional success "
                  f"original {means['original']:.3f} ours {means['ours']:.3f}; default start original "
                  f"{default['original']:.3f} ours {default['ours']:.3f}", flush=True)
    if args.scripted_episodes:
        record["scripted"] = run_scripted(args.original_python, args.scripted_episodes)
    print(f"raw output: {harness.finish_record(record, args.json)}")


if __name__ == "__main__":
    main()

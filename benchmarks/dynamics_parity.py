"""Dynamics parity with the original CausalWorld 1.2: the same actions in both packages, side by side.

Every case runs in two fresh processes (``benchmarks/parity_worker.py``): ours under this
interpreter, the original's under ``--original-python``. Both start from the task's default state.

Action sequences (raw joint positions unless said otherwise; skip_frame 3, 83.3 Hz):

* ``random_free``: reaching (robot alone), uniform random joint targets, each held 0.12 s.
* ``random_block``: pushing, the same kind of random targets, so the fingers hit block and floor.
* ``push``: pushing, fingers 120 and 300 press the block's far face and push it 12 cm toward +y.
* ``grasp_<mass>``: picking with the block's mass set, fingers 120 and 300 grip it along x
  (squeezing 2 cm) and lift to 0.25 m; fingertip targets turned into joint targets by our
  inverse kinematics, so both packages get identical joint commands.
* ``grasp_ee_<mass>``: the same fingertip targets in ``end_effector_positions`` mode, each package
  solving its own inverse kinematics (what a user of either package would do).

Reported per case: the fingertip and block position divergence (m) over time, the final block
pose difference (m, degrees), and each package's final block height.

``--agent-goals N`` also runs the original's trained picking agent (``picking_ppo_curr1.zip``,
skip_frame 3, on the original's normalized observation) on N goals drawn once from space A
(goal height uniform in [0.08, 0.2] m, as the original's ``sample_new_goal``) in both packages.

Usage: python benchmarks/dynamics_parity.py --original-python /work/orig/bin/python
       [--agent-goals 30] [--cases grasp push] [--out benchmarks/results/dynamics_parity]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
MASSES = (0.02, 0.05, 0.08, 0.1)
BLOCK_HALF = 0.0325
TIP_RADIUS = 0.0095
AGENT = "causal_world/assets/baseline_actors/picking_ppo_curr1.zip"


# -- action sequences ---------------------------------------------------------------------
def random_targets(seed: int, steps: int, hold: int = 10) -> list[list[float]]:
    """Uniform random joint targets (rad), each held for ``hold`` env steps."""
    rng = np.random.default_rng(seed)
    targets = rng.uniform(JOINT_LOW, JOINT_HIGH, size=(steps // hold + 1, 9))
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


def grasp_tips() -> list[np.ndarray]:
    """Fingers 120 (+x face) and 300 (-x face) grip the picking block and lift it; finger 60 waits up."""
    park = np.array([-0.06, 0.16, 0.15])
    closed = BLOCK_HALF + TIP_RADIUS - 0.02

    def tips(x: float, z: float) -> np.ndarray:
        return np.concatenate([park, [x, 0.0, z], [-x, 0.0, z]])

    return interpolate([(0.0, REST_TIPS.reshape(-1)), (1.0, tips(0.075, 0.12)), (2.0, tips(0.075, 0.035)),
                        (3.0, tips(closed, 0.035)), (3.5, tips(closed, 0.035)), (5.5, tips(closed, 0.25)),
                        (7.0, tips(closed, 0.25))])


def push_tips() -> list[np.ndarray]:
    """Fingers 120 and 300 behind the pushing block's -y face push it 12 cm toward +y."""
    park = np.array([-0.06, 0.16, 0.15])
    behind = -0.08 - BLOCK_HALF - TIP_RADIUS - 0.015

    def tips(y: float, z: float) -> np.ndarray:
        return np.concatenate([park, [0.018, y, z], [-0.018, y, z]])

    return interpolate([(0.0, REST_TIPS.reshape(-1)), (1.0, tips(behind, 0.1)), (2.0, tips(behind, 0.02)),
                        (5.0, tips(behind + 0.12 + 0.015, 0.02)), (6.0, tips(behind + 0.135, 0.02))])


def to_joint_targets(tip_targets: list[np.ndarray]) -> list[list[float]]:
    """Joint targets (rad) from our inverse kinematics, each solved from the previous solution."""
    current, out = list(REST_JOINTS), []
    for tips in tip_targets:
        current = inverse_kinematics(tips, current).tolist()
        out.append(current)
    return out


def cases(selected: list[str] | None) -> list[dict]:
    grasp = grasp_tips()
    grasp_joints = to_joint_targets(grasp)
    made = [
        {"name": "random_free", "task": "reaching", "action_mode": "joint_positions",
         "actions": random_targets(0, 300)},
        {"name": "random_block", "task": "pushing", "action_mode": "joint_positions",
         "actions": random_targets(1, 300)},
        {"name": "push", "task": "pushing", "action_mode": "joint_positions",
         "actions": to_joint_targets(push_tips())},
    ]
    for mass in MASSES:
        made.append({"name": f"grasp_{mass}", "task": "picking", "task_kwargs": {"tool_block_mass": mass},
                     "action_mode": "joint_positions", "actions": grasp_joints})
    for mass in MASSES:
        made.append({"name": f"grasp_ee_{mass}", "task": "picking", "task_kwargs": {"tool_block_mass": mass},
                     "action_mode": "end_effector_positions", "actions": [t.tolist() for t in grasp]})
    if selected:
        made = [c for c in made if any(c["name"].startswith(s) for s in selected)]
    return made


# -- running ----------------------------------------------------------------------------------
def run_worker(python: str, job: dict) -> dict:
    """Run one job in a fresh process of ``python``; returns the worker's JSON result."""
    with tempfile.TemporaryDirectory() as tmp:
        job_path, out_path = Path(tmp) / "job.json", Path(tmp) / "out.json"
        job_path.write_text(json.dumps(job))
        done = subprocess.run([python, str(WORKER), str(job_path), str(out_path)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{job['package']} worker failed on {job.get('name', job['kind'])}:\n{done.stderr}")
        return json.loads(out_path.read_text())


def angle_between(q1, q2) -> np.ndarray:
    """Rotation angle (degrees) between quaternion rows."""
    dot = np.abs(np.sum(np.asarray(q1) * np.asarray(q2), axis=-1))
    return np.degrees(2.0 * np.arccos(np.clip(dot, -1.0, 1.0)))


def compare(case: dict, ours: dict, original: dict) -> dict:
    """Divergence of the two runs of one case."""
    tips_o, tips_r = np.array(ours["tips"]).reshape(-1, 3, 3), np.array(original["tips"]).reshape(-1, 3, 3)
    tip_error = np.linalg.norm(tips_o - tips_r, axis=2).max(axis=1)
    q_error = np.abs(np.array(ours["q"]) - np.array(original["q"])).max(axis=1)
    times = np.arange(len(tip_error)) * DT
    checkpoints = [t for t in (0.12, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0) if t <= times[-1] + 1e-9]
    index = [int(round(t / DT)) for t in checkpoints]
    summary = {
        "name": case["name"], "task": case["task"], "action_mode": case["action_mode"],
        "task_kwargs": case.get("task_kwargs", {}), "steps": len(case["actions"]),
        "checkpoints_s": checkpoints,
        "max_tip_divergence_m": [float(tip_error[: i + 1].max()) for i in index],
        "max_joint_divergence_rad": [float(q_error[: i + 1].max()) for i in index],
        "tip_divergence_m_per_step": tip_error.round(6).tolist(),
        "seconds": {"ours": ours["seconds"], "original": original["seconds"]},
    }
    if ours["block_position"]:
        pos_o, pos_r = np.array(ours["block_position"]), np.array(original["block_position"])
        block_error = np.linalg.norm(pos_o - pos_r, axis=1)
        summary.update({
            "max_block_divergence_m": [float(block_error[: i + 1].max()) for i in index],
            "block_divergence_m_per_step": block_error.round(6).tolist(),
            "final_block_position": {"ours": pos_o[-1].tolist(), "original": pos_r[-1].tolist()},
            "final_block_position_difference_m": float(block_error[-1]),
            "final_block_orientation_difference_deg": float(
                angle_between(ours["block_orientation"][-1], original["block_orientation"][-1])),
            "max_block_height_m": {"ours": float(pos_o[:, 2].max()), "original": float(pos_r[:, 2].max())},
            "contacts_at_end": {"ours": ours["contacts"][-1], "original": original["contacts"][-1]},
        })
    return summary


def run_agent(original_python: str, goals: int, seed: int) -> dict:
    site = subprocess.run([original_python, "-c", "import causal_world, os; print(os.path.dirname(causal_world.__file__))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    agent = str(Path(site).parent / AGENT)
    rng = np.random.default_rng(seed)
    drawn = [{"goal_block": {"cylindrical_position": [0.0, 0.0, float(z)]}} for z in rng.uniform(0.08, 0.2, goals)]
    job = {"kind": "agent", "task": "picking", "skip_frame": SKIP, "action_mode": "joint_positions",
           "agent": agent, "goals": drawn, "episode_steps": int(10.0 / DT), "episode_seconds": 10.0}
    results = {}
    for package, python in (("original", original_python), ("ours", sys.executable)):
        results[package] = run_worker(python, {**job, "package": package})
    final = {p: [e["fractional_success"][-1] for e in r["episodes"]] for p, r in results.items()}
    mean = {p: [float(np.mean(e["fractional_success"])) for e in r["episodes"]] for p, r in results.items()}
    return {
        "agent": AGENT, "goals": drawn, "seed": seed, "episode_steps": job["episode_steps"],
        "mean_final_fractional_success": {p: float(np.mean(v)) for p, v in final.items()},
        "difference_ours_minus_original": float(np.mean(final["ours"]) - np.mean(final["original"])),
        "final_fractional_success": final, "mean_fractional_success": mean,
        "final_block_position": {p: [e["final_block_position"] for e in r["episodes"]] for p, r in results.items()},
        "seconds": {p: r["seconds"] for p, r in results.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--original-python", required=True, help="python of a venv with causal_world 1.2")
    parser.add_argument("--cases", nargs="*", help="run only cases whose names start with these")
    parser.add_argument("--agent-goals", type=int, default=0, help="picking-agent goals from space A (0: skip)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the agent's goal draws")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "dynamics_parity")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/dynamics_parity.py " + " ".join(argv if argv is not None else sys.argv[1:])
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    summaries = []
    if args.cases is None or args.cases:
        for case in cases(args.cases):
            job = {"kind": "actions", "skip_frame": SKIP, **case}
            original = run_worker(args.original_python, {**job, "package": "original"})
            ours = run_worker(sys.executable, {**job, "package": "ours"})
            summary = compare(case, ours, original)
            summaries.append(summary)
            line = f"{case['name']:16s} tips max {summary['max_tip_divergence_m'][-1]:.4f} m"
            if "final_block_position" in summary:
                heights = summary["final_block_position"]
                line += (f"  block final diff {summary['final_block_position_difference_m']:.4f} m "
                         f"{summary['final_block_orientation_difference_deg']:.1f} deg  final z ours "
                         f"{heights['ours'][2]:.3f} original {heights['original'][2]:.3f}")
            print(line, flush=True)
        (args.out / "cases.json").write_text(json.dumps(
            {"command": command, "started": started, "skip_frame": SKIP, "cases": summaries}, indent=1))
    if args.agent_goals:
        agent = run_agent(args.original_python, args.agent_goals, args.seed)
        agent.update(command=command, started=started)
        (args.out / "picking_agent.json").write_text(json.dumps(agent, indent=1))
        means = agent["mean_final_fractional_success"]
        print(f"picking agent, {args.agent_goals} space-A goals: mean final fractional success "
              f"original {means['original']:.3f} ours {means['ours']:.3f}")


if __name__ == "__main__":
    main()

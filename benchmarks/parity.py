"""Benchmark parity: the original authors' trained agents in our env and, side by side, in the original.

    python benchmarks/parity.py --original-python /work/orig/bin/python --out benchmarks/results/parity

1. **Default goal**: each of the five agents (reaching, pushing, picking, pick_and_place, stacking2)
   runs ``--episodes`` episodes of ``gym.make`` defaults with the agent's settings (skip frame 3).
   Once more with the policy computed in float64 instead of float32 (``default-float64``): these
   single deterministic rollouts are chaotic, and that shows by how much.
2. **Protocols**: for ``--protocol-tasks`` (pushing, picking, pick_and_place) every protocol
   P0-P11, ``--protocol-episodes`` episodes each. Each episode's intervention is drawn ONCE, here,
   with our sampler (seeded by task, protocol and index) and accepted by our env; the same dict
   is then applied in both packages (the original with ``check_bounds=False`` so that the scene is
   the same; whether its own bounds check would have accepted it is recorded).

Our episodes run in this process, the original's in a fresh process of ``--original-python``
(``benchmarks/parity_original_worker.py``), at the same time. Per episode: the final fractional
success (``last``; ours after 833 steps at skip 3, the original's after its 834), the mean over the
last 20 steps, the mean over the episode; for the original also the value at our last step
(``last_at_max``) and its own "last integrated" metric (first step + final 19), which measure what
our deliberate differences change. Writes ``parity.json`` (every episode, the draws, the command)
and ``parity.md`` (the tables) into ``--out``, and the original's per-protocol means into
``causalworld/baselines/data/original_pretrained.json`` (shown by ``causalworld evaluate --agent
pretrained`` next to ours).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

import causalworld  # noqa: F401  (registers the IDs)
from causalworld.baselines.pretrained_agents import PRETRAINED_TASKS, pretrained
from causalworld.benchmark.protocols import get_protocols
from causalworld.benchmark.sampling import OBJECT_STAGE, TASK_STAGE, draw_value, selected_variables
from causalworld.variables import InterventionError

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "parity_original_worker.py"
PACKAGE_DATA = ROOT / "causalworld" / "baselines" / "data" / "original_pretrained.json"
METRICS = ("last", "last_20", "full_integrated")
ENV_IDS = {"reaching": "Reaching", "pushing": "Pushing", "picking": "Picking", "pick_and_place": "PickAndPlace",
           "stacking2": "Stacking2"}
DRAW_ATTEMPTS = 10


def nest(flat: dict) -> dict:
    out: dict = {}
    for name, value in flat.items():
        obj, _, attribute = name.rpartition(".")
        if obj:
            out.setdefault(obj, {})[attribute] = value
        else:
            out[name] = value
    return out


def draw_interventions(task: str, protocol_names: list[str] | None, episodes: int, seed: int) -> list[dict]:
    """One accepted intervention per (protocol, episode), drawn in our env with seeded generators."""
    env = gym.make(f"CausalWorld-{ENV_IDS[task]}", **pretrained_settings(task)).unwrapped
    jobs = []
    for p_index, protocol in enumerate(get_protocols(task, protocol_names)):
        for index in range(episodes):
            rng = np.random.default_rng([seed, PRETRAINED_TASKS.index(task), p_index, index])
            intervention, reasons = None, []
            if protocol.variables or protocol.fully_random:
                env.set_intervention_space(protocol.space)
                env.reset(seed=0)
                for _ in range(DRAW_ATTEMPTS):
                    flat = {v.name: draw_value(v, rng, protocol) for stage in (TASK_STAGE, OBJECT_STAGE)
                            for v in selected_variables(protocol, env.variables, rng, stage)}
                    try:
                        result = env.do_intervention(flat)
                    except InterventionError as error:
                        result, reasons = None, [str(error)]
                    if result is not None and result.success:
                        intervention, reasons = nest(flat), []
                        break
                    reasons = list(result.reasons) if result is not None else reasons
            jobs.append({"task": task, "protocol": protocol.name, "index": index, "space": protocol.space.value,
                         "intervention": intervention, "draw_refused": reasons})
    env.close()
    return jobs


def pretrained_settings(task: str) -> dict:
    return dict(pretrained(task).env_kwargs)


def run_ours(jobs: list[dict], source: str | None) -> list[dict]:
    """Run every job in our env with the pretrained agent; per-episode metrics as in the worker."""
    envs, agents, results = {}, {}, []
    for job in jobs:
        task, precision = job["task"], job.get("precision", "float32")
        if (task, precision) not in agents:
            agents[(task, precision)] = pretrained(task, source=source, dtype=precision)
        if task not in envs:
            envs[task] = gym.make(f"CausalWorld-{ENV_IDS[task]}", **agents[(task, precision)].env_kwargs)
        env, agent = envs[task], agents[(task, precision)]
        start = time.perf_counter()
        cw = env.unwrapped
        cw.set_intervention_space(job["space"])
        obs, _ = env.reset(seed=0)
        applied = True
        if job["intervention"]:
            applied, obs = cw.do_intervention(job["intervention"])
        fractions, done = [], False
        while not done:
            obs, _, terminated, truncated, info = env.step(agent(obs))
            fractions.append(float(info["fractional_success"]))
            done = terminated or truncated
        results.append({**{k: job[k] for k in ("task", "protocol", "index")}, "applied": bool(applied),
                        "steps": len(fractions), "last": fractions[-1], "last_20": float(np.mean(fractions[-20:])),
                        "full_integrated": float(np.mean(fractions)), "seconds": time.perf_counter() - start})
    for env in envs.values():
        env.close()
    return results


def summarize(jobs: list[dict], ours: list[dict], original: list[dict] | None) -> list[dict]:
    """Per (task, protocol): means and standard deviations of every metric, in both packages."""
    rows = []
    keys = list(dict.fromkeys((j["task"], j["protocol"]) for j in jobs))
    for task, protocol in keys:
        row: dict = {"task": task, "protocol": protocol}
        for side, results in (("ours", ours), ("original", original or [])):
            chosen = [r for r in results if r["task"] == task and r["protocol"] == protocol]
            if not chosen:
                continue
            extra = ("last_at_max", "original_last_integrated") if side == "original" else ()
            for metric in (*METRICS, *extra):
                values = [r[metric] for r in chosen]
                row[f"{side}_{metric}"] = float(np.mean(values))
                row[f"{side}_{metric}_std"] = float(np.std(values))
            row[f"{side}_episodes"] = len(chosen)
            row[f"{side}_applied"] = sum(r["applied"] for r in chosen)
            if side == "original":
                row["original_in_bounds"] = sum(r["in_bounds"] for r in chosen)
        row["intervened"] = sum(1 for j in jobs if j["task"] == task and j["protocol"] == protocol
                                and j["intervention"])
        if "original_last" in row:
            row["difference_last"] = row["ours_last"] - row["original_last"]
            both = _applied_in_both(task, protocol, ours, original or [])
            row["both_applied"] = len(both)
            if both:
                row["difference_last_both_applied"] = float(np.mean([a["last"] - b["last"] for a, b in both]))
        rows.append(row)
    return rows


def _applied_in_both(task: str, protocol: str, ours: list[dict], original: list[dict]) -> list[tuple[dict, dict]]:
    """(ours, original) episode pairs of one protocol whose intervention both packages applied."""
    theirs = {r["index"]: r for r in original if r["task"] == task and r["protocol"] == protocol}
    return [(r, theirs[r["index"]]) for r in ours if r["task"] == task and r["protocol"] == protocol
            and r["index"] in theirs and r["applied"] and theirs[r["index"]]["applied"]]


def markdown(rows: list[dict], command: str) -> str:
    lines = [f"Command: `{command}`", "",
             "Final fractional success (mean ± std over episodes); Δ = ours - original; Δ both: the mean "
             "difference over the episodes whose intervention both packages applied (the original's "
             "feasibility check refused a few). *applied*: episodes whose intervention each env applied; "
             "*orig. in bounds*: draws the original's own bounds check would have accepted (its spaces keep the "
             "last size intervention's heights across resets and protocols).", "",
             "| task | protocol | episodes | ours last FS | original last FS | Δ | Δ both | ours full FS "
             "| original full FS | applied ours/orig. | orig. in bounds |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    def cell(r, side, metric):
        key = f"{side}_{metric}"
        return f"{r[key]:.2f} ± {r[key + '_std']:.2f}" if key in r else "—"

    for r in rows:
        delta = f"{r['difference_last']:+.2f}" if "difference_last" in r else "—"
        both = f"{r['difference_last_both_applied']:+.2f}" if "difference_last_both_applied" in r else "—"
        applied = f"{r.get('ours_applied', '—')}/{r.get('original_applied', '—')}" if r["intervened"] else "—"
        bounds = f"{r.get('original_in_bounds', '—')}" if r["intervened"] else "—"
        lines.append(f"| {r['task']} | {r['protocol']} | {r.get('ours_episodes', 0)} | {cell(r, 'ours', 'last')} | "
                     f"{cell(r, 'original', 'last')} | {delta} | {both} | {cell(r, 'ours', 'full_integrated')} | "
                     f"{cell(r, 'original', 'full_integrated')} | {applied} | {bounds} |")
    return "\n".join(lines) + "\n"


def package_data(rows: list[dict], command: str) -> dict:
    """The original's measured means, for ``causalworld evaluate --agent pretrained`` to show."""
    data: dict = {"source": "the original authors' agents in the original CausalWorld 1.2, measured side by "
                            "side by benchmarks/parity.py", "command": command, "tasks": {}}
    for r in rows:
        if "original_last" in r:
            data["tasks"].setdefault(r["task"], {})[r["protocol"]] = {
                "episodes": r["original_episodes"], **{m: round(r[f"original_{m}"], 4) for m in METRICS}}
    return data


def resummarize(path: Path, out: Path) -> int:
    """Recompute the summary, tables and package data of an earlier run (no episode is run again)."""
    report = json.loads(path.read_text())
    rows = summarize(report["jobs"], report["ours"], report["original"])
    report["summary"] = rows
    out.mkdir(parents=True, exist_ok=True)
    (out / "parity.json").write_text(json.dumps(report, indent=1))
    (out / "parity.md").write_text(markdown(rows, report["command"]))
    if report["original"] is not None:
        PACKAGE_DATA.write_text(json.dumps(package_data(rows, report["command"]), indent=1) + "\n")
    print(markdown(rows, report["command"]))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--original-python", default=None, help="the original's interpreter (side by side)")
    parser.add_argument("--tasks", nargs="*", default=list(PRETRAINED_TASKS), help="default-goal tasks")
    parser.add_argument("--episodes", type=int, default=10, help="default-goal episodes per task")
    parser.add_argument("--protocol-tasks", nargs="*", default=["pushing", "picking", "pick_and_place"])
    parser.add_argument("--protocols", nargs="*", default=None, help="protocol names (default: all)")
    parser.add_argument("--protocol-episodes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", default=None, help="the original's wheel or agent folder (default: cache/fetch)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "parity")
    parser.add_argument("--summarize", type=Path, default=None,
                        help="only rewrite the tables from an earlier run's parity.json (its command is kept)")
    args = parser.parse_args(argv)
    if args.summarize is not None:
        return resummarize(args.summarize, args.out)
    command = "python benchmarks/parity.py " + " ".join(sys.argv[1:] if argv is None else argv)
    jobs = [{"task": t, "protocol": "default", "index": k, "space": "space_a_b", "intervention": None,
             "draw_refused": []} for t in args.tasks for k in range(args.episodes)]
    # the same default-goal episode with the policy computed in float64: how much one rollout's outcome
    # depends on rounding (the agents ran in float32 in the original's TensorFlow)
    jobs += [{"task": t, "protocol": "default-float64", "index": 0, "space": "space_a_b", "intervention": None,
              "draw_refused": [], "precision": "float64"} for t in args.tasks]
    for task in args.protocol_tasks:
        jobs += draw_interventions(task, args.protocols, args.protocol_episodes, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    worker = None
    with tempfile.TemporaryDirectory() as tmp:
        jobs_path, results_path = Path(tmp) / "jobs.json", Path(tmp) / "original.json"
        if args.original_python:
            jobs_path.write_text(json.dumps({"jobs": jobs}))
            worker = subprocess.Popen([args.original_python, str(WORKER), str(jobs_path), str(results_path)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = time.perf_counter()
        ours = run_ours(jobs, args.source)
        ours_seconds = time.perf_counter() - start
        original = None
        if worker is not None:
            if worker.wait() != 0:
                raise RuntimeError(f"the original's worker failed (exit {worker.returncode})")
            original = json.loads(results_path.read_text())["results"]
    rows = summarize(jobs, ours, original)
    report = {"command": command, "seed": args.seed, "ours_seconds": ours_seconds, "jobs": jobs, "ours": ours,
              "original": original, "summary": rows}
    (args.out / "parity.json").write_text(json.dumps(report, indent=1))
    (args.out / "parity.md").write_text(markdown(rows, command))
    if original is not None:
        PACKAGE_DATA.parent.mkdir(parents=True, exist_ok=True)
        PACKAGE_DATA.write_text(json.dumps(package_data(rows, command), indent=1) + "\n")
    print(markdown(rows, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())

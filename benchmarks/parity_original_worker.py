"""Run the original authors' agents in the ORIGINAL CausalWorld 1.2 (the other half of benchmarks/parity.py).

Run with the original's interpreter; it imports nothing of ours (stand-alone on purpose)::

    /work/orig/bin/python benchmarks/parity_original_worker.py JOBS.json RESULTS.json

``JOBS.json``: ``{"jobs": [{"task": ..., "protocol": ..., "index": ..., "space": ..., "intervention":
{nested dict} or null}, ...]}``. For each job: build (once per task) ``CausalWorld(generate_task(task),
skip_frame=3, seed=0)``, reset, set the protocol's space, apply the given intervention with
``do_intervention(..., check_bounds=False)`` (the same scene as in ours; whether the original's own
bounds check accepts it is recorded as ``in_bounds``), then run the agent to the end of the episode
(the original's length, max + 1 steps) and record the episode's metrics (:func:`metrics`).

The agent is the deterministic policy of the zip in the original's package: two tanh layers and a
linear mean, clipped to [-1, 1], computed in the job's ``precision`` (float32 by default, as its
TensorFlow did); only the ``parameters`` member (``.npy`` arrays, no pickle) is read.
"""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

AGENT_FILES = {"reaching": "reaching_ppo_curr1.zip", "pushing": "pushing_ppo_curr1.zip",
               "picking": "picking_ppo_curr1.zip", "pick_and_place": "pick_and_place_ppo_curr0.zip",
               "stacking2": "stacking2_ppo_curr1.zip"}
LAYERS = ("model/shared_fc0", "model/shared_fc1", "model/pi")


def load_policy(task: str, dtype=np.float32):
    import causal_world

    path = Path(causal_world.__file__).parent / "assets" / "baseline_actors" / AGENT_FILES[task]
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(io.BytesIO(archive.read("parameters"))) as params:
        arrays = {name[:-4]: np.load(io.BytesIO(params.read(name)), allow_pickle=False) for name in params.namelist()}
    weights = [(arrays[f"{layer}/w:0"].astype(dtype), arrays[f"{layer}/b:0"].astype(dtype)) for layer in LAYERS]

    def act(observation):
        x = np.asarray(observation, dtype=dtype)
        (w0, b0), (w1, b1), (wp, bp) = weights
        return np.clip(np.tanh(np.tanh(x @ w0 + b0) @ w1 + b1) @ wp + bp, -1.0, 1.0)

    return act


def metrics(fractions: list[float]) -> dict[str, float]:
    """Per-episode metrics of a run of per-step fractional successes (the original's length: max + 1 steps).

    ``last`` is the final step's value and ``last_20`` the mean of the final 20 steps; ``last_at_max`` the
    value one step earlier, at the step where our episodes end; ``original_last_integrated`` the
    original's "last integrated" metric as its code computes it (the first step and the final 19).
    """
    return {"steps": len(fractions), "last": fractions[-1], "last_at_max": fractions[-2],
            "full_integrated": float(np.mean(fractions)), "last_20": float(np.mean(fractions[-20:])),
            "original_last_integrated": float(np.mean([fractions[-i] for i in range(20)]))}


def as_arrays(value):
    """Nested lists -> numpy arrays, as the original's intervention code expects."""
    if isinstance(value, dict):
        return {k: as_arrays(v) for k, v in value.items()}
    if isinstance(value, list):
        return np.array(value, dtype=np.float64)
    return value


def main(jobs_path: str, results_path: str) -> None:
    from causal_world.envs import CausalWorld
    from causal_world.task_generators import generate_task

    CausalWorld.observation_space = None  # its class-level spaces break on gym 0.26
    CausalWorld.action_space = None
    jobs = json.loads(Path(jobs_path).read_text())["jobs"]
    envs, policies, results = {}, {}, []
    for job in jobs:
        task = job["task"]
        precision = job.get("precision", "float32")
        if task not in envs:
            envs[task] = CausalWorld(task=generate_task(task), skip_frame=3, seed=0)
        if (task, precision) not in policies:
            policies[(task, precision)] = load_policy(task, np.dtype(precision))
        env, act = envs[task], policies[(task, precision)]
        start = time.perf_counter()
        obs = env.reset()
        applied, in_bounds = True, True
        if job.get("intervention"):
            env.set_intervention_space(job["space"])
            intervention = as_arrays(job["intervention"])
            in_bounds = bool(env.get_task().is_intervention_in_bounds(as_arrays(job["intervention"])))
            applied, obs = env.do_intervention(intervention, check_bounds=False)
            applied = bool(applied)
        fractions, done = [], False
        while not done:
            obs, reward, done, info = env.step(act(obs))
            fractions.append(float(info["fractional_success"]))
        results.append({**{k: job[k] for k in ("task", "protocol", "index")}, "applied": applied,
                        "in_bounds": in_bounds, **metrics(fractions), "seconds": time.perf_counter() - start})
        print(f"{task} {job['protocol']} #{job['index']}: final {fractions[-1]:.3f}", file=sys.stderr, flush=True)
        Path(results_path).write_text(json.dumps({"results": results}))
    for env in envs.values():
        env.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])

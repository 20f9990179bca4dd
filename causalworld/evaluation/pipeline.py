"""``evaluate``: run an agent on a task's protocols and score it, locally or on Ray.

Every episode is an independent job (:mod:`causalworld.evaluation.runner`) whose seeds derive from
``(seed, protocol name, episode index)`` only, so the scores are identical whatever the backend
and the number of workers, provided the agent is deterministic given its observations and the
seed its ``reset(seed=...)`` receives (every built-in agent is).

Backends:

* ``"local"``: ``workers=1`` runs in this process; more workers are spawned processes
  (``concurrent.futures``), each with its own env and a copy of the agent;
* ``"ray"``: episodes are Ray tasks on ``workers`` actors of the Ray cluster ``ray.init`` reaches
  (:mod:`causalworld.evaluation.ray_backend`).
"""

from __future__ import annotations

import json
import multiprocessing
import platform
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from causalworld.baselines.model_files import ModelFile, load_sb3_model, read_model_file
from causalworld.baselines.pretrained_agents import pretrained
from causalworld.benchmark.protocols import Protocol, get_protocols
from causalworld.evaluation.agents import is_model_path, trained_env_kwargs
from causalworld.evaluation.results import EpisodeResult, EvaluationResult, ProtocolResult
from causalworld.evaluation.runner import EpisodeJob, EpisodeRunner, plan_jobs
from causalworld.tasks import TASKS

DEFAULT_EPISODES = 10
"""Episodes per protocol unless told (the original used 200)."""
BACKENDS = ("local", "ray")

ProgressCallback = Callable[[EpisodeResult], None]
"""Called once per finished episode, in completion order."""


def evaluate(
    agent: Any,
    task: str,
    protocols: Sequence[str | Protocol] | None = None,
    episodes: int = DEFAULT_EPISODES,
    seed: int = 0,
    backend: str = "local",
    workers: int = 1,
    env_kwargs: dict[str, Any] | None = None,
    max_attempts: int = 10,
    ray_address: str | None = None,
    progress: ProgressCallback | None = None,
    agent_label: str | None = None,
    trust_model_file: bool = False,
) -> EvaluationResult:
    """Evaluate ``agent`` on ``task`` under each protocol for ``episodes`` episodes.

    Args:
        agent: a callable obs -> action (optionally with ``reset``), a stable-baselines3 model, or a
            name: "random", "scripted", "pretrained", or a model ``.zip`` path (see
            :mod:`causalworld.evaluation.agents`). An agent with an ``env_kwargs`` dict (the
            pretrained agents) and "pretrained" get their env settings (skip frame 3, ...).
        task: task family ("pushing", ...).
        protocols: protocol names of the task (default: all of its protocols), or Protocol objects.
        episodes: episodes per protocol (>= 1).
        seed: evaluation seed (>= 0); each episode's seeds derive from it, the protocol and the index.
        backend: "local" or "ray".
        workers: parallel workers (processes locally, actors on Ray).
        env_kwargs: :class:`causalworld.CausalWorldEnv` kwargs (JSON-able), e.g.
            ``{"max_episode_length": 50}`` for short episodes (env steps) or ``{"skip_frame": 3}``.
            For a model file written by ``causalworld train``, the settings it was trained with
            (skip frame, action mode, normalization) are read from its ``config.json`` first.
        max_attempts: interventions drawn per episode before the episode runs the default scene.
        ray_address: passed to ``ray.init(address=...)`` when Ray is not initialised yet.
        progress: called with each finished episode.
        agent_label: the agent's name in the result (default: the agent name or class name).
        trust_model_file: let a model file without the ``config.json`` of ``causalworld train`` be
            loaded by stable-baselines3's own loader, which unpickles parts of the file and so runs
            any code hidden in it (see :mod:`causalworld.baselines.model_files`). Off by default.

    Returns:
        An :class:`EvaluationResult`.

    Raises:
        ValueError: unknown task, backend or protocol; episodes, workers or max_attempts < 1;
            a negative seed; env kwargs that are not JSON-able.
    """
    resolved = _check_arguments(task, protocols, episodes, seed, backend, workers, max_attempts)
    env_kwargs = dict(env_kwargs or {})
    label = agent_label or _label(agent)
    if is_model_path(agent) and str(agent) not in ("random", "scripted"):
        # Read once here: workers (local or on other machines) get the bytes, never the path.
        agent = read_model_file(agent, trust_model_file)
        load_sb3_model(agent)  # a file that cannot be loaded stops here, with its reason, before any worker starts
    if isinstance(agent, ModelFile):
        env_kwargs = {**trained_env_kwargs(agent), **env_kwargs}  # the model's own settings, unless overridden
    elif isinstance(agent, str) and agent == "pretrained":  # their settings; fetched here, before any worker
        env_kwargs = {**pretrained(task).env_kwargs, **env_kwargs}
    elif isinstance(getattr(agent, "env_kwargs", None), dict):  # an agent object that knows its settings
        env_kwargs = {**agent.env_kwargs, **env_kwargs}
    try:
        json.dumps(env_kwargs)
    except TypeError as error:
        raise ValueError(f"env_kwargs must be JSON-able data: {error}") from None
    jobs = plan_jobs(resolved, episodes, seed)
    callback = progress or (lambda result: None)
    start = time.perf_counter()
    if backend == "ray":
        from causalworld.evaluation.ray_backend import run_on_ray

        results = run_on_ray(jobs, task, env_kwargs, agent, max_attempts, workers, ray_address, callback)
    elif workers == 1:
        results = _run_here(jobs, task, env_kwargs, agent, max_attempts, callback)
    else:
        results = _run_in_processes(jobs, task, env_kwargs, agent, max_attempts, workers, callback)
    elapsed = time.perf_counter() - start
    by_protocol: dict[str, list[EpisodeResult]] = {p.name: [] for p in resolved}
    for result in results:
        by_protocol[result.protocol].append(result)
    protocol_results = tuple(
        ProtocolResult(p.to_dict(), tuple(sorted(by_protocol[p.name], key=lambda e: e.index))) for p in resolved
    )
    run = {"backend": backend, "workers": workers, "seconds": elapsed, "episodes_run": len(jobs),
           "episodes_per_second": len(jobs) / elapsed if elapsed > 0 else None,
           "python": platform.python_version(), "max_attempts": max_attempts}
    return EvaluationResult(task, label, int(seed), episodes, env_kwargs, protocol_results, run)


def _check_arguments(task: str, protocols: Sequence[str | Protocol] | None, episodes: int, seed: int,
                     backend: str, workers: int, max_attempts: int) -> tuple[Protocol, ...]:
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; available tasks: {sorted(TASKS)}")
    for name, value, low in (("episodes", episodes, 1), ("workers", workers, 1), ("max_attempts", max_attempts, 1),
                             ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {list(BACKENDS)}, got {backend!r}")
    if protocols is not None and not isinstance(protocols, str) and all(isinstance(p, Protocol) for p in protocols):
        resolved = tuple(protocols)
        if not resolved:
            raise ValueError("name at least one protocol")
        if len({p.name for p in resolved}) != len(resolved):
            raise ValueError(f"protocol names repeat: {[p.name for p in resolved]}")
        return resolved
    return get_protocols(task, protocols)


def _label(agent: Any) -> str:
    if isinstance(agent, ModelFile):
        return Path(agent.name).name
    if isinstance(agent, (str, Path)):
        return Path(agent).name if str(agent).endswith(".zip") else str(agent)
    return type(agent).__name__


def _run_here(jobs: list[EpisodeJob], task: str, env_kwargs: dict[str, Any], agent: Any, max_attempts: int,
              callback: ProgressCallback) -> list[EpisodeResult]:
    runner = EpisodeRunner(task, env_kwargs, agent, max_attempts)
    results = []
    try:
        for job in jobs:
            results.append(runner.run(job))
            callback(results[-1])
    finally:
        runner.close()
    return results


_PROCESS_RUNNER: EpisodeRunner | None = None
"""The runner of a local worker process (set by its initializer; unused in the main process)."""


class _InMemoryAgent:
    """A caller's agent object, serialised in memory by this process for a spawned worker.

    Names and model files (:class:`ModelFile`: bytes and a JSON record) travel to workers as plain
    data. Only agent objects (a callable, a policy, a model object the caller already holds) are
    serialised, with cloudpickle so that lambdas and closures work too. These bytes are made here from
    an object already in this process's memory and go straight through the pool's pipe to a child
    this process spawned; they are never written to or read from a file, so no user file can reach
    ``cloudpickle.loads`` through this path (unpickling them can run nothing the caller's own object
    could not run in this process anyway).
    """

    def __init__(self, agent: Any) -> None:
        import cloudpickle

        self.blob = cloudpickle.dumps(agent)

    def restore(self) -> Any:
        import cloudpickle

        return cloudpickle.loads(self.blob)


def _init_process(task: str, env_kwargs: dict[str, Any], agent: Any, max_attempts: int) -> None:
    """Build the worker's runner (``agent``: a name, a :class:`ModelFile` or an :class:`_InMemoryAgent`)."""
    global _PROCESS_RUNNER
    if isinstance(agent, _InMemoryAgent):
        agent = agent.restore()
    _PROCESS_RUNNER = EpisodeRunner(task, env_kwargs, agent, max_attempts)


def _run_in_process(job: EpisodeJob) -> EpisodeResult:
    assert _PROCESS_RUNNER is not None, "worker process was not initialised"
    return _PROCESS_RUNNER.run(job)


def _run_in_processes(jobs: list[EpisodeJob], task: str, env_kwargs: dict[str, Any], agent: Any, max_attempts: int,
                      workers: int, callback: ProgressCallback) -> list[EpisodeResult]:
    shipped = agent if isinstance(agent, (str, ModelFile)) else _InMemoryAgent(agent)
    context = multiprocessing.get_context("spawn")
    results = []
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                             initializer=_init_process, initargs=(task, env_kwargs, shipped, max_attempts)) as pool:
        futures = [pool.submit(_run_in_process, job) for job in jobs]
        for future in as_completed(futures):
            results.append(future.result())
            callback(results[-1])
    return results


__all__ = ["BACKENDS", "DEFAULT_EPISODES", "evaluate"]

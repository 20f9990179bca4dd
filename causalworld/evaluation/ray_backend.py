"""Ray backend: evaluation episodes as Ray tasks on whatever cluster ``ray.init`` reaches.

When Ray is already initialised (``ray.init(address="auto")`` or ``ray.init(address="ray://head:10001")``
in your program), the episodes run on that cluster. Otherwise this module starts Ray itself:
``ray.init(address=ray_address)``, a new local instance with ``num_cpus=workers`` when no address
is given (and ``RAY_ADDRESS`` is unset); it shuts down what it started when the evaluation ends.

``workers`` actors (one CPU each) each own one env and one copy of the agent and run episode jobs
as they come (``ray.util.ActorPool``); results come back to the driver as data (no shared
filesystem is assumed), so they stream back for the progress bar. A model file is read on the
driver and its bytes go to the workers through Ray's object store: workers never open the
driver's paths. Every node needs ``causalworld`` installed (or ship it with
``runtime_env={"py_modules": [causalworld]}`` in your own ``ray.init``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from causalworld.baselines.model_files import read_model_file
from causalworld.evaluation.agents import is_model_path
from causalworld.evaluation.results import EpisodeResult
from causalworld.evaluation.runner import EpisodeJob, EpisodeRunner


class _RayWorker:
    """The body of a Ray actor: one runner, one episode per call."""

    def __init__(self, task: str, env_kwargs: dict[str, Any], agent: Any, max_attempts: int) -> None:
        self.runner = EpisodeRunner(task, env_kwargs, agent, max_attempts)

    def run(self, job: EpisodeJob) -> EpisodeResult:
        return self.runner.run(job)

    def close(self) -> None:
        self.runner.close()


def run_on_ray(jobs: list[EpisodeJob], task: str, env_kwargs: dict[str, Any], agent: Any, max_attempts: int,
               workers: int, address: str | None, callback: Callable[[EpisodeResult], None]) -> list[EpisodeResult]:
    """Run every job on ``workers`` Ray actors; returns the results in completion order.

    Raises:
        ImportError: Ray is not installed (``pip install 'causalworld[distributed]'``).
    """
    try:
        import ray
        from ray.util import ActorPool
    except ImportError:
        raise ImportError("the Ray backend needs Ray: pip install 'causalworld[distributed]'") from None
    if is_model_path(agent):
        agent = read_model_file(agent)  # the bytes travel; the path is the driver's alone
    started = False
    if not ray.is_initialized():
        options: dict[str, Any] = {"address": address, "include_dashboard": False, "log_to_driver": False}
        if address is None and not os.environ.get("RAY_ADDRESS"):
            options["num_cpus"] = workers
        ray.init(**options)
        started = True
    actors = []
    try:
        worker_class = ray.remote(num_cpus=1)(_RayWorker)
        agent_ref = ray.put(agent)
        count = min(workers, len(jobs))
        actors = [worker_class.remote(task, env_kwargs, agent_ref, max_attempts) for _ in range(count)]
        results = []
        for result in ActorPool(actors).map_unordered(lambda actor, job: actor.run.remote(job), jobs):
            results.append(result)
            callback(result)
        return results
    finally:
        for actor in actors:
            ray.kill(actor)
        if started:
            ray.shutdown()


__all__ = ["run_on_ray"]

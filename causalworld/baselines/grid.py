"""The paper's experimental grid: algorithm x curriculum x seed, trained and evaluated, in one call.

``run_grid`` trains one model per cell of the grid with :func:`causalworld.baselines.training.train`,
evaluates each on the task's protocols with :func:`causalworld.evaluation.evaluate`, and writes

- ``<out>/<algo>_<curriculum>_s<seed>/``: each run's model, config, learning curve and ``scores.json``;
- ``<out>/grid.json``: every run's scores;
- ``<out>/report.md`` and charts: the seeds of each (algorithm, curriculum) pooled, labelled as in
  the paper (``PPO(0)`` ... ``TD3(2)``; 0 no curriculum, 1 goal, 2 random).

Runs fan out as Ray tasks (``backend="ray"``, one CPU each) on whatever cluster ``ray.init`` reaches,
or run one after the other in this process (``backend="local"``). Both give the same scores.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causalworld.baselines.config import ALGORITHMS, CURRICULA, ConfigError, load_config
from causalworld.io_utils import write_text_atomically

CURRICULUM_INDEX = {"none": 0, "goal": 1, "random": 2}
"""The paper's curriculum numbers."""


@dataclass(frozen=True)
class GridRun:
    """One cell of the grid."""

    algo: str
    curriculum: str
    seed: int

    @property
    def name(self) -> str:
        """Folder name of the run: ``<algo>_<curriculum>_s<seed>``."""
        return f"{self.algo}_{self.curriculum}_s{self.seed}"

    @property
    def label(self) -> str:
        """The paper's label of the run's group, e.g. ``SAC(1)``."""
        return f"{self.algo.upper()}({CURRICULUM_INDEX[self.curriculum]})"


def plan_grid(algos: Sequence[str], curricula: Sequence[str], seeds: Sequence[int]) -> list[GridRun]:
    """Every (algorithm, curriculum, seed), in that nesting order; refuses unknown names and repeats."""
    for name, values, allowed in (("algorithm", algos, ALGORITHMS), ("curriculum", curricula, CURRICULA)):
        unknown = [v for v in values if v not in allowed]
        if unknown or not values:
            raise ConfigError(f"unknown or missing {name} {unknown}: expected some of {allowed}")
    if not seeds or len(set(seeds)) != len(seeds) or any(not isinstance(s, int) or s < 0 for s in seeds):
        raise ConfigError(f"seeds must be distinct non-negative integers, got {list(seeds)}")
    return [GridRun(a, c, s) for a, c, s in itertools.product(algos, curricula, seeds)]


def run_one(run: GridRun, task: str, out: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Train and evaluate one cell; returns ``{"run": ..., "scores_path": ...}`` (JSON-able)."""
    from causalworld.baselines.training import train, with_overrides
    from causalworld.evaluation import evaluate

    config = with_overrides(
        load_config(run.algo, task, settings.get("hyperparams_dir")),
        n_timesteps=settings.get("timesteps"),
        n_envs=settings.get("n_envs"),
        hyperparams=settings.get("hyperparams"),
        env_kwargs=settings.get("env_kwargs"),
    )
    run_dir = Path(out) / run.name
    trained = train(config, run_dir, run.curriculum, run.seed, eval_freq=settings.get("eval_freq"),
                    eval_episodes=settings.get("eval_episodes", 1), progress=False)
    result = evaluate(str(trained.model_path), _task_name(task), settings.get("protocols"),
                      episodes=settings.get("episodes", 2), seed=settings.get("evaluation_seed", 0),
                      env_kwargs=settings.get("evaluation_env_kwargs"), agent_label=run.label)
    result.save(run_dir / "scores.json")
    return {"run": run.name, "algo": run.algo, "curriculum": run.curriculum, "seed": run.seed,
            "label": run.label, "scores_path": str(run_dir / "scores.json"), "scores": result.scores()}


def _task_name(task_or_id: str) -> str:
    from causalworld.baselines.config import env_id_for
    from causalworld.registration import ENV_IDS

    return str(ENV_IDS[env_id_for(task_or_id)]["task"])


def run_grid(
    task: str,
    out: str | Path,
    algos: Sequence[str] = ("ppo", "sac", "td3"),
    curricula: Sequence[str] = CURRICULA,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    backend: str = "local",
    ray_address: str | None = None,
    **settings: Any,
) -> dict[str, Any]:
    """Train and evaluate the grid; see the module doc. Returns the contents of ``grid.json``.

    Args:
        task: task name or Gymnasium ID.
        out: output folder.
        algos: algorithms (``ppo``, ``sac``, ``td3``, ``her-sac``).
        curricula: ``none``, ``goal``, ``random``.
        seeds: training seeds, one run each.
        backend: ``"local"`` or ``"ray"``.
        ray_address: ``ray.init(address=...)`` when Ray is not running yet (None: a local Ray).
        **settings: ``timesteps``, ``n_envs``, ``hyperparams``, ``env_kwargs``, ``hyperparams_dir``,
            ``eval_freq``, ``eval_episodes`` (training); ``protocols``, ``episodes``,
            ``evaluation_seed``, ``evaluation_env_kwargs`` (evaluation).
    """
    if backend not in ("local", "ray"):
        raise ConfigError(f"backend must be 'local' or 'ray', got {backend!r}")
    runs = plan_grid(list(algos), list(curricula), list(seeds))
    task = _task_name(task)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if backend == "ray":
        records = _run_on_ray(runs, task, str(out), settings, ray_address)
    else:
        records = [run_one(run, task, str(out), settings) for run in runs]
    summary = {"task": task, "backend": backend, "settings": _jsonable(settings), "runs": records}
    write_text_atomically(out / "grid.json", json.dumps(summary, indent=2))
    _write_pooled_outputs(records, out)
    return summary


def _run_on_ray(runs: list[GridRun], task: str, out: str, settings: dict[str, Any], address: str | None) -> list:
    import ray

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    remote = ray.remote(num_cpus=1)(run_one)
    return ray.get([remote.remote(run, task, out, settings) for run in runs])


def _write_pooled_outputs(records: list[dict[str, Any]], out: Path) -> None:
    """Pool the seeds of each label into one result; write charts and ``report.md``."""
    from causalworld.evaluation.results import EvaluationResult, ProtocolResult

    pooled: dict[str, EvaluationResult] = {}
    for label in dict.fromkeys(r["label"] for r in records):
        results = [EvaluationResult.load(r["scores_path"]) for r in records if r["label"] == label]
        first = results[0]
        protocols = []
        for position, protocol in enumerate(first.protocols):
            episodes = [e for result in results for e in result.protocols[position].episodes]
            protocols.append(ProtocolResult(protocol.protocol, tuple(episodes)))
        pooled[label] = EvaluationResult(first.task, label, first.seed, first.episodes * len(results),
                                         first.env_kwargs, tuple(protocols), {"seeds": len(results)})
    charts: list[Path] = []
    try:
        from causalworld.evaluation.plots import write_charts

        charts = write_charts(pooled, out)
    except ImportError:
        pass
    lines = [f"# Grid on {next(iter(pooled.values())).task}", "",
             "Mean full integrated fractional success per protocol, seeds pooled (episodes of every seed).", ""]
    names = [p.name for p in next(iter(pooled.values())).protocols]
    lines += ["| agent | seeds | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for label, result in pooled.items():
        scores = result.scores()
        cells = [f"{scores[n]['mean_full_integrated_fractional_success']:.3f}" for n in names]
        lines.append(f"| {label} | {result.run['seeds']} | " + " | ".join(cells) + " |")
    lines += [""] + [f"![{p.stem}]({p.name})" for p in charts if p.suffix == ".png"] + [""]
    write_text_atomically(out / "report.md", "\n".join(lines))


def _jsonable(settings: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(settings, default=str))

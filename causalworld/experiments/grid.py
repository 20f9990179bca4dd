"""The paper's experimental grid: algorithm x curriculum x seed, trained and evaluated, in one call.

``run_grid`` trains one model per cell of the grid with :func:`causalworld.baselines.training.train`,
evaluates each on the task's protocols with :func:`causalworld.evaluation.evaluate`, and writes

- ``<out>/<algo>_<curriculum>_s<seed>/``: each run's model, config, learning curve and ``scores.json``;
- ``<out>/grid.json``: the preset, the resolved settings and every run's scores;
- ``<out>/report.md`` and charts: the seeds of each (algorithm, curriculum) pooled, labelled as in
  the paper (``PPO(0)`` ... ``TD3(2)``; 0 no curriculum, 1 goal, 2 random).

Settings come from a preset of :data:`GRID_PRESETS` (``smoke``, the default: a quick check that
the grid runs; ``paper``: the paper's settings), overridden by whatever the caller gives.

Runs fan out as Ray tasks (``backend="ray"``, one CPU each) on whatever cluster ``ray.init`` reaches,
or run one after the other in this process (``backend="local"``). Both give the same scores. On Ray
nothing goes through a shared filesystem: the training configurations are resolved here (YAML read
on this machine) and shipped as data, each worker trains in a temporary folder of its own, and
every file of the run comes back to this process as bytes, together with the scores; this process
writes them all under ``out``.
"""

from __future__ import annotations

import copy
import itertools
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causalworld.baselines.config import ALGORITHMS, CURRICULA, ConfigError, TrainingConfig, env_id_for, load_config
from causalworld.evaluation import evaluate
from causalworld.evaluation.results import EvaluationResult, ProtocolResult
from causalworld.files.atomic import write_bytes_atomically, write_text_atomically
from causalworld.registration import ENV_IDS

CURRICULUM_INDEX = {"none": 0, "goal": 1, "random": 2}
"""The paper's curriculum numbers."""

GRID_PRESETS: dict[str, dict[str, Any]] = {
    "smoke": {
        "about": "a quick check that the whole grid runs end to end: one seed, 2,000 training steps per run on "
                 "1 env, small PPO rollouts and replay buffers, 2 evaluation episodes per protocol",
        "algos": ["ppo", "sac", "td3"], "curricula": ["none", "goal", "random"], "seeds": [0],
        "timesteps": 2000, "n_envs": 1, "env_kwargs": {}, "eval_episodes": 1, "episodes": 2,
        "hyperparams_by_algo": {"ppo": {"n_steps": 500, "batch_size": 100},
                                "sac": {"buffer_size": 10000}, "td3": {"buffer_size": 10000}},
    },
    "paper": {
        "about": "the paper's grid (reproduce_experiments.py of CausalWorld 1.2): PPO, SAC and TD3 x the three "
                 "curricula x seeds 0-4; the budgets of the YAML files (PPO 100 M steps on 20 envs, SAC and TD3 "
                 "10 M on 1); skip frame 3; 200 evaluation episodes per protocol",
        "algos": ["ppo", "sac", "td3"], "curricula": ["none", "goal", "random"], "seeds": [0, 1, 2, 3, 4],
        "timesteps": None, "n_envs": None, "env_kwargs": {"skip_frame": 3}, "eval_episodes": 3, "episodes": 200,
        "hyperparams_by_algo": {},
    },
}
"""Grid settings by name. ``None`` keeps the value of the algorithm's YAML entry. Keys: ``algos``,
``curricula``, ``seeds``; training: ``timesteps``, ``n_envs``, ``env_kwargs``, ``eval_episodes``,
``hyperparams_by_algo`` (SB3 arguments per algorithm, over the YAML); evaluation: ``episodes`` per
protocol. Callers may also give ``hyperparams`` (every algorithm), ``hyperparams_dir``, ``eval_freq``,
``protocols``, ``evaluation_seed`` and ``evaluation_env_kwargs``."""
SETTING_KEYS = frozenset(set(GRID_PRESETS["smoke"]) - {"about"} | {
    "hyperparams", "hyperparams_dir", "eval_freq", "protocols", "evaluation_seed", "evaluation_env_kwargs"})


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


def resolve_settings(preset: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """The preset's settings with the given ones (not None) on top; refuses unknown presets and keys."""
    if preset not in GRID_PRESETS:
        raise ConfigError(f"unknown grid preset {preset!r}: expected one of {sorted(GRID_PRESETS)}")
    unknown = set(overrides) - SETTING_KEYS
    if unknown:
        raise ConfigError(f"unknown grid settings {sorted(unknown)}: expected some of {sorted(SETTING_KEYS)}")
    settings = {k: v for k, v in copy.deepcopy(GRID_PRESETS[preset]).items() if k != "about"}
    for key, value in copy.deepcopy(overrides).items():
        if value is None:
            continue
        if key == "env_kwargs":  # merged: the preset's skip frame stays unless the caller sets one
            value = {**settings["env_kwargs"], **value}
        elif key == "hyperparams_by_algo":
            value = {a: {**settings[key].get(a, {}), **value.get(a, {})} for a in {*settings[key], *value}}
        settings[key] = value
    return settings


def training_config(run: GridRun, task: str, settings: dict[str, Any]) -> TrainingConfig:
    """The run's configuration: YAML entry, then the preset's per-algorithm values, then the caller's."""
    config = load_config(run.algo, task, settings.get("hyperparams_dir"))
    hyperparams = {**settings.get("hyperparams_by_algo", {}).get(run.algo, {}), **(settings.get("hyperparams") or {})}
    from causalworld.baselines.training import with_overrides  # needs stable-baselines3 (the baselines extra)

    return with_overrides(config, n_timesteps=settings.get("timesteps"), n_envs=settings.get("n_envs"),
                          hyperparams=hyperparams, env_kwargs=settings.get("env_kwargs"))


def run_one(run: GridRun, task: str, config: TrainingConfig, settings: dict[str, Any],
            work_dir: str | None = None) -> dict[str, Any]:
    """Train and evaluate one cell; returns its record, its result and (without ``work_dir``) its files.

    With ``work_dir`` the run trains there (the local backend: the caller's own folder). Without it
    (Ray) the run trains in a temporary folder that is deleted afterwards, and every file it wrote
    comes back in ``"files"`` (relative path -> bytes). Everything returned is plain data.
    """
    from causalworld.baselines.training import train  # needs stable-baselines3 (the baselines extra)

    with tempfile.TemporaryDirectory(prefix=f"causalworld-{run.name}-") as scratch:
        folder = Path(work_dir or scratch)
        trained = train(config, folder, run.curriculum, run.seed, eval_freq=settings.get("eval_freq"),
                        eval_episodes=settings.get("eval_episodes", 1), progress=False)
        result = evaluate(str(trained.model_path), task, settings.get("protocols"),
                          episodes=settings.get("episodes", 2), seed=settings.get("evaluation_seed", 0),
                          env_kwargs=settings.get("evaluation_env_kwargs"), agent_label=run.label)
        files = {} if work_dir else {str(p.relative_to(folder)): p.read_bytes()
                                     for p in sorted(folder.rglob("*")) if p.is_file()}
    record = {"run": run.name, "algo": run.algo, "curriculum": run.curriculum, "seed": run.seed,
              "label": run.label, "scores": result.scores()}
    return {"record": record, "result": result.to_dict(), "files": files}


def _task_name(task_or_id: str) -> str:
    return str(ENV_IDS[env_id_for(task_or_id)]["task"])


def run_grid(
    task: str,
    out: str | Path,
    algos: Sequence[str] | None = None,
    curricula: Sequence[str] | None = None,
    seeds: Sequence[int] | None = None,
    backend: str = "local",
    ray_address: str | None = None,
    preset: str = "smoke",
    **settings: Any,
) -> dict[str, Any]:
    """Train and evaluate the grid; see the module doc. Returns the contents of ``grid.json``.

    Args:
        task: task name or Gymnasium ID.
        out: output folder (on this machine; Ray workers never see it).
        algos: algorithms (default: the preset's).
        curricula: curricula (default: the preset's).
        seeds: training seeds, one run each (default: the preset's).
        backend: ``"local"`` or ``"ray"``.
        ray_address: ``ray.init(address=...)`` when Ray is not running yet (None: a local Ray).
        preset: a name of :data:`GRID_PRESETS` (``"smoke"`` or ``"paper"``).
        **settings: any key of :data:`SETTING_KEYS`, over the preset (None keeps the preset's value).
    """
    if backend not in ("local", "ray"):
        raise ConfigError(f"backend must be 'local' or 'ray', got {backend!r}")
    resolved = resolve_settings(preset, {**settings, "algos": algos, "curricula": curricula, "seeds": seeds})
    runs = plan_grid(list(resolved["algos"]), list(resolved["curricula"]), list(resolved["seeds"]))
    task = _task_name(task)
    configs = [training_config(run, task, resolved) for run in runs]  # YAML is read here, never on a worker
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if backend == "ray":
        outputs = _run_on_ray(runs, task, configs, resolved, ray_address)
    else:
        outputs = []
        for run, config in zip(runs, configs):
            (out / run.name).mkdir(parents=True, exist_ok=True)
            outputs.append(run_one(run, task, config, resolved, str(out / run.name)))
    results = {}
    for run, output in zip(runs, outputs):
        _write_run(out / run.name, output)
        results[run.name] = output["result"]
    records = [output["record"] for output in outputs]
    summary = {"task": task, "backend": backend, "preset": preset, "settings": _jsonable(resolved), "runs": records}
    write_text_atomically(out / "grid.json", json.dumps(summary, indent=2))
    _write_pooled_outputs(records, results, out)
    return summary


def _write_run(folder: Path, output: dict[str, Any]) -> None:
    """Write a run's returned files (Ray) and its scores under ``folder``."""
    for relative, data in output["files"].items():
        target = (folder / relative).resolve()
        if folder.resolve() not in target.parents:
            raise ValueError(f"a grid worker returned a file outside its run folder: {relative!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(target, data)
    EvaluationResult.from_dict(output["result"]).save(folder / "scores.json")


def _run_on_ray(runs: list[GridRun], task: str, configs: list[TrainingConfig], settings: dict[str, Any],
                address: str | None) -> list[dict[str, Any]]:
    import ray

    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        remote = ray.remote(num_cpus=1)(run_one)
        return ray.get([remote.remote(run, task, config, settings) for run, config in zip(runs, configs)])
    finally:
        if started:
            ray.shutdown()


def _write_pooled_outputs(records: list[dict[str, Any]], results: dict[str, dict[str, Any]], out: Path) -> None:
    """Pool the seeds of each label into one result; write charts and ``report.md``."""
    pooled: dict[str, EvaluationResult] = {}
    for label in dict.fromkeys(r["label"] for r in records):
        group = [EvaluationResult.from_dict(results[r["run"]]) for r in records if r["label"] == label]
        first = group[0]
        protocols = []
        for position, protocol in enumerate(first.protocols):
            episodes = [e for result in group for e in result.protocols[position].episodes]
            protocols.append(ProtocolResult(protocol.protocol, tuple(episodes)))
        pooled[label] = EvaluationResult(first.task, label, first.seed, first.episodes * len(group),
                                         first.env_kwargs, tuple(protocols), {"seeds": len(group)})
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

"""``causalworld grid``: the experimental grid (algorithm x curriculum x seed) on one task.

Each run trains, then is evaluated on the task's protocols; the runs fan out as Ray tasks with
``--backend ray`` (on the cluster ``--ray-address`` names, or a local Ray) or run one after the other.
Settings come from a preset (``--preset smoke``, the default, a quick end-to-end check; ``--preset
paper``, the paper's grid: see :data:`causalworld.experiments.grid.GRID_PRESETS`); every other option
overrides the preset. Example: ``causalworld grid --task pushing --preset paper --backend ray
--ray-address auto --out runs/grid``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from causalworld.cli.commands.train import parse_assignments

NAME = "grid"
HELP = "train and evaluate algorithm x curriculum x seed on a task (a smoke check or the paper's grid)"
PRESETS = ("smoke", "paper")
"""The names of ``causalworld.experiments.grid.GRID_PRESETS`` (kept here so --help needs no baselines extra)."""


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``causalworld grid``."""
    parser.add_argument("--task", default="pushing")
    parser.add_argument("--preset", choices=PRESETS, default="smoke",
                        help="smoke (default): 1 seed, 2000 steps per run, 2 evaluation episodes; paper: 3 algorithms "
                             "x 3 curricula x 5 seeds, the YAML budgets (PPO 100 M steps on 20 envs, SAC/TD3 10 M), "
                             "skip frame 3, 200 evaluation episodes per protocol")
    parser.add_argument("--algos", default=None, help="comma-separated (default: the preset's)")
    parser.add_argument("--curricula", default=None, help="comma-separated (default: the preset's)")
    parser.add_argument("--seeds", default=None, help="comma-separated integers (default: the preset's)")
    parser.add_argument("--timesteps", type=int, default=None, help="steps per run (default: the preset's)")
    parser.add_argument("--n-envs", type=int, default=None, help="environments per run (default: the preset's)")
    parser.add_argument("--episodes", type=int, default=None, help="evaluation episodes per protocol (preset's)")
    parser.add_argument("--protocols", default=None, help="comma-separated protocol names (default: all)")
    parser.add_argument("--backend", choices=("local", "ray"), default="local")
    parser.add_argument("--ray-address", default=None, help="Ray cluster address (default: a local Ray)")
    parser.add_argument("--hyperparams-dir", type=Path, default=None, help="folder of YAML files to use instead")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="override an SB3 hyperparameter")
    parser.add_argument("--env", action="append", metavar="KEY=VALUE", help="override an environment argument")
    parser.add_argument("--out", type=Path, required=True)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``causalworld grid``; returns the exit status."""
    try:
        from causalworld.baselines.config import ConfigError
        from causalworld.experiments.grid import run_grid
    except ImportError as error:
        parser.error(f"the grid needs the baselines extra (pip install 'causalworld[baselines]'): {error}")
    try:
        seeds = None if args.seeds is None else [int(s) for s in _names(args.seeds) or []]
        env_kwargs = parse_assignments(args.env, "--env") or None
        summary = run_grid(
            args.task, args.out, _names(args.algos), _names(args.curricula), seeds, backend=args.backend,
            ray_address=args.ray_address, preset=args.preset, timesteps=args.timesteps, n_envs=args.n_envs,
            hyperparams=parse_assignments(args.set, "--set") or None, env_kwargs=env_kwargs,
            hyperparams_dir=args.hyperparams_dir, episodes=args.episodes, protocols=_names(args.protocols),
        )
    except (ConfigError, ValueError) as error:
        parser.error(str(error))
    print(f"{len(summary['runs'])} runs on {summary['task']} (preset {args.preset}): wrote "
          f"{args.out / 'grid.json'} and {args.out / 'report.md'}")
    return 0

"""``causalworld grid``: the paper's experimental grid (algorithm x curriculum x seed) on one task.

Each run trains, then is evaluated on the task's protocols; the runs fan out as Ray tasks with
``--backend ray`` (on the cluster ``--ray-address`` names, or a local Ray) or run one after the other.
Example (a tiny grid): ``causalworld grid --task pushing --algos ppo,sac --curricula none,goal --seeds 0,1
--timesteps 20000 --episodes 2 --backend ray --out runs/grid``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from causalworld.commands.train import parse_assignments

NAME = "grid"
HELP = "train and evaluate algorithm x curriculum x seed on a task (locally or on Ray)"


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``causalworld grid``."""
    parser.add_argument("--task", default="pushing")
    parser.add_argument("--algos", default="ppo,sac,td3", help="comma-separated (default ppo,sac,td3)")
    parser.add_argument("--curricula", default="none,goal,random", help="comma-separated (default all three)")
    parser.add_argument("--seeds", default="0,1,2,3,4", help="comma-separated integers (default 0-4)")
    parser.add_argument("--timesteps", type=int, default=None, help="steps per run (default: the YAML budget)")
    parser.add_argument("--n-envs", type=int, default=1, help="environments per run (default 1)")
    parser.add_argument("--episodes", type=int, default=2, help="evaluation episodes per protocol (default 2)")
    parser.add_argument("--protocols", default=None, help="comma-separated protocol names (default: all)")
    parser.add_argument("--backend", choices=("local", "ray"), default="local")
    parser.add_argument("--ray-address", default=None, help="Ray cluster address (default: a local Ray)")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="override an SB3 hyperparameter")
    parser.add_argument("--env", action="append", metavar="KEY=VALUE", help="override an environment argument")
    parser.add_argument("--out", type=Path, required=True)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``causalworld grid``; returns the exit status."""
    from causalworld.baselines.config import ConfigError
    from causalworld.baselines.grid import run_grid

    try:
        seeds = [int(s) for s in _names(args.seeds)]
        summary = run_grid(
            args.task, args.out, _names(args.algos), _names(args.curricula), seeds,
            backend=args.backend, ray_address=args.ray_address, timesteps=args.timesteps, n_envs=args.n_envs,
            hyperparams=parse_assignments(args.set, "--set"), env_kwargs=parse_assignments(args.env, "--env"),
            episodes=args.episodes, protocols=_names(args.protocols) if args.protocols else None,
        )
    except (ConfigError, ValueError) as error:
        parser.error(str(error))
    print(f"{len(summary['runs'])} runs on {summary['task']}: wrote {args.out / 'grid.json'} and "
          f"{args.out / 'report.md'}")
    return 0

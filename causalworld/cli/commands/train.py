"""``causalworld train``: train a stable-baselines3 agent on a task with one of the paper's curricula.

Example: ``causalworld train --task pushing --algo sac --curriculum goal --timesteps 100000 --out runs/sac``.
Hyperparameters come from the shipped rl-zoo3 style YAML (``causalworld/baselines/hyperparams``);
``--set key=value`` overrides one SB3 argument (the value is read as YAML: ``--set learning_starts=100``,
``--set policy_kwargs={net_arch: [64, 64]}``), ``--env key=value`` one environment argument.
Needs the ``baselines`` extra (stable-baselines3, torch, pyyaml).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

NAME = "train"
HELP = "train a stable-baselines3 agent (ppo, sac, td3, her-sac) with a curriculum"


def parse_assignments(items: list[str] | None, option: str) -> dict[str, Any]:
    """``["a=1", "b=[2, 3]"]`` -> ``{"a": 1, "b": [2, 3]}`` (values parsed as YAML, safely)."""
    import yaml

    parsed: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{option} expects KEY=VALUE, got {item!r}")
        try:
            parsed[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError as error:
            raise ValueError(f"{option} {item!r}: the value is not valid YAML ({error})") from None
    return parsed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``causalworld train``."""
    from causalworld.baselines.config import ALGORITHMS, CURRICULA

    parser.add_argument("--task", default="pushing", help="task name or Gymnasium ID (default pushing)")
    parser.add_argument("--algo", choices=ALGORITHMS, default="ppo")
    parser.add_argument("--curriculum", choices=CURRICULA, default="none")
    parser.add_argument("--timesteps", type=int, default=None, help="environment steps (default: the YAML budget)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-envs", type=int, default=None, help="parallel environments (default: the YAML value)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--eval-freq", type=int, default=None, help="steps between evaluations (default budget/10)")
    parser.add_argument("--eval-episodes", type=int, default=3)
    parser.add_argument("--hyperparams-dir", type=Path, default=None, help="folder of YAML files to use instead")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="override an SB3 hyperparameter")
    parser.add_argument("--env", action="append", metavar="KEY=VALUE", help="override an environment argument")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch threads (default 1: fastest for these networks on few cores; 0 = torch's default)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``causalworld train``; returns the exit status."""
    try:
        from causalworld.baselines.config import ConfigError, load_config
        from causalworld.baselines.training import train, with_overrides
    except ImportError as error:
        parser.error(f"training needs the baselines extra (pip install 'causalworld[baselines]'): {error}")
    try:
        config = with_overrides(
            load_config(args.algo, args.task, args.hyperparams_dir),
            n_timesteps=args.timesteps,
            n_envs=args.n_envs,
            hyperparams=parse_assignments(args.set, "--set"),
            env_kwargs=parse_assignments(args.env, "--env"),
        )
    except (ConfigError, ValueError) as error:
        parser.error(str(error))
    result = train(
        config,
        args.out,
        curriculum=args.curriculum,
        seed=args.seed,
        eval_freq=args.eval_freq,
        eval_episodes=args.eval_episodes,
        progress=not args.no_progress,
        torch_threads=args.torch_threads or None,
    )
    final = result.evaluations[-1]
    print(
        f"trained {config.algo} on {config.env_id} for {result.config['num_timesteps']} steps: "
        f"mean fractional success {final['mean_fractional_success']:.3f}, success rate {final['success_rate']:.2f}"
    )
    print(f"wrote {result.model_path} and {args.out / 'config.json'}")
    return 0

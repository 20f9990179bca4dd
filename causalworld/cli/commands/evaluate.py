"""``causalworld evaluate``: score an agent on a task's evaluation protocols.

Writes ``scores.json`` (:class:`causalworld.evaluation.EvaluationResult`), radar and bar charts
(PNG and PDF) and ``report.md`` into ``--out``. With no options it evaluates the scripted agent on
pushing, :data:`DEFAULT_EPISODES` episodes per protocol at full length (250 steps at skip 10).
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_EPISODES = 5
"""Episodes per protocol of the default run: 12 protocols x 5 episodes, well under a minute on one core."""


def _parse_protocols(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    return names or None


NAME = "evaluate"
HELP = "evaluate an agent on a task's protocols; write scores.json, charts and report.md"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``causalworld evaluate``."""
    parser.add_argument("--task", default="pushing", help="task family (default pushing)")
    parser.add_argument("--agent", default=None,
                        help="'random', 'scripted', 'pretrained' (the original authors' trained agent: reaching, "
                             "pushing, picking, pick_and_place, stacking2; its weights are fetched once with pip "
                             "into ~/.cache/causalworld), 'mpc' (or 'mpc:key=value,...': model-predictive control, "
                             "see causalworld.planning) or the path of a stable-baselines3 model .zip "
                             "(default: scripted where the task has a scripted policy, else random)")
    parser.add_argument("--protocols", default=None, help="comma-separated protocol names (default: all of the task)")
    parser.add_argument("--episodes", type=int, default=DEFAULT_EPISODES,
                        help=f"episodes per protocol (default {DEFAULT_EPISODES})")
    parser.add_argument("--workers", type=int, default=1, help="parallel workers (default 1)")
    parser.add_argument("--backend", choices=("local", "ray"), default="local", help="local processes or Ray")
    parser.add_argument("--ray-address", default=None,
                        help="Ray cluster address for ray.init (default: start a local Ray with --workers CPUs)")
    parser.add_argument("--seed", type=int, default=0, help="evaluation seed (default 0)")
    parser.add_argument("--max-steps", type=int, default=None,
                        help="episode length in env steps (default: the task's own length; shorter episodes "
                             "change the scores and the observation's time-left scale)")
    parser.add_argument("--skip-frame", type=int, default=None, help="physics steps per env step (default 10)")
    parser.add_argument("--out", type=Path, default=Path("evaluation_report"), help="output folder")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--trust-model-file", action="store_true", help=TRUST_HELP)


TRUST_HELP = ("let --agent be a stable-baselines3 .zip without the config.json of causalworld train, loaded by "
              "stable-baselines3's own loader: it unpickles parts of the file, which runs any code hidden in it, "
              "so use it only for files whose origin you trust (without it, model files are read as JSON and "
              "weights-only tensors and nothing in them is executed)")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``causalworld evaluate``; returns the exit status."""
    from causalworld.benchmark.protocols import get_protocols
    from causalworld.evaluation.pipeline import evaluate

    if args.episodes < 1:
        parser.error("--episodes must be at least 1")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.max_steps is not None and args.max_steps < 1:
        parser.error("--max-steps must be at least 1")
    try:
        protocols = get_protocols(args.task, _parse_protocols(args.protocols))
    except (ValueError, TypeError) as error:
        parser.error(str(error))
    agent = args.agent or _default_agent(args.task)
    label = None
    is_mpc = agent == "mpc" or agent.startswith("mpc:")
    if is_mpc:
        from causalworld.planning import parse_mpc_spec

        try:
            parse_mpc_spec(agent)
        except ValueError as error:
            parser.error(f"--agent: {error}")
    elif agent not in ("random", "scripted", "pretrained"):
        if not Path(agent).is_file():
            parser.error(f"--agent: {agent!r} is neither 'random', 'scripted', 'pretrained', 'mpc' nor an existing "
                         "model file")
        label, agent = Path(agent).name, _checked_model_file(agent, args.trust_model_file, parser)
    pretrained_agent = isinstance(agent, str) and agent == "pretrained"
    if pretrained_agent:
        from causalworld.baselines.pretrained_agents import PretrainedUnavailable, pretrained

        try:
            settings = pretrained(args.task).env_kwargs  # fetched now, once, with a clear error if it cannot be
        except (ValueError, OSError, PretrainedUnavailable) as error:
            parser.error(f"--agent pretrained: {error}")
        if args.skip_frame not in (None, settings["skip_frame"]):
            parser.error(f"--agent pretrained acts at skip frame {settings['skip_frame']}, not {args.skip_frame}")
    if agent == "scripted":
        from causalworld.evaluation.agents import scripted_policy

        try:
            scripted_policy(args.task)
        except (ImportError, ValueError) as error:
            parser.error(f"--agent scripted: {error}")
    env_kwargs = {}
    if args.max_steps is not None:
        env_kwargs["max_episode_length"] = args.max_steps
    if args.skip_frame is not None:
        env_kwargs["skip_frame"] = args.skip_frame

    from tqdm import tqdm

    total = len(protocols) * args.episodes
    with tqdm(total=total, desc=f"{args.task}", unit="episode", disable=args.no_progress) as bar:
        def advance(result) -> None:
            bar.set_postfix_str(f"{result.protocol} #{result.index}")
            bar.update(1)

        result = evaluate(agent, args.task, [p.name for p in protocols], episodes=args.episodes, seed=args.seed,
                          backend=args.backend, workers=args.workers, env_kwargs=env_kwargs,
                          ray_address=args.ray_address, progress=advance, agent_label=label)
    write_outputs(result, args.out, reference=original_reference(args.task) if pretrained_agent else None)
    print(_summary_line(result))
    print(f"wrote {args.out / 'scores.json'}, {args.out / 'report.md'} and charts in {args.out}")
    return 0


def _checked_model_file(path: str, trust: bool, parser: argparse.ArgumentParser):
    """The model file read once and loaded once here, so that a bad file stops the run with its reason."""
    from causalworld.baselines.model_files import load_sb3_model, read_model_file

    try:
        model_file = read_model_file(path, trust)
        load_sb3_model(model_file)
    except (ImportError, ValueError) as error:
        parser.error(f"--agent {path}: {error}")
    return model_file


def _default_agent(task: str) -> str:
    """``scripted`` where the task has a scripted policy, else ``random``."""
    try:
        from causalworld.baselines import SCRIPTED_TASKS
    except ImportError:
        return "random"
    return "scripted" if task in SCRIPTED_TASKS else "random"


def original_reference(task: str):
    """The original authors' agent's scores in the original, as measured by ``benchmarks/parity.py`` (or None)."""
    from causalworld.baselines.pretrained_agents import original_scores

    return original_scores(task)


def write_outputs(result, out_dir: Path, reference=None) -> list[Path]:
    """``scores.json``, the charts and ``report.md`` of one result into ``out_dir``; returns the files.

    ``reference``: per-protocol scores of another run to show beside ours (see ``original_reference``).
    """
    from causalworld.evaluation.plots import write_charts
    from causalworld.evaluation.report import write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    files = [result.save(out_dir / "scores.json")]
    charts = write_charts({result.agent: result}, out_dir)
    files += charts
    images = [p.name for p in charts if p.suffix == ".png"]
    files.append(write_report(result, out_dir / "report.md", images, reference=reference))
    return files


def _summary_line(result) -> str:
    scores = result.scores()
    parts = [f"{name}={s['mean_full_integrated_fractional_success']:.2f}" for name, s in scores.items()]
    seconds = result.run.get("seconds", 0.0)
    return (f"{result.agent} on {result.task}: mean full integrated fractional success {' '.join(parts)} "
            f"({seconds:.1f} s)")


__all__ = ["NAME", "HELP", "add_arguments", "run", "write_outputs"]

"""``causalworld record``: run an agent, record its episodes (``.npz`` + JSON) and optionally a video.

Episodes go to ``--out`` as ``episode_NNNNNN.json`` / ``.npz`` (see :mod:`causalworld.recording`);
with ``--video`` one MP4 per episode goes to ``--out/videos`` (needs the ``video`` extra, moviepy).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from causalworld.cli.commands.evaluate import TRUST_HELP

NAME = "record"
HELP = "record episodes of an agent (npz + JSON) and optionally a video"
AGENTS = ("random", "reaching-solver", "scripted")
"""Agent names; a stable-baselines3 ``.zip`` path is accepted too."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``causalworld record``."""
    parser.add_argument("--task", default="pushing", help="task family (default pushing)")
    parser.add_argument("--agent", default="random",
                        help="random, reaching-solver (IK, reaching), scripted (the task's scripted policy) or the "
                             "path of a stable-baselines3 .zip written by causalworld train (structured observations)")
    parser.add_argument("--episodes", type=int, default=1, help="episodes to record (default 1)")
    parser.add_argument("--episode-length", type=int, default=None, help="env steps per episode (default: task's)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first reset and of the random agent")
    parser.add_argument("--pixel", action="store_true", help="pixel observations instead of structured ones")
    parser.add_argument("--cameras", type=int, nargs="+", default=None, help="pixel mode: camera indices 0-2")
    parser.add_argument("--video", action="store_true", help="also write an MP4 video per episode")
    parser.add_argument("--no-observations", action="store_true", help="do not store observations (smaller files)")
    parser.add_argument("--out", type=Path, default=Path("recording"), help="output folder (default ./recording)")
    parser.add_argument("--trust-model-file", action="store_true", help=TRUST_HELP)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``causalworld record``; returns the exit status."""
    from causalworld.baselines.reference_agents import RandomAgent, ReachingSolver
    from causalworld.env import CausalWorldEnv
    from causalworld.recording import EpisodeRecorder
    from causalworld.tasks import TASKS

    if args.episodes < 1:
        parser.error("--episodes must be at least 1")
    if args.task not in TASKS:
        parser.error(f"unknown task {args.task!r}; available: {', '.join(sorted(TASKS))}")
    is_model = args.agent not in AGENTS
    if is_model and not Path(args.agent).is_file():
        parser.error(f"--agent: {args.agent!r} is none of {', '.join(AGENTS)} nor an existing model file")
    if args.agent != "random" and args.pixel:
        parser.error(f"--agent {args.agent} acts on structured observations; drop --pixel")
    if args.agent == "reaching-solver" and args.task != "reaching":
        parser.error("--agent reaching-solver needs --task reaching")
    kwargs = {"observation_mode": "pixel" if args.pixel else "structured", "max_episode_length": args.episode_length}
    if is_model:
        from causalworld.evaluation.agents import trained_env_kwargs

        try:
            kwargs.update(trained_env_kwargs(args.agent))
        except ValueError as error:
            parser.error(f"--agent {args.agent}: {error}")
    if args.cameras is not None:
        kwargs["camera_indices"] = args.cameras
    if args.agent == "reaching-solver":
        kwargs["action_mode"] = "end_effector_positions"
    if args.video:
        kwargs["render_mode"] = "rgb_array"
    try:
        env = CausalWorldEnv(args.task, **kwargs)
    except ValueError as error:
        parser.error(str(error))
    if args.agent in ("random", "reaching-solver"):
        agent = ReachingSolver(env) if args.agent == "reaching-solver" else RandomAgent(env, args.seed)
    else:
        from causalworld.evaluation.agents import build_agent

        try:
            agent = _Acting(build_agent(args.agent, env, trust_model_file=args.trust_model_file))
        except (ImportError, ValueError) as error:
            env.close()
            parser.error(f"--agent {args.agent}: {error}")
    recorder = EpisodeRecorder(env, args.out, store_observations=not args.no_observations)
    outer = recorder
    if args.video:
        from causalworld.recording.replay import video_env

        outer = video_env(recorder, args.out / "videos", f"{args.task}-{Path(args.agent).stem}")
    try:
        for k in range(args.episodes):
            observation, _ = outer.reset(seed=args.seed if k == 0 else None)
            agent.reset()
            done = False
            while not done:
                observation, _, terminated, truncated, _ = outer.step(agent(observation))
                done = terminated or truncated
    finally:
        outer.close()
    for path in recorder.written:
        print(f"wrote {path} and {path.with_suffix('.npz').name}")
    if args.video:
        for path in sorted((args.out / "videos").glob("*.mp4")):
            print(f"wrote {path}")
    return 0


class _Acting:
    """An evaluation agent (``reset(seed)``, ``act(obs)``) as a callable with ``reset()``."""

    def __init__(self, agent) -> None:
        self.agent = agent

    def reset(self) -> None:
        self.agent.reset(0)

    def __call__(self, observation):
        return self.agent.act(observation)

"""``causalworld replay``: replay recorded episodes and check that they reproduce bit for bit.

Exit status 0 when every replayed episode matches its recording exactly, 1 otherwise, 2 on
unreadable files. ``--video`` writes an MP4 of each replay; ``--human`` shows it in the GUI.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

NAME = "replay"
HELP = "replay recorded episodes, verify they match bit for bit, optionally as video or in the GUI"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``causalworld replay``."""
    parser.add_argument("path", type=Path, help="a recording folder or one episode_NNNNNN.json file")
    parser.add_argument("--episode", type=int, nargs="+", default=None, help="episode indices (default all)")
    parser.add_argument("--video", type=Path, default=None, help="write an MP4 of each replay into this folder")
    parser.add_argument("--human", action="store_true", help="show the replay in the PyBullet GUI (needs a display)")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``causalworld replay``; returns the exit status."""
    from causalworld.recording import RecordingError, list_episodes, load_episode
    from causalworld.recording.replay import replay_episode, replay_video

    if args.video is not None and args.human:
        parser.error("choose --video or --human, not both")
    try:
        files = [args.path] if args.path.suffix == ".json" else list_episodes(args.path)
        if args.episode is not None:
            wanted = {f"episode_{i:06d}.json" for i in args.episode}
            files = [f for f in files if f.name in wanted]
        if not files:
            print(f"{args.path}: no episodes to replay")
            return 2
        status = 0
        for file in files:
            episode = load_episode(file)
            if args.video is not None:
                args.video.mkdir(parents=True, exist_ok=True)
                result, video = replay_video(episode, args.video)
                print(f"wrote {video}")
            elif args.human:
                result = replay_episode(episode, on_step=lambda _env: time.sleep(_env.unwrapped.dt),
                                        render_mode="human")
            else:
                result = replay_episode(episode)
            if not result.compared:
                verdict = "replayed (no recorded observations to compare)"
            elif result.exact:
                verdict = "bit-exact"
            else:
                verdict = f"DIFFERS from observation {result.first_mismatch} on"
                status = 1
            print(f"episode {episode.index}: {episode.length} steps, {verdict}")
        return status
    except RecordingError as error:
        print(f"error: {error}")
        return 2

"""Recording: episodes written as ``.npz`` + JSON, replayed, and videos. Sits on :mod:`causalworld.env`.

:mod:`~causalworld.recording.episodes` records and loads episodes; :mod:`~causalworld.recording.replay`
replays them and draws videos.
"""

from causalworld.recording.episodes import (
    FORMAT,
    VERSION,
    Episode,
    EpisodeRecorder,
    RecordingError,
    list_episodes,
    load_episode,
    write_episode,
)
from causalworld.recording.replay import ReplayResult, record_video, replay_episode, replay_video

__all__ = [
    "FORMAT", "VERSION", "Episode", "EpisodeRecorder", "RecordingError", "ReplayResult", "list_episodes",
    "load_episode", "record_video", "replay_episode", "replay_video", "write_episode",
]

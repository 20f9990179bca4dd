"""Episode recording: record -> replay bit-exact, clear errors for corrupted files, video, CLI."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

import causalworld
from causalworld.baselines.reference_agents import RandomAgent
from causalworld.cli import main
from causalworld.recording import EpisodeRecorder, RecordingError, list_episodes, load_episode
from causalworld.recording.replay import record_video, replay_episode


def _record(folder: Path, task: str, steps: int, intervene_at: int | None = None, **kwargs) -> list[Path]:
    env = EpisodeRecorder(causalworld.CausalWorldEnv(task, max_episode_length=steps, **kwargs), folder)
    rng = np.random.default_rng(7)
    env.reset(seed=11)
    for t in range(steps):
        if t == intervene_at:
            env.do_intervention({"goal_block": {"cartesian_position": [0.05, 0.04, 0.0325]}})
        env.step(rng.uniform(-1, 1, 9).astype(np.float32))
    env.reset(seed=12)  # a second, unfinished episode is written on close
    env.step(rng.uniform(-1, 1, 9).astype(np.float32))
    env.close()
    return env.written


@pytest.mark.parametrize(
    ("task", "kwargs", "intervene_at"),
    [
        ("pushing", {}, 6),
        ("reaching", {"observation_mode": "pixel", "camera_indices": [1]}, None),
    ],
)
def test_replay_reproduces_the_recording_bit_exactly(tmp_path, task, kwargs, intervene_at):
    written = _record(tmp_path, task, 12, intervene_at, **kwargs)
    assert [p.name for p in written] == ["episode_000000.json", "episode_000001.json"] == [
        p.name for p in list_episodes(tmp_path)
    ]
    episode = load_episode(written[0])
    assert episode.complete and episode.length == 12 and episode.seed == 11
    assert episode.observations.shape[0] == 13 and episode.truncated[-1] and not episode.terminated.any()
    assert {"fractional_success", "success"} <= set(episode.infos)
    assert len(episode.interventions) == (0 if intervene_at is None else 1)
    result = replay_episode(episode)
    assert result.exact, f"first mismatch at observation {result.first_mismatch}"
    assert result.rewards.tobytes() == episode.rewards.tobytes()
    partial = load_episode(written[1])
    assert not partial.complete and partial.length == 1 and replay_episode(partial).exact


def test_replay_reports_where_a_recording_differs(tmp_path):
    (path,) = _record(tmp_path, "pushing", 5)[:1]
    episode = load_episode(path)
    episode.observations[3, 0] += 1.0
    result = replay_episode(episode)
    assert not result.exact and result.first_mismatch == 3


def _rewrite_npz(json_path: Path, arrays: dict, allow_pickle: bool = False) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=allow_pickle, **arrays)
    data = buffer.getvalue()
    json_path.with_suffix(".npz").write_bytes(data)
    document = json.loads(json_path.read_text())
    document["npz_sha256"] = hashlib.sha256(data).hexdigest()
    document["arrays"] = {k: {"shape": list(np.shape(v)), "dtype": np.asarray(v).dtype.str} for k, v in arrays.items()}
    json_path.write_text(json.dumps(document))


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("recording")
    return _record(folder, "pushing", 4)[0]


def _copy(recording: Path, tmp_path: Path) -> Path:
    for suffix in (".json", ".npz"):
        (tmp_path / recording.with_suffix(suffix).name).write_bytes(recording.with_suffix(suffix).read_bytes())
    return tmp_path / recording.name


def _truncate_npz(path):
    npz = path.with_suffix(".npz")
    npz.write_bytes(npz.read_bytes()[:100])


def _garbage_npz_with_checksum(path):
    data = b"not a zip file at all"
    path.with_suffix(".npz").write_bytes(data)
    document = json.loads(path.read_text())
    document["npz_sha256"] = hashlib.sha256(data).hexdigest()
    path.write_text(json.dumps(document))


def _pickled_array(path):
    _rewrite_npz(path, {"actions": np.array([{"evil": 1}] * 4, dtype=object)}, allow_pickle=True)


def _short_actions(path):
    with np.load(path.with_suffix(".npz")) as archive:
        arrays = {k: archive[k] for k in archive.files}
    arrays["actions"] = arrays["actions"][:2]
    _rewrite_npz(path, arrays)


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda p: p.write_text("{ not json"), "not valid JSON"),
        (lambda p: p.write_text(json.dumps({"format": "something.else"})), "not a causalworld episode"),
        (lambda p: p.with_suffix(".npz").unlink(), "cannot be read"),
        (_truncate_npz, "checksum mismatch"),
        (_garbage_npz_with_checksum, "not a readable .npz"),
        (_pickled_array, "not a readable .npz"),
        (_short_actions, "does not have 4 steps"),
    ],
    ids=["bad-json", "wrong-format", "missing-npz", "truncated-npz", "garbage-npz", "pickled", "inconsistent"],
)
def test_corrupted_recordings_raise_a_clear_error(recording, tmp_path, damage, match):
    path = _copy(recording, tmp_path)
    load_episode(path)  # intact copy loads
    damage(path)
    with pytest.raises(RecordingError, match=match):
        load_episode(path)


def test_video_of_an_agent_is_written_and_readable(tmp_path):
    imageio = pytest.importorskip("imageio.v3")
    pytest.importorskip("moviepy")
    env = causalworld.CausalWorldEnv("reaching", render_mode="rgb_array", max_episode_length=8)
    videos = record_video(env, RandomAgent(env, 0), tmp_path, episodes=1, seed=0)
    assert len(videos) == 1 and videos[0].stat().st_size > 0
    frames = imageio.imread(videos[0])
    assert frames.ndim == 4 and frames.shape[0] >= 8 and frames.shape[-1] == 3


def test_cli_record_then_replay(tmp_path, capsys):
    out = tmp_path / "rec"
    assert main(["record", "--task", "pushing", "--episode-length", "6", "--episodes", "2", "--out", str(out)]) == 0
    assert len(list_episodes(out)) == 2
    assert main(["replay", str(out)]) == 0
    assert capsys.readouterr().out.count("bit-exact") == 2
    (out / "episode_000001.npz").write_bytes(b"broken")
    assert main(["replay", str(out), "--episode", "1"]) == 2
    assert "checksum mismatch" in capsys.readouterr().out


def test_cli_records_the_scripted_agent_and_refuses_unknown_agents(tmp_path, capsys):
    out = tmp_path / "scripted"
    argv = ["record", "--task", "picking", "--agent", "scripted", "--episode-length", "12", "--out", str(out)]
    assert main(argv) == 0
    episode = load_episode(out / "episode_000000.json")
    assert len(episode.actions) == 12 and np.ptp(episode.actions, axis=0).max() > 0
    assert main(["replay", str(out)]) == 0
    with pytest.raises(SystemExit):
        main(["record", "--agent", "no_such_model.zip", "--out", str(tmp_path / "x")])
    assert "nor an existing model file" in capsys.readouterr().err

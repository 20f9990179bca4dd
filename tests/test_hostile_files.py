"""Hostile files never run code: model zips, .npz arrays, world files, recordings, YAML, results.

Each hostile file is built here to run code when unpickled: its payload opens (creates) a marker file.
Every loader and command that reads such a file must refuse it with a clear error, or read only its
safe parts, and the marker must never appear. Each test first shows that its payload is live (the
unpickling reader that the package avoids does create the marker), so a passing test is not vacuous.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

import causalworld
from causalworld.cli import main


class Payload:
    """Unpickling this opens ``marker`` for writing, which creates the file."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _pickled(marker: Path) -> bytes:
    return pickle.dumps(Payload(marker))


@contextlib.contextmanager
def never_runs(marker: Path):
    """Fail if the marker appears, whatever else happened inside (an exception included)."""
    try:
        yield
    finally:
        assert not marker.exists(), "the hostile file ran code: its payload created the marker file"


def _refused_by_cli(argv: list[str], capsys, match: str) -> None:
    """The command stops with a usage error (exit 2) whose message matches ``match``."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert match in capsys.readouterr().err


# -- stable-baselines3 zips ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A model trained for a few steps by ``causalworld train`` (model.zip and config.json)."""
    pytest.importorskip("stable_baselines3")
    from causalworld.baselines.config import load_config
    from causalworld.baselines.training import train, with_overrides

    out = tmp_path_factory.mktemp("trained")
    config = with_overrides(load_config("ppo", "reaching"), n_timesteps=32, n_envs=1,
                            hyperparams={"n_steps": 32, "batch_size": 16, "n_epochs": 1,
                                         "policy_kwargs": {"net_arch": [8]}},
                            env_kwargs={"max_episode_length": 8})
    train(config, out, seed=0, eval_freq=32, eval_episodes=1, progress=False)
    return out


def _rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, replace.get(name, old.read(name)))
    return target


def _hostile_data(source: Path, marker: Path) -> bytes:
    """The zip's ``data`` with every serialized field replaced by the payload (as SB3 encodes them)."""
    with zipfile.ZipFile(source) as archive:
        data = json.loads(archive.read("data"))
    encoded = base64.b64encode(_pickled(marker)).decode()
    for value in data.values():
        if isinstance(value, dict) and ":serialized:" in value:
            value[":serialized:"] = encoded
    return json.dumps(data).encode()


def _hostile_weights(marker: Path) -> bytes:
    import torch

    buffer = io.BytesIO()
    torch.save({"mlp_extractor.policy_net.0.weight": Payload(marker)}, buffer)
    return buffer.getvalue()


@pytest.fixture
def hostile_models(trained, tmp_path) -> dict[str, Path]:
    """Three hostile model folders: a shared SB3 zip (no config.json), poisoned weights, poisoned data only."""
    marker = tmp_path / "marker"
    model = trained / "model.zip"
    record = (trained / "config.json").read_text()
    data = _hostile_data(model, marker)
    models = {
        "shared": _rewrite_zip(model, tmp_path / "shared" / "model.zip", {"data": data}),
        "weights": _rewrite_zip(model, tmp_path / "weights" / "model.zip",
                                {"data": data, "policy.pth": _hostile_weights(marker)}),
        "data": _rewrite_zip(model, tmp_path / "data" / "model.zip", {"data": data}),
    }
    (tmp_path / "weights" / "config.json").write_text(record)
    (tmp_path / "data" / "config.json").write_text(record)
    return models


REFUSALS = {"shared": "no config.json beside it", "weights": "'policy.pth' is not a weights-only tensor file"}


def test_the_zip_payloads_are_live(hostile_models, tmp_path):
    """Control: stable-baselines3's own loader runs the payload of each hostile zip."""
    sb3 = pytest.importorskip("stable_baselines3")
    for name, path in hostile_models.items():
        (tmp_path / "marker").unlink(missing_ok=True)
        try:
            sb3.PPO.load(path, device="cpu")
        except Exception:  # noqa: BLE001 - the payload is no valid object; it has run by then
            pass
        assert (tmp_path / "marker").exists(), name


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_hostile_zips_are_refused_by_every_loader(hostile_models, tmp_path, name, make_env):
    from causalworld.baselines.model_files import ModelFileError, load_sb3_model, read_model_file
    from causalworld.evaluation import evaluate
    from causalworld.evaluation.agents import build_agent

    path = hostile_models[name]
    env = make_env("reaching", skip_frame=3)
    for load in (lambda: load_sb3_model(path), lambda: load_sb3_model(read_model_file(path)),
                 lambda: build_agent(str(path), env),
                 lambda: evaluate(str(path), "reaching", ["P0"], episodes=1, env_kwargs={"max_episode_length": 2}),
                 lambda: evaluate(str(path), "reaching", ["P0"], episodes=2, workers=2,
                                  env_kwargs={"max_episode_length": 2})):
        with never_runs(tmp_path / "marker"), pytest.raises(ModelFileError, match=REFUSALS[name]):
            load()


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_hostile_zips_are_refused_by_every_command(hostile_models, tmp_path, name, capsys):
    path = str(hostile_models[name])
    with never_runs(tmp_path / "marker"):
        _refused_by_cli(["evaluate", "--task", "reaching", "--agent", path, "--protocols", "P0", "--episodes", "1",
                         "--max-steps", "2", "--no-progress", "--out", str(tmp_path / "eval")], capsys,
                        REFUSALS[name])
    with never_runs(tmp_path / "marker"):
        _refused_by_cli(["record", "--task", "reaching", "--agent", path, "--episode-length", "2",
                         "--out", str(tmp_path / "rec")], capsys, REFUSALS[name])
    assert not (tmp_path / "eval").exists() and not list((tmp_path / "rec").glob("episode_*"))


def test_a_poisoned_data_member_is_never_decoded(hostile_models, tmp_path, capsys):
    """With config.json and clean weights, the zip loads and acts; its serialized fields stay unread."""
    path = hostile_models["data"]
    with never_runs(tmp_path / "marker"):
        assert main(["evaluate", "--task", "reaching", "--agent", str(path), "--protocols", "P0", "--episodes", "1",
                     "--max-steps", "3", "--no-progress", "--out", str(tmp_path / "eval")]) == 0
    with never_runs(tmp_path / "marker"):
        assert main(["record", "--task", "reaching", "--agent", str(path), "--episode-length", "3",
                     "--out", str(tmp_path / "rec")]) == 0
    assert (tmp_path / "eval" / "scores.json").is_file() and list((tmp_path / "rec").glob("episode_*.npz"))


def test_only_the_trust_flag_lets_stable_baselines3_unpickle(hostile_models, tmp_path, capsys):
    """--trust-model-file is the one path to SB3's loader: it says why, and then the payload does run."""
    path = str(hostile_models["shared"])
    argv = ["evaluate", "--task", "reaching", "--agent", path, "--protocols", "P0", "--episodes", "1",
            "--max-steps", "2", "--no-progress", "--out", str(tmp_path / "eval")]
    with never_runs(tmp_path / "marker"):
        _refused_by_cli(argv, capsys, "--trust-model-file")
    with pytest.raises(SystemExit), pytest.warns(UserWarning, match="runs any code the file holds"):
        main([*argv, "--trust-model-file"])  # the payload replaces the spaces, so loading then fails
    assert (tmp_path / "marker").exists()


# -- .npz arrays and recordings --------------------------------------------------------------------------------

def _hostile_npz(marker: Path) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=True, actions=np.array([Payload(marker)] * 2, dtype=object))
    return buffer.getvalue()


@pytest.fixture
def hostile_recording(tmp_path) -> Path:
    """A recorded episode whose .npz holds a pickled object array, with a matching checksum."""
    from causalworld.recording import EpisodeRecorder

    folder = tmp_path / "rec"
    env = EpisodeRecorder(causalworld.CausalWorldEnv("pushing", max_episode_length=2), folder)
    env.reset(seed=0)
    for _ in range(2):
        env.step(np.zeros(9, dtype=np.float32))
    env.close()
    json_path = folder / "episode_000000.json"
    data = _hostile_npz(tmp_path / "marker")
    json_path.with_suffix(".npz").write_bytes(data)
    document = json.loads(json_path.read_text())
    document["npz_sha256"] = hashlib.sha256(data).hexdigest()
    json_path.write_text(json.dumps(document))
    return folder


def test_hostile_npz_payload_is_live(tmp_path):
    path = tmp_path / "x.npz"
    path.write_bytes(_hostile_npz(tmp_path / "marker"))
    with np.load(path, allow_pickle=True) as archive:
        archive["actions"]
    assert (tmp_path / "marker").exists()


def test_a_hostile_npz_is_refused_everywhere(hostile_recording, tmp_path, capsys):
    from causalworld.baselines.model_files import ModelFileError, load_sb3_model
    from causalworld.recording import RecordingError, load_episode

    with pytest.raises(RecordingError, match="not a readable .npz archive"):
        load_episode(hostile_recording / "episode_000000.json")
    assert main(["replay", str(hostile_recording)]) == 2
    assert "not a readable .npz archive" in capsys.readouterr().out
    npz = tmp_path / "model" / "episode.npz"  # a zip file too: offered as a model
    npz.parent.mkdir()
    npz.write_bytes((hostile_recording / "episode_000000.npz").read_bytes())
    for command in ("evaluate", "record"):
        _refused_by_cli([command, "--task", "pushing", "--agent", str(npz), "--out", str(tmp_path / command)],
                        capsys, "no config.json beside it")
    (npz.parent / "config.json").write_text(json.dumps({"sb3_policy": {}}))
    with pytest.raises(ModelFileError, match="the zip has no 'data' member"):
        load_sb3_model(npz)
    assert not (tmp_path / "marker").exists()


def test_a_recording_that_is_a_pickle_is_refused(tmp_path, capsys):
    from causalworld.recording import RecordingError, load_episode

    folder = tmp_path / "rec"
    folder.mkdir()
    (folder / "episode_000000.json").write_bytes(_pickled(tmp_path / "marker"))
    (folder / "episode_000000.npz").write_bytes(_pickled(tmp_path / "marker"))
    with pytest.raises(RecordingError, match="not valid JSON"):
        load_episode(folder / "episode_000000.json")
    assert main(["replay", str(folder)]) == 2
    assert "not valid JSON" in capsys.readouterr().out
    assert not (tmp_path / "marker").exists()
    pickle.loads((folder / "episode_000000.json").read_bytes())  # control: the payload is live
    assert (tmp_path / "marker").exists()


# -- world files, YAML, results --------------------------------------------------------------------------------

def test_a_world_file_that_is_a_pickle_is_refused(tmp_path, capsys):
    path = tmp_path / "world.json"
    path.write_bytes(_pickled(tmp_path / "marker"))
    with pytest.raises(causalworld.WorldFileError, match="not valid JSON"):
        causalworld.load_world(path)
    assert main(["replay", str(path)]) == 2  # offered to replay as an episode file
    assert not (tmp_path / "marker").exists()
    pickle.loads(path.read_bytes())
    assert (tmp_path / "marker").exists()


def test_hostile_yaml_hyperparameters_are_refused(tmp_path, capsys):
    pytest.importorskip("yaml")
    from causalworld.baselines.config import ConfigError, load_config

    folder = tmp_path / "hyper"
    folder.mkdir()
    marker = tmp_path / "marker"
    (folder / "ppo.yml").write_text(f"CausalWorld-Pushing: !!python/object/apply:builtins.open ['{marker}', 'w']\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config("ppo", "pushing", folder)
    _refused_by_cli(["train", "--task", "pushing", "--hyperparams-dir", str(folder), "--out", str(tmp_path / "t")],
                    capsys, "not valid YAML")
    _refused_by_cli(["grid", "--task", "pushing", "--algos", "ppo", "--hyperparams-dir", str(folder),
                     "--out", str(tmp_path / "g")], capsys, "not valid YAML")
    assert not (tmp_path / "marker").exists()


def test_a_results_file_that_is_a_pickle_is_refused(tmp_path):
    from causalworld.evaluation.results import EvaluationResult

    path = tmp_path / "scores.json"
    path.write_bytes(_pickled(tmp_path / "marker"))
    with pytest.raises(ValueError, match="not JSON"):
        EvaluationResult.load(path)
    assert not (tmp_path / "marker").exists()

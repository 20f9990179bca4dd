"""The original authors' trained agents, run with NumPy.

CausalWorld 1.2 ships five PPO agents its authors trained for 100M steps (stable-baselines 2, MLP
[256, 256] with tanh): reaching, pushing, picking and stacking2 with a new goal every episode
(curriculum 1), pick_and_place on the default goal (curriculum 0). ``pretrained(task)`` returns one
of them as a callable agent: normalized structured observation in, normalized joint-position target
out, deterministic (the Gaussian policy's mean), at ``skip_frame=3`` (83.3 Hz).

The weights are never part of this repository. They are read from the original's published package:
``pretrained(task, source=...)`` (``causalworld.baselines.pretrained``) takes the wheel
(``causal_world-1.2-py3-none-any.whl``), one of its agent zips (``pushing_ppo_curr1.zip``), or a
folder holding either (an unpacked wheel or installed ``causal_world`` package will do). Without
``source`` the environment variable ``CAUSALWORLD_PRETRAINED`` names it; else the wheel is looked
for in the cache folder (``$CAUSALWORLD_CACHE``, default ``~/.cache/causalworld``) and, if absent,
fetched there once with ``python -m pip download --no-deps causal-world==1.2``.

Only the ``parameter_list`` (JSON) and ``parameters`` (a zip of ``.npy`` arrays, read with
``allow_pickle=False``) members of an agent zip are read; its ``data`` member holds cloudpickled
objects and is never opened.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

AGENT_FILES: Mapping[str, str] = {
    "reaching": "reaching_ppo_curr1.zip",
    "pushing": "pushing_ppo_curr1.zip",
    "picking": "picking_ppo_curr1.zip",
    "pick_and_place": "pick_and_place_ppo_curr0.zip",
    "stacking2": "stacking2_ppo_curr1.zip",
}
"""The agent zip of each task in the original package."""
PRETRAINED_TASKS = tuple(AGENT_FILES)
ENV_SETTINGS: Mapping[str, Any] = {
    "skip_frame": 3,
    "observation_mode": "structured",
    "normalize_observations": True,
    "normalize_actions": True,
    "action_mode": "joint_positions",
}
"""The env settings the agents were trained with (``gym.make(id, **ENV_SETTINGS)``)."""
PACKAGE = "causal-world==1.2"
WHEEL_GLOB = "causal_world-1.2-*.whl"
AGENTS_FOLDER = "causal_world/assets/baseline_actors"
SOURCE_VARIABLE = "CAUSALWORLD_PRETRAINED"
CACHE_VARIABLE = "CAUSALWORLD_CACHE"
LAYERS = ("model/shared_fc0", "model/shared_fc1", "model/pi")
"""The policy's layers, in order: two tanh layers of 256 units, then the linear action mean."""


class PretrainedUnavailable(RuntimeError):
    """The original package could not be found or fetched; the message says how to provide it."""


class PretrainedAgent:
    """One of the original authors' agents: ``agent(observation) -> action``.

    Attributes:
        task: the task family it was trained on.
        source: where its weights were read from.
        env_kwargs: the env settings it needs (:data:`ENV_SETTINGS`).
        weights: (w, b) per layer, ``w`` input-major (``x @ w + b``), float32 as stored.
        dtype: the precision of the forward pass: float32, as the agents ran in TensorFlow (the
            default), or float64. The final success of a single deterministic episode can depend on
            it (contact-rich tasks are chaotic): see ``docs/baselines.md``.
    """

    def __init__(self, task: str, weights: list[tuple[np.ndarray, np.ndarray]], source: str,
                 dtype: Any = np.float32) -> None:
        self.task = task
        self.source = source
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
        self.weights = [(w.astype(self.dtype), b.astype(self.dtype)) for w, b in weights]
        self.env_kwargs = dict(ENV_SETTINGS)
        self.observation_size = int(weights[0][0].shape[0])

    def __call__(self, observation: np.ndarray) -> np.ndarray:
        """The deterministic action in [-1, 1] (9,) for a normalized observation (or a batch of them)."""
        x = np.asarray(observation, dtype=self.dtype)
        if x.shape[-1] != self.observation_size:
            raise ValueError(f"the {self.task} agent takes observations of {self.observation_size} values, "
                             f"got shape {x.shape}; build the env with {dict(self.env_kwargs)}")
        (w0, b0), (w1, b1), (wp, bp) = self.weights
        hidden = np.tanh(np.tanh(x @ w0 + b0) @ w1 + b1)
        return np.clip(hidden @ wp + bp, -1.0, 1.0)

    def __repr__(self) -> str:
        return f"PretrainedAgent({self.task!r}, source={self.source!r})"


def pretrained(task: str, source: str | Path | None = None, fetch: bool = True,
               dtype: Any = np.float32) -> PretrainedAgent:
    """The original authors' trained agent for ``task`` (one of :data:`PRETRAINED_TASKS`).

    Args:
        task: "reaching", "pushing", "picking", "pick_and_place" or "stacking2".
        source: the original's wheel, an agent zip, or a folder holding one (see the module docs).
        fetch: when nothing is given or cached, download the wheel with pip into the cache.
        dtype: precision of the forward pass (float32 as in the original's TensorFlow, or float64).

    Raises:
        ValueError: an unknown task, or a file that holds no such agent.
        PretrainedUnavailable: nothing given, nothing cached, and fetching failed or was not allowed.
    """
    if task not in AGENT_FILES:
        raise ValueError(f"no pretrained agent for task {task!r}; the original ships agents for {list(AGENT_FILES)}")
    if source is None and os.environ.get(SOURCE_VARIABLE):
        source = os.environ[SOURCE_VARIABLE]
    path = Path(source).expanduser() if source is not None else cached_wheel(fetch)
    agent_zip = _agent_zip_bytes(path, task)
    return PretrainedAgent(task, read_weights(agent_zip, f"{path}:{AGENT_FILES[task]}"), str(path), dtype)


def cache_folder() -> Path:
    """Where the original's wheel is kept: ``$CAUSALWORLD_CACHE`` or ``~/.cache/causalworld``."""
    return Path(os.environ.get(CACHE_VARIABLE) or Path.home() / ".cache" / "causalworld").expanduser()


def cached_wheel(fetch: bool = True) -> Path:
    """The original's wheel in the cache folder, downloaded there first if needed (and allowed)."""
    folder = cache_folder()
    found = sorted(folder.glob(WHEEL_GLOB)) if folder.is_dir() else []
    if found:
        return found[-1]
    how = (f"download it yourself (`pip download --no-deps {PACKAGE} -d {folder}`) or pass "
           f"`source=` / set {SOURCE_VARIABLE} to the wheel, one of its agent zips or an installed causal_world "
           f"package folder")
    if not fetch:
        raise PretrainedUnavailable(f"the original's package is not in {folder}; {how}")
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", PACKAGE,
               "-d", str(folder)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PretrainedUnavailable(f"could not fetch the original's package ({error}); {how}") from None
    found = sorted(folder.glob(WHEEL_GLOB))
    if done.returncode != 0 or not found:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no wheel was saved"]
        raise PretrainedUnavailable(f"could not fetch the original's package with `{' '.join(command[2:])}` "
                                    f"({detail[0]}); {how}")
    return found[-1]


def _agent_zip_bytes(path: Path, task: str) -> bytes:
    name = AGENT_FILES[task]
    if path.is_dir():
        for candidate in (path / name, path / AGENTS_FOLDER / name, path / "assets" / "baseline_actors" / name):
            if candidate.is_file():
                return candidate.read_bytes()
        wheels = sorted(path.glob(WHEEL_GLOB))
        if not wheels:
            raise ValueError(f"{path} holds neither {name} nor the original's wheel ({WHEEL_GLOB})")
        path = wheels[-1]
    if not path.is_file():
        raise FileNotFoundError(f"pretrained agent source not found: {path}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is neither the original's wheel nor an agent zip")
    with zipfile.ZipFile(path) as archive:
        members = archive.namelist()
        if "parameters" in members:  # an agent zip itself
            if path.name not in (name, f"{task}.zip") and not path.name.startswith(task):
                raise ValueError(f"{path} is an agent zip, but not the {task} agent ({name})")
            return path.read_bytes()
        member = f"{AGENTS_FOLDER}/{name}"
        if member not in members:
            raise ValueError(f"{path} does not contain {member}: is it the original's causal_world 1.2 wheel?")
        return archive.read(member)


def read_weights(agent_zip: bytes, label: str = "agent zip") -> list[tuple[np.ndarray, np.ndarray]]:
    """The policy layers (w, b) from an agent zip's ``parameters`` member (never its ``data`` member)."""
    with zipfile.ZipFile(io.BytesIO(agent_zip)) as archive:
        listed = json.loads(archive.read("parameter_list"))
        with zipfile.ZipFile(io.BytesIO(archive.read("parameters"))) as parameters:
            arrays = {}
            for layer in LAYERS:
                for part in ("w", "b"):
                    key = f"{layer}/{part}:0"
                    if key not in listed:
                        raise ValueError(f"{label}: parameter {key} missing")
                    arrays[key] = np.load(io.BytesIO(parameters.read(f"{key}.npy")), allow_pickle=False)
    weights = [(arrays[f"{layer}/w:0"], arrays[f"{layer}/b:0"]) for layer in LAYERS]
    inputs = weights[0][0].shape[0]
    for (w, b), layer in zip(weights, LAYERS):
        if w.ndim != 2 or w.shape[0] != inputs or b.shape != (w.shape[1],):
            raise ValueError(f"{label}: {layer} has unexpected shapes {w.shape}, {b.shape}")
        inputs = w.shape[1]
    if weights[-1][0].shape[1] != 9:
        raise ValueError(f"{label}: the policy outputs {weights[-1][0].shape[1]} values, not 9 joint targets")
    return weights


ORIGINAL_SCORES = Path(__file__).parent / "data" / "original_pretrained.json"
"""The agents' scores in the original, measured side by side by ``benchmarks/parity.py`` (package data)."""


def original_scores(task: str) -> dict[str, Any] | None:
    """The original authors' ``task`` agent's per-protocol scores in the original, or None if not measured.

    Returns ``{"label": ..., "protocols": {name: {"last", "last_20", "full_integrated", "episodes"}}}``:
    mean final fractional success, mean of the last 20 steps and mean over the episode, measured by
    ``benchmarks/parity.py`` in the original CausalWorld 1.2 on the same intervention draws as ours (the
    published paper gives these numbers only as plots).
    """
    if not ORIGINAL_SCORES.is_file():
        return None
    data = json.loads(ORIGINAL_SCORES.read_text())
    protocols = data.get("tasks", {}).get(task)
    if not protocols:
        return None
    label = (f"the original authors' {task} agent in the original CausalWorld 1.2, as measured side by side "
             f"by benchmarks/parity.py (`{data.get('command', '')}`)")
    return {"label": label, "protocols": protocols}


__all__ = ["AGENT_FILES", "ENV_SETTINGS", "PRETRAINED_TASKS", "PretrainedAgent", "PretrainedUnavailable",
           "cache_folder", "cached_wheel", "original_scores", "pretrained", "read_weights"]

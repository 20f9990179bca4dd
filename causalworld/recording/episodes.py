"""Episode recording: a wrapper that writes every episode to ``.npz`` + JSON, and the loader.

Each episode ``i`` becomes two files in the recording folder:

* ``episode_{i:06d}.json``: format and version, the task, the env's constructor arguments, its
  starting state (dotted variable name -> list of floats), the seed given to ``reset``, the
  renderer that drew pixel observations, the interventions made through the recorder during the
  episode (step index, intervention, ``check_bounds``), the info of ``reset``, per-step info values
  that are not numeric, the names and shapes of the arrays, and the SHA-256 of the ``.npz`` file;
* ``episode_{i:06d}.npz``: ``actions`` (T x action shape, exactly as passed to ``step``),
  ``observations`` (T+1 entries: the observation of ``reset`` first; one array per key for Dict
  observations), ``rewards`` (T, float64), ``terminated`` and ``truncated`` (T, bool), and one
  array per numeric ``info`` entry of the steps (T x its shape).

Files are written atomically, never pickled, and read with ``np.load(allow_pickle=False)``; a
missing, truncated or altered file raises :class:`RecordingError` naming the file and the problem.
Replay (:mod:`causalworld.recording.replay`) rebuilds the env from the JSON file and repeats the actions.
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from causalworld.env import CausalWorldEnv
from causalworld.env.world_files import world_document
from causalworld.files.atomic import write_bytes_atomically, write_text_atomically

FORMAT = "causalworld.episode"
VERSION = 1
MAX_JSON_BYTES = 64 * 1024 * 1024
PASSTHROUGH_WRAPPERS = ("TimeLimit", "OrderEnforcing", "PassiveEnvChecker")
"""Wrappers that change neither actions nor observations: replaying on the bare env matches them."""


class RecordingError(ValueError):
    """A recorded episode that cannot be loaded: missing, corrupted, or not a causalworld episode."""


@dataclass
class Episode:
    """One recorded episode. T = number of steps; arrays are indexed by step."""

    index: int
    task: str
    env_kwargs: dict[str, Any]
    starting_state: dict[str, Any]
    seed: int | None
    renderer: str | None
    actions: np.ndarray
    """(T, *action shape), as passed to ``step``."""
    observations: np.ndarray | dict[str, np.ndarray] | None
    """(T+1, *observation shape): the observation of ``reset``, then one per step (None if not stored)."""
    rewards: np.ndarray
    terminated: np.ndarray
    truncated: np.ndarray
    infos: dict[str, np.ndarray] = field(default_factory=dict)
    """Numeric info entries of the steps, flattened: ``"reward_terms/goal_distance"`` -> (T, ...)."""
    reset_info: dict[str, Any] = field(default_factory=dict)
    other_infos: list[dict[str, Any]] = field(default_factory=list)
    """Per step, the info entries that are not numeric (JSON values)."""
    interventions: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True
    """False when the episode was cut short by ``reset`` or ``close`` before it ended."""

    @property
    def length(self) -> int:
        """Number of steps T."""
        return len(self.rewards)


def jsonable(value: Any) -> Any:
    """``value`` with NumPy arrays and scalars turned into lists and Python numbers (JSON-ready)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _flatten(info: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in info.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}/"))
        else:
            flat[name] = value
    return flat


def _numeric(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    return array if array.dtype.kind in "biuf" else None


def _split_infos(infos: list[dict[str, Any]]) -> tuple[dict[str, np.ndarray], list[dict[str, Any]]]:
    """Numeric info entries present with one shape in every step -> arrays; the rest -> JSON per step."""
    flats = [_flatten(info) for info in infos]
    arrays: dict[str, np.ndarray] = {}
    if flats:
        for name in flats[0]:
            values = [_numeric(f.get(name)) if name in f else None for f in flats]
            if all(v is not None and v.shape == values[0].shape for v in values):
                arrays[name] = np.stack(values)
    others = [{k: jsonable(v) for k, v in f.items() if k not in arrays} for f in flats]
    return arrays, others


class EpisodeRecorder(gym.Wrapper):
    """Record every episode of a CausalWorld env into ``directory`` (see the module docstring).

    Wrap the env returned by ``gymnasium.make`` or a :class:`causalworld.CausalWorldEnv` directly:
    replay repeats the recorded actions on the bare env, so wrappers that change actions or
    observations below the recorder would make the replay differ (a warning says so).
    Interventions during an episode are replayed only when made through :meth:`do_intervention`.

    Args:
        env: the environment.
        directory: folder for the files (created if missing).
        store_observations: keep the observations (needed to verify a replay; large in pixel mode).
    """

    def __init__(self, env: gym.Env, directory: str | Path, store_observations: bool = True) -> None:
        super().__init__(env)
        if not isinstance(env.unwrapped, CausalWorldEnv):
            raise TypeError(f"EpisodeRecorder records CausalWorld envs, got {type(env.unwrapped).__name__}")
        inner = env
        while isinstance(inner, gym.Wrapper):
            if type(inner).__name__ not in PASSTHROUGH_WRAPPERS:
                warnings.warn(
                    f"{type(inner).__name__} lies between the recorder and the env; a replay on the bare env "
                    "may differ from the recording", stacklevel=2,
                )
            inner = inner.env
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.store_observations = bool(store_observations)
        self.written: list[Path] = []
        """JSON files of the episodes written so far."""
        self._next_index = _next_free_index(self.directory)
        self._current: dict[str, Any] | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Reset the env and start recording a new episode (an unfinished one is written first)."""
        self._finish(complete=False)
        observation, info = self.env.reset(seed=seed, options=options)
        base = self.env.unwrapped
        self._current = {
            "header": {**world_document(base), "seed": seed, "renderer": base.renderer},
            "reset_info": jsonable(info),
            "observations": [_copy(observation)] if self.store_observations else [],
            "actions": [], "rewards": [], "terminated": [], "truncated": [], "infos": [], "interventions": [],
        }
        return observation, info

    def step(self, action):
        """Step the env and record the transition; the episode is written when it ends."""
        if self._current is None:
            raise RuntimeError("call reset() before step(): the recorder has no episode to record into")
        observation, reward, terminated, truncated, info = self.env.step(action)
        record = self._current
        record["actions"].append(np.array(action, copy=True))
        if self.store_observations:
            record["observations"].append(_copy(observation))
        record["rewards"].append(float(reward))
        record["terminated"].append(bool(terminated))
        record["truncated"].append(bool(truncated))
        record["infos"].append(info)
        if terminated or truncated:
            self._finish(complete=True)
        return observation, reward, terminated, truncated, info

    def do_intervention(self, interventions_dict: Mapping[str, Any], check_bounds: bool = True):
        """Intervene now (see :meth:`CausalWorldEnv.do_intervention`) and record it for replay."""
        result = self.env.unwrapped.do_intervention(interventions_dict, check_bounds=check_bounds)
        if self._current is not None:
            self._current["interventions"].append(
                {"step": len(self._current["actions"]), "intervention": jsonable(interventions_dict),
                 "check_bounds": bool(check_bounds)}
            )
        return result

    def close(self) -> None:
        """Write an unfinished episode (if it has steps), then close the env."""
        self._finish(complete=False)
        super().close()

    def _finish(self, complete: bool) -> None:
        record, self._current = self._current, None
        if record is None or (not complete and not record["actions"]):
            return
        path = self.directory / f"episode_{self._next_index:06d}.json"
        write_episode(path, self._next_index, record, complete)
        self.written.append(path)
        self._next_index += 1


def _copy(observation: Any) -> Any:
    if isinstance(observation, Mapping):
        return {k: np.array(v, copy=True) for k, v in observation.items()}
    return np.array(observation, copy=True)


def _next_free_index(directory: Path) -> int:
    indices = [int(p.stem.split("_")[-1]) for p in directory.glob("episode_*.json") if p.stem.split("_")[-1].isdigit()]
    return max(indices, default=-1) + 1


def write_episode(path: Path, index: int, record: dict[str, Any], complete: bool) -> None:
    """Write one episode as ``path`` (JSON) and ``path.with_suffix('.npz')``."""
    arrays: dict[str, np.ndarray] = {
        "actions": np.stack(record["actions"]),
        "rewards": np.asarray(record["rewards"], dtype=np.float64),
        "terminated": np.asarray(record["terminated"], dtype=bool),
        "truncated": np.asarray(record["truncated"], dtype=bool),
    }
    observation_keys: list[str] | None = None
    if record["observations"]:
        first = record["observations"][0]
        if isinstance(first, Mapping):
            observation_keys = list(first)
            for j, key in enumerate(observation_keys):
                arrays[f"observations_{j}"] = np.stack([o[key] for o in record["observations"]])
        else:
            arrays["observations"] = np.stack(record["observations"])
    info_arrays, other_infos = _split_infos(record["infos"])
    info_keys = list(info_arrays)
    for j, key in enumerate(info_keys):
        arrays[f"info_{j}"] = info_arrays[key]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    data = buffer.getvalue()
    npz_path = path.with_suffix(".npz")
    write_bytes_atomically(npz_path, data)
    document = {
        **record["header"], "format": FORMAT, "version": VERSION, "index": index, "complete": complete,
        "length": len(record["actions"]), "npz_file": npz_path.name, "npz_sha256": hashlib.sha256(data).hexdigest(),
        "arrays": {name: {"shape": list(a.shape), "dtype": a.dtype.str} for name, a in arrays.items()},
        "observation_keys": observation_keys, "info_keys": info_keys, "reset_info": record["reset_info"],
        "other_infos": other_infos, "interventions": record["interventions"],
    }
    write_text_atomically(path, json.dumps(document, indent=1))


def list_episodes(directory: str | Path) -> list[Path]:
    """The episode JSON files of a recording folder, in episode order."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RecordingError(f"{directory}: no such recording folder")
    return sorted(directory.glob("episode_*.json"))


def load_episode(path: str | Path) -> Episode:
    """Load one episode from its ``.json`` file (or the ``.npz`` beside it); checks everything it reads."""
    path = Path(path).with_suffix(".json")
    document = _read_document(path)
    npz_path = path.parent / document["npz_file"]
    try:
        data = npz_path.read_bytes()
    except OSError as error:
        raise RecordingError(f"{npz_path}: cannot be read ({error.strerror or error})") from None
    if hashlib.sha256(data).hexdigest() != document["npz_sha256"]:
        raise RecordingError(f"{npz_path}: checksum mismatch; the file is corrupted or was changed after recording")
    arrays = _read_arrays(npz_path, data, document["arrays"])
    length = document["length"]
    info_names = [f"info_{j}" for j in range(len(document["info_keys"]))]
    for name in ("actions", "rewards", "terminated", "truncated", *info_names):
        if name not in arrays or len(arrays[name]) != length:
            raise RecordingError(f"{npz_path}: array {name!r} is missing or does not have {length} steps")
    keys = document["observation_keys"]
    observations: np.ndarray | dict[str, np.ndarray] | None = None
    if keys is not None:
        observations = {key: arrays.get(f"observations_{j}") for j, key in enumerate(keys)}
        lengths = {len(v) if v is not None else -1 for v in observations.values()}
    elif "observations" in arrays:
        observations = arrays["observations"]
        lengths = {len(observations)}
    else:
        lengths = {length + 1}
    if lengths != {length + 1}:
        raise RecordingError(f"{npz_path}: observations must have {length + 1} entries (reset and every step)")
    return Episode(
        index=document["index"], task=document["task"], env_kwargs=document["env_kwargs"],
        starting_state=document["starting_state"], seed=document.get("seed"), renderer=document.get("renderer"),
        actions=arrays["actions"], observations=observations, rewards=arrays["rewards"],
        terminated=arrays["terminated"], truncated=arrays["truncated"],
        infos={key: arrays[f"info_{j}"] for j, key in enumerate(document["info_keys"])},
        reset_info=document["reset_info"], other_infos=document["other_infos"],
        interventions=document["interventions"], complete=document["complete"],
    )


_REQUIRED = {
    "task": str, "env_kwargs": dict, "starting_state": dict, "index": int, "length": int, "npz_file": str,
    "npz_sha256": str, "arrays": dict, "info_keys": list, "reset_info": dict, "other_infos": list,
    "interventions": list, "complete": bool,
}


def _read_document(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise RecordingError(f"{path}: larger than {MAX_JSON_BYTES} bytes; not an episode file")
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RecordingError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RecordingError(f"{path}: not valid JSON, the file is corrupted ({error})") from None
    except RecursionError:
        raise RecordingError(f"{path}: nested too deeply; not an episode file") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RecordingError(f"{path}: not a causalworld episode file (expected format {FORMAT!r})")
    if document.get("version") != VERSION:
        raise RecordingError(
            f"{path}: episode file version {document.get('version')!r}, this causalworld reads {VERSION}"
        )
    for key, kind in _REQUIRED.items():
        if not isinstance(document.get(key), kind) or (kind is int and isinstance(document.get(key), bool)):
            raise RecordingError(f"{path}: field {key!r} is missing or not a {kind.__name__}")
    if Path(document["npz_file"]).name != document["npz_file"]:
        raise RecordingError(f"{path}: npz_file must be a file name in the same folder, got {document['npz_file']!r}")
    keys = document.get("observation_keys")
    if keys is not None and not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
        raise RecordingError(f"{path}: observation_keys must be a list of names or null")
    return document


def _read_arrays(npz_path: Path, data: bytes, manifest: dict[str, Any]) -> dict[str, np.ndarray]:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as error:
        raise RecordingError(f"{npz_path}: not a readable .npz archive, the file is corrupted ({error})") from None
    if set(arrays) != set(manifest):
        raise RecordingError(f"{npz_path}: holds arrays {sorted(arrays)}, the JSON file lists {sorted(manifest)}")
    for name, array in arrays.items():
        expected = manifest[name]
        if not isinstance(expected, dict) or list(array.shape) != expected.get("shape") or (
            array.dtype.str != expected.get("dtype")
        ):
            found = f"{array.dtype.str}{list(array.shape)}"
            raise RecordingError(f"{npz_path}: array {name!r} is {found}, expected {expected}")
    return arrays

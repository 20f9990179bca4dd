"""Saved worlds: round trips for every ID, failing disks, and hostile files (issue 9)."""

from __future__ import annotations

import errno
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import causalworld
from causalworld.env import world_files as world_io
from causalworld.files import atomic as io_utils

TASK_LEVEL = {
    "CausalWorld-Reaching": ({"max_obstacles": 3}, {"number_of_obstacles": 2}),
    "CausalWorld-Towers": ({}, {"number_of_blocks_in_tower": [2, 2, 3]}),
    "CausalWorld-General": ({}, {"nums_objects": 7}),
    "CausalWorld-StackedBlocks": ({}, {"stack_levels": 3}),
    "CausalWorld-CreativeStackedBlocks": ({}, {"number_of_obstacles": 3}),
}
"""Per ID: extra kwargs and a task-level intervention that adds objects the default scene lacks."""
OTHER = {"floor_friction": 0.5, "stage_color": [0.6, 0.6, 0.6]}
"""The intervention for IDs whose task has no task-level variable."""
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def _same_nested(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same_nested(a[k], b[k]) for k in a)
    return np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("env_id", sorted(causalworld.ENV_IDS))
def test_save_load_round_trip_after_a_task_level_intervention(env_id, tmp_path):
    kwargs, intervention = TASK_LEVEL.get(env_id, ({}, OTHER))
    env = causalworld.CausalWorldEnv(**causalworld.ENV_IDS[env_id], **kwargs)
    loaded = None
    try:
        env.reset(seed=0)
        result = env.set_starting_state(intervention)
        assert result.success, result.reasons
        first, _ = env.reset(seed=3)
        state = env.get_current_state_variables()
        env.save_world(tmp_path / "world.json")
        loaded = causalworld.load_world(tmp_path / "world.json")
        again, _ = loaded.reset(seed=3)
        assert np.array_equal(first, again)
        assert _same_nested(state, loaded.get_current_state_variables())
        action = np.full(9, 0.2, dtype=np.float32)
        assert np.array_equal(env.step(action)[0], loaded.step(action)[0])
    finally:
        env.close()
        if loaded is not None:
            loaded.close()


def _saved(env, path) -> bytes:
    env.save_world(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def pushing():
    env = causalworld.CausalWorldEnv("pushing")
    env.reset(seed=0)
    yield env
    env.close()


def test_saving_into_a_read_only_folder_fails_clearly_and_keeps_the_old_file(pushing, tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    old = _saved(pushing, folder / "world.json")
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):  # root ignores permissions: simulate a read-only file system

        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))

        monkeypatch.setattr(io_utils.tempfile, "mkstemp", read_only)
    try:
        with pytest.raises(OSError, match="cannot write") as error:
            pushing.save_world(folder / "world.json")
        assert error.value.errno in (errno.EACCES, errno.EROFS) and "world.json" in str(error.value)
    finally:
        monkeypatch.undo()
        folder.chmod(0o700)
    assert (folder / "world.json").read_bytes() == old
    assert sorted(p.name for p in folder.iterdir()) == ["world.json"]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_full_disk_fails_clearly_leaves_no_partial_file_and_keeps_the_old_one(
    pushing, tmp_path, monkeypatch, failing
):
    path = tmp_path / "world.json"
    old = _saved(pushing, path)
    pushing.set_starting_state({"floor_friction": 0.45})

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if failing == "write":
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, stream):
                self.stream = stream

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.stream.close()

            def write(self, data):
                self.stream.write(data[: len(data) // 2])  # half of it lands, then the disk is full
                self.stream.flush()
                no_space()

        monkeypatch.setattr(io_utils.os, "fdopen", lambda *a, **k: Full(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(io_utils.os, failing, no_space)
    try:
        with pytest.raises(OSError) as error:
            pushing.save_world(path)
    finally:
        monkeypatch.undo()
        pushing.reset_default_state()
    assert error.value.errno == errno.ENOSPC and str(path) in str(error.value)
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["world.json"]


def test_world_io_uses_the_atomic_writer():
    assert world_io.write_text_atomically is io_utils.write_text_atomically


@pytest.fixture(scope="module")
def good_world(tmp_path_factory, pushing) -> bytes:
    return _saved(pushing, tmp_path_factory.mktemp("good") / "world.json")


JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=False),
    st.text(max_size=20), st.lists(st.integers(), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just("__import__('os').system('false')"), st.just({"__reduce__": ["os.system", ["false"]]}),
)


def _load_refused(tmp_path, data: bytes) -> str:
    path = tmp_path / "fuzzed.json"
    path.write_bytes(data)
    try:
        env = causalworld.load_world(path)
    except causalworld.WorldFileError as error:
        return str(error)
    env.close()
    return ""


@FUZZ
@given(cut=st.integers(min_value=0, max_value=10**9))
def test_fuzz_truncated_world_files_are_refused(tmp_path_factory, good_world, cut):
    data = good_world[: cut % len(good_world)]
    assert "fuzzed.json" in _load_refused(tmp_path_factory.mktemp("t"), data)


@FUZZ
@given(where=st.sampled_from(["format", "version", "task", "env_kwargs", "starting_state", "variable", "argument"]),
       value=JUNK)
def test_fuzz_world_files_with_a_wrong_schema_are_refused_or_loaded_exactly(tmp_path_factory, good_world, where, value):
    document = json.loads(good_world)
    if where == "variable":
        document["starting_state"]["tool_block.mass"] = value
    elif where == "argument":
        document["env_kwargs"]["skip_frame"] = value
    else:
        document[where] = value
    message = _load_refused(tmp_path_factory.mktemp("s"), json.dumps(document).encode())
    valid = (where == "variable" and isinstance(value, (int, float)) and not isinstance(value, bool)
             and 0 < value < 10) or (where == "argument" and type(value) is int and 0 < value < 50) or (
             where == "version" and value == 1 and type(value) is int) or (where == "starting_state" and value == {})
    assert message or valid


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_random_bytes_are_refused(tmp_path_factory, data):
    assert _load_refused(tmp_path_factory.mktemp("b"), data)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"format": "causalworld.world", "version": 1, "task": "pushing", "env_kwargs": {}, '
         '"starting_state": {"tool_block.mass": ' + "9" * 5000 + "}}", "not valid JSON"),
        ('{"format": "causalworld.world", "version": true, "task": "pushing", "env_kwargs": {}, '
         '"starting_state": {}}', "version"),
        ('{"format": "causalworld.world", "version": 1, "task": "pushing", "env_kwargs": {}, '
         '"starting_state": {"tool_block.mass": [' + ",".join(["1"] * 1000) + "]}}", "at most"),
        ('{"format": "causalworld.world", "version": 1, "task": ["pushing"], "env_kwargs": {}, '
         '"starting_state": {}}', "'task' must be a str"),
    ],
)
def test_hostile_world_files_get_specific_errors(tmp_path, text, fragment):
    path = tmp_path / "hostile.json"
    path.write_text(text)
    with pytest.raises(causalworld.WorldFileError) as error:
        causalworld.load_world(path)
    assert fragment in str(error.value) and "hostile.json" in str(error.value)


def test_a_huge_file_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(world_io, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(" " * 200)
    with pytest.raises(causalworld.WorldFileError, match="larger than 100 bytes"):
        causalworld.load_world(path)


def test_a_world_file_asking_for_the_gui_without_a_display_is_refused_not_fatal(tmp_path, monkeypatch, good_world):
    monkeypatch.delenv("DISPLAY", raising=False)  # PyBullet's GUI would end the process without an X server
    document = json.loads(good_world)
    document["env_kwargs"]["render_mode"] = "human"
    path = tmp_path / "gui.json"
    path.write_text(json.dumps(document))
    with pytest.raises(causalworld.WorldFileError, match="needs a display"):
        causalworld.load_world(path)

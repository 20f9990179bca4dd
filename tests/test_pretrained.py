"""The original authors' trained agents (causalworld.baselines.pretrained).

Loading, the forward pass and the failure messages are checked on synthetic agent files (no network).
The acceptance runs use the real weights: they run where the original's wheel is cached or can be
fetched with pip (as in CI), and are skipped otherwise.
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

import gymnasium as gym
import numpy as np
import pytest

import causalworld
from causalworld.baselines import PRETRAINED_TASKS, pretrained
from causalworld.baselines import pretrained_agents as pa
from causalworld.evaluation.agents import build_agent

LAYER_SHAPES = {"model/shared_fc0": (56, 256), "model/shared_fc1": (256, 256), "model/vf": (256, 1),
                "model/pi": (256, 9)}


def agent_zip(seed: int = 0, inputs: int = 56) -> tuple[bytes, dict[str, np.ndarray]]:
    """An agent zip in the original's format (parameter_list, parameters, and a data member)."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for layer, (n_in, n_out) in LAYER_SHAPES.items():
        arrays[f"{layer}/w:0"] = rng.normal(0, 0.1, (inputs if layer.endswith("fc0") else n_in, n_out)).astype("f4")
        arrays[f"{layer}/b:0"] = rng.normal(0, 0.1, n_out).astype("f4")
    params = io.BytesIO()
    with zipfile.ZipFile(params, "w") as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, array)
            archive.writestr(f"{name}.npy", buffer.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data", b"\x80\x04 a cloudpickle we must never open")
        archive.writestr("parameter_list", json.dumps(list(arrays)))
        archive.writestr("parameters", params.getvalue())
    return out.getvalue(), arrays


def fake_wheel(path, tasks=PRETRAINED_TASKS):
    with zipfile.ZipFile(path, "w") as wheel:
        for task in tasks:
            wheel.writestr(f"{pa.AGENTS_FOLDER}/{pa.AGENT_FILES[task]}", agent_zip(inputs=56)[0])
    return path


def test_forward_pass_is_the_original_policy_mean_and_data_is_never_read(tmp_path, monkeypatch):
    blob, arrays = agent_zip(seed=1)
    path = tmp_path / "pushing_ppo_curr1.zip"
    path.write_bytes(blob)
    read = []
    original_read = zipfile.ZipFile.read
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda self, name, *a: read.append(name) or original_read(
        self, name, *a))
    agent = pretrained("pushing", source=path)
    assert "data" not in read and "parameters" in read
    obs = np.random.default_rng(2).uniform(-1, 1, (4, 56)).astype(np.float32)
    hidden = np.tanh(np.tanh(obs @ arrays["model/shared_fc0/w:0"] + arrays["model/shared_fc0/b:0"])
                     @ arrays["model/shared_fc1/w:0"] + arrays["model/shared_fc1/b:0"])
    expected = np.clip(hidden @ arrays["model/pi/w:0"] + arrays["model/pi/b:0"], -1, 1)
    np.testing.assert_allclose(agent(obs), expected, rtol=1e-6)
    assert agent(obs[0]).shape == (9,) and agent.env_kwargs["skip_frame"] == 3
    with pytest.raises(ValueError, match="56 values"):
        agent(np.zeros(37))


def test_sources_wheel_folder_environment_and_mistakes(tmp_path, monkeypatch):
    wheel = fake_wheel(tmp_path / "causal_world-1.2-py3-none-any.whl")
    assert pretrained("picking", source=wheel).task == "picking"
    assert pretrained("stacking2", source=tmp_path).source == str(tmp_path)  # a folder holding the wheel
    monkeypatch.setenv(pa.SOURCE_VARIABLE, str(wheel))
    assert pretrained("reaching").source == str(wheel)
    (tmp_path / "pushing_ppo_curr1.zip").write_bytes(agent_zip()[0])
    with pytest.raises(ValueError, match="not the picking agent"):
        pretrained("picking", source=tmp_path / "pushing_ppo_curr1.zip")
    with pytest.raises(ValueError, match="no pretrained agent for task 'towers'"):
        pretrained("towers")
    with pytest.raises(FileNotFoundError):
        pretrained("pushing", source=tmp_path / "missing.whl")


def test_without_network_the_error_says_how_to_provide_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv(pa.SOURCE_VARIABLE, raising=False)
    monkeypatch.setenv(pa.CACHE_VARIABLE, str(tmp_path / "cache"))
    with pytest.raises(pa.PretrainedUnavailable, match="pip download --no-deps causal-world==1.2"):
        pretrained("pushing", fetch=False)

    def offline(command, **kwargs):
        assert command[1:4] == ["-m", "pip", "download"]
        return subprocess.CompletedProcess(command, 1, "", "ERROR: Could not find a version (network is off)")

    monkeypatch.setattr(pa.subprocess, "run", offline)
    with pytest.raises(pa.PretrainedUnavailable) as error:
        pretrained("pushing")
    assert "network is off" in str(error.value) and "source=" in str(error.value)
    assert pa.SOURCE_VARIABLE in str(error.value)


def test_evaluate_agent_builds_with_the_agents_settings(tmp_path, monkeypatch):
    monkeypatch.setenv(pa.SOURCE_VARIABLE, str(fake_wheel(tmp_path / "causal_world-1.2-py3-none-any.whl")))
    right = causalworld.CausalWorldEnv("pushing", skip_frame=3)
    assert build_agent("pretrained", right).act(right.reset(seed=0)[0]).shape == (9,)
    wrong = causalworld.CausalWorldEnv("pushing")
    with pytest.raises(ValueError, match="skip_frame"):
        build_agent("pretrained", wrong)
    from causalworld.evaluation.pipeline import evaluate

    result = evaluate("pretrained", "pushing", ["P0"], episodes=1, env_kwargs={"max_episode_length": 5})
    assert result.env_kwargs["skip_frame"] == 3 and result.env_kwargs["max_episode_length"] == 5
    right.close()
    wrong.close()


def test_cli_evaluates_the_pretrained_agent_and_shows_the_originals_scores(tmp_path, monkeypatch):
    from causalworld import cli

    monkeypatch.setenv(pa.SOURCE_VARIABLE, str(fake_wheel(tmp_path / "causal_world-1.2-py3-none-any.whl")))
    out = tmp_path / "report"
    assert cli.main(["evaluate", "--task", "pushing", "--agent", "pretrained", "--protocols", "P0,P1", "--episodes",
                     "1", "--max-steps", "5", "--no-progress", "--out", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert "pretrained on pushing" in report and "'skip_frame': 3" in report
    if pa.original_scores("pushing") is not None:  # written by benchmarks/parity.py
        assert "as measured side by side by benchmarks/parity.py" in report and "| P1 |" in report
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "--task", "pushing", "--agent", "pretrained", "--skip-frame", "10", "--out", str(out)])
    monkeypatch.setenv(pa.SOURCE_VARIABLE, str(tmp_path / "missing.whl"))
    for task in ("towers", "pushing"):  # no agent for towers; a source that does not exist
        with pytest.raises(SystemExit):
            cli.main(["evaluate", "--task", task, "--agent", "pretrained", "--out", str(out)])


# -- the real agents ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_agents():
    try:
        return {task: pretrained(task) for task in PRETRAINED_TASKS}
    except pa.PretrainedUnavailable as error:
        pytest.skip(f"the original's agents are not available here: {error}")


REFERENCE = {"pushing": (0.95, None), "picking": (0.95, None), "pick_and_place": (0.95, None),
             "reaching": (None, 0.51), "stacking2": (None, 0.32)}
"""The issue's acceptance: (lowest mean final fractional success) or (the original's README value, to match
within 0.1)."""
KNOWN_GAPS: dict[str, str] = {}
"""Where one deterministic default-goal rollout misses the target, and what the original scores side by side
(benchmarks/results/parity/parity.md, rows default and default-float64). None at present: with the table as
the original's hull, pushing, picking and pick_and_place end at 1.00 and reaching and stacking2 at 0.42 and 0.40
(the original: 1.00, 0.92, 0.99, 0.49, 0.49). These rollouts are chaotic (they part at the first finger contact,
benchmarks/agent_trace.py), so a change of contact geometry or solver settings can flip them: put the measured
side-by-side numbers here if it does."""


def env_id(task: str) -> str:
    return {"reaching": "CausalWorld-Reaching", "pushing": "CausalWorld-Pushing", "picking": "CausalWorld-Picking",
            "pick_and_place": "CausalWorld-PickAndPlace", "stacking2": "CausalWorld-Stacking2"}[task]


@pytest.mark.slow
@pytest.mark.parametrize("task", PRETRAINED_TASKS)
def test_original_agents_score_as_in_the_original(real_agents, task):
    agent = real_agents[task]
    env = gym.make(env_id(task), **agent.env_kwargs)
    finals = []
    for episode in range(10):
        obs, _ = env.reset(seed=episode)
        done = False
        while not done:
            obs, _, terminated, truncated, info = env.step(agent(obs))
            done = terminated or truncated
        finals.append(info["fractional_success"])
    env.close()
    lowest, original = REFERENCE[task]
    met = np.mean(finals) >= lowest if lowest is not None else abs(np.mean(finals) - original) <= 0.1
    if not met and task in KNOWN_GAPS:
        pytest.xfail(f"{task}: mean final fractional success {np.mean(finals):.2f}; {KNOWN_GAPS[task]}")
    assert met, finals

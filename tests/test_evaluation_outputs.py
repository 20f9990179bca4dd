"""Plots (Agg, PNG and PDF, no global style change), the Markdown report, and the CLI end to end."""

from __future__ import annotations

import json

import matplotlib
import pytest
from matplotlib.figure import Figure

from causalworld.cli import main
from causalworld.evaluation import EvaluationResult, evaluate
from causalworld.evaluation.plots import bar_chart, radar_chart, save_figure, write_charts
from causalworld.evaluation.report import markdown_report

SMALL = {"protocols": ["P0", "P1", "P5"], "episodes": 2, "env_kwargs": {"max_episode_length": 10}}


@pytest.fixture(scope="module")
def results():
    zero = evaluate(lambda obs: obs[:9] * 0, "pushing", agent_label="still", **SMALL)
    return {"random": evaluate("random", "pushing", **SMALL), "still": zero}


def test_charts_render_and_save_without_global_changes(results, tmp_path):
    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    radar = radar_chart(results, "last_fractional_success")
    bars = bar_chart(results, "return")
    assert isinstance(radar, Figure) and isinstance(bars, Figure)
    assert [t.get_text() for t in radar.axes[0].get_xticklabels()] == ["P0", "P1", "P5"]
    assert len(bars.axes[0].patches) == 3 * 2  # protocols x agents
    assert len(radar.axes[0].get_legend().get_texts()) == 2
    paths = save_figure(radar, tmp_path / "radar")
    assert [p.name for p in paths] == ["radar.png", "radar.pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and paths[1].read_bytes()[:5] == b"%PDF-"
    assert dict(matplotlib.rcParams) == before and matplotlib.get_backend() == backend
    (tmp_path / "charts").mkdir()
    written = write_charts(results, tmp_path / "charts")
    assert len(written) == 4 * 2 * 2  # 4 fraction metrics x (radar + bar) x (png + pdf)


def test_charts_refuse_bad_input(results):
    with pytest.raises(ValueError, match="unknown metric"):
        radar_chart(results, "return")  # not a fraction: no radar
    with pytest.raises(ValueError, match="at least one result"):
        bar_chart({})


def test_report_lists_every_protocol(results):
    text = markdown_report(results["random"], ["radar.png"])
    assert "| P0 | default | space_a_b |" in text and "| P5 | gp | space_a |" in text
    assert "last 20 steps" in text and "![radar](radar.png)" in text


def test_cli_runs_end_to_end(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(["evaluate", "--task", "reaching", "--agent", "random", "--protocols", "P0,P12", "--episodes", "2",
                   "--max-steps", "8", "--workers", "1", "--out", str(out), "--no-progress"])
    assert status == 0
    result = EvaluationResult.load(out / "scores.json")
    assert result.task == "reaching" and [p.name for p in result.protocols] == ["P0", "P12"]
    assert result.env_kwargs == {"max_episode_length": 8} and result.agent == "random"
    assert (out / "report.md").read_text().startswith("# Evaluation: random on reaching")
    assert (out / "radar_success.png").is_file() and (out / "bar_success.pdf").is_file()
    assert json.loads((out / "scores.json").read_text())["episodes"] == 2
    assert "random on reaching" in capsys.readouterr().out


def test_cli_default_agent_is_scripted_where_the_task_has_one(tmp_path):
    assert main(["evaluate", "--task", "pushing", "--protocols", "P0", "--episodes", "1", "--max-steps", "5",
                 "--out", str(tmp_path / "p"), "--no-progress"]) == 0
    assert EvaluationResult.load(tmp_path / "p" / "scores.json").agent == "scripted"
    assert main(["evaluate", "--task", "towers", "--protocols", "P0", "--episodes", "1", "--max-steps", "5",
                 "--out", str(tmp_path / "t"), "--no-progress"]) == 0
    assert EvaluationResult.load(tmp_path / "t" / "scores.json").agent == "random"


def test_cli_runs_the_mpc_agent(tmp_path):
    spec = "mpc:horizon=2,action_repeat=2,population=4,elites=2,iterations=1,replan_every=2"
    assert main(["evaluate", "--task", "pushing", "--agent", spec, "--protocols", "P0,P4", "--episodes", "1",
                 "--max-steps", "4", "--out", str(tmp_path / "m"), "--no-progress"]) == 0
    result = EvaluationResult.load(tmp_path / "m" / "scores.json")
    assert result.agent == spec and result["P4"].episodes[0].steps == 4


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--episodes", "0"], "--episodes must be at least 1"),
        (["--protocols", "P0,P42"], "unknown protocol"),
        (["--task", "juggling"], "unknown task"),
        (["--agent", "missing.zip"], "neither 'random', 'scripted', 'pretrained', 'mpc' nor an existing model file"),
        (["--agent", "mpc:speed=3"], "expected key=value"),
        (["--max-steps", "0"], "--max-steps"),
    ],
)
def test_cli_bad_input(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", "--out", str(tmp_path), *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_scripted_agent_gives_a_clear_error_when_baselines_lack_it(tmp_path, capsys, monkeypatch):
    import causalworld.baselines as baselines

    monkeypatch.delattr(baselines, "scripted_policy", raising=False)
    with pytest.raises(SystemExit):
        main(["evaluate", "--agent", "scripted", "--out", str(tmp_path)])
    assert "scripted_policy" in capsys.readouterr().err


def test_scripted_agent_runs_when_the_baselines_provide_it():
    baselines = pytest.importorskip("causalworld.baselines")
    if not hasattr(baselines, "scripted_policy"):
        pytest.skip("causalworld.baselines has no scripted_policy yet")
    result = evaluate("scripted", "pushing", protocols=["P0"], episodes=1, env_kwargs={"max_episode_length": 10})
    assert result.agent == "scripted" and result["P0"].episodes[0].steps == 10

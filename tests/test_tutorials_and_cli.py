import json
import pathlib
import runpy

import pytest

from causalworld import cli

TUTORIALS = sorted((pathlib.Path(__file__).parents[1] / "tutorials").glob("*.py"))


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_tutorial_runs(path, capsys):
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out


def test_there_are_tutorials():
    assert len(TUTORIALS) >= 2


def test_demo_writes_its_report(tmp_path, capsys):
    assert cli.main(["demo", "--out", str(tmp_path / "out"), "--episodes", "1"]) == 0
    report = json.loads((tmp_path / "out" / "demo.json").read_text())
    solver = next(r for r in report["runs"] if r["agent"] == "ik_solver")
    assert solver["episodes"][0]["success"] is True
    assert all(r["episodes"][0]["steps"] in (125, 250) for r in report["runs"])
    assert "| pushing | random |" in (tmp_path / "out" / "report.md").read_text()
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_demo_refuses_zero_episodes(tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["demo", "--out", str(tmp_path), "--episodes", "0"])

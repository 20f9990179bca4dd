"""Protocol definitions against the spec table, pattern coverage, and the ProtocolWrapper."""

from __future__ import annotations

import numpy as np
import pytest

from causalworld.benchmark.protocols import PROTOCOLS, get_protocols
from causalworld.benchmark.sampling import OBJECT_STAGE, TASK_STAGE, protocol_matches, selected_variables
from causalworld.variables import InterventionResult, VariableSpace
from causalworld.wrappers.protocol import ProtocolWrapper

A, B, AB = VariableSpace.A, VariableSpace.B, VariableSpace.A_B
TP, GP, TM = "tool_block.cylindrical_position", "goal_block.cylindrical_position", "tool_block.mass"

# The original's table (spec section 7), written out by hand: name -> (space, variables or "random").
SPEC_BLOCK = {
    "P0": (AB, set()), "P1": (A, {TM}), "P2": (B, {TM}), "P3": (A, {"tool_block.size"}), "P4": (A, {TP}),
    "P5": (A, {GP}), "P6": (B, {TP, GP}), "P7": (A, {TP, GP, TM}), "P8": (B, {TP, GP, TM}),
    "P9": (B, {TP, GP, TM, "floor_friction"}), "P10": (A, "random"), "P11": (B, "random"),
}
S2_TP, S2_TM, S2_GP = "tool_block_*.cylindrical_position", "tool_block_*.mass", "goal_tower.cylindrical_position"
SPEC_STACKING2 = {
    "P0": (AB, set()), "P1": (A, {S2_TM}), "P2": (B, {S2_TM}), "P4": (A, {S2_TP}), "P5": (A, {S2_GP}),
    "P6": (B, {S2_TP, S2_GP}), "P7": (A, {S2_TP, S2_GP, S2_TM}), "P8": (B, {S2_TP, S2_GP, S2_TM}),
    "P9": (B, {S2_TP, S2_TM, "floor_friction"}), "P10": (A, "random"), "P11": (B, "random"),
}
SPEC_REACHING = {"P0": (AB, set()), "P5": (A, {"goal_*.cylindrical_position"}),
                 "P12": (B, {"goal_*.cylindrical_position"})}


def _as_table(task):
    return {p.name: (p.space, "random" if p.fully_random else set(p.variables)) for p in get_protocols(task)}


@pytest.mark.parametrize("task", ["pushing", "picking", "pick_and_place"])
def test_block_tasks_follow_the_spec_table(task):
    assert _as_table(task) == SPEC_BLOCK
    assert [p.name for p in get_protocols(task)] == [f"P{k}" for k in range(12)]


def test_stacking2_and_reaching_follow_the_spec():
    assert _as_table("stacking2") == SPEC_STACKING2  # no P3, and no goal in P9
    assert _as_table("reaching") == SPEC_REACHING


@pytest.mark.parametrize("task", ["towers", "stacked_blocks", "creative_stacked_blocks", "general"])
def test_our_families_cover_default_mass_size_pose_goal_and_random(task):
    protocols = get_protocols(task)
    assert protocols[0].space is AB and not protocols[0].variables
    spaces = [(p.label, p.space) for p in protocols[1:9]]
    assert spaces == [(label, space) for label in ("bm", "bs", "tp", "gs") for space in (A, B)]
    assert [(p.fully_random, p.space) for p in protocols[9:]] == [(True, A), (True, B)]


@pytest.mark.parametrize("task", sorted(PROTOCOLS))
def test_every_pattern_names_a_variable_of_the_default_scene(task, make_env):
    env = make_env(task, max_episode_length=5)
    for protocol in get_protocols(task):
        for pattern, names in protocol_matches(protocol, env.variables).items():
            assert names, f"{task} {protocol.name}: {pattern!r} matches nothing"
            assert all(env.variables[n].settable for n in names)


def test_bad_names_are_refused_clearly():
    with pytest.raises(ValueError, match="unknown task 'juggling'"):
        get_protocols("juggling")
    with pytest.raises(ValueError, match="no evaluation protocols"):
        get_protocols("no_reward")
    with pytest.raises(ValueError, match=r"unknown protocol\(s\) \['P3'\]"):
        get_protocols("stacking2", ["P0", "P3"])
    with pytest.raises(ValueError, match="repeat"):
        get_protocols("pushing", ["P1", "P1"])
    assert [p.name for p in get_protocols("pushing", ["P4", "P0"])] == ["P4", "P0"]


def test_wrapper_intervenes_in_episode_only_and_reproducibly(make_env):
    env = make_env("pushing", max_episode_length=5)
    default_mass = float(env.variables[TM].read())
    wrapper = ProtocolWrapper(env, get_protocols("pushing", ["P2"])[0])
    _, info = wrapper.reset(seed=3)
    report = info["protocol"]
    assert report["applied"] and report["attempts"] == 1 and set(report["intervention"]) == {TM}
    mass = float(env.variables[TM].read())
    assert 0.045 <= mass <= 0.1 and mass == pytest.approx(report["intervention"][TM])
    assert env.task.variables_space is B
    env.reset(seed=3)  # the starting state never changed
    assert float(env.variables[TM].read()) == default_mass
    _, again = wrapper.reset(seed=3)
    _, other = wrapper.reset(seed=4)
    assert again["protocol"]["intervention"] == report["intervention"]
    assert other["protocol"]["intervention"] != report["intervention"]
    assert wrapper._saved_kwargs["protocol"].name == "P2"  # RecordConstructorArgs


def test_fully_random_never_touches_joints_or_velocities_and_picks_size_xor_position(make_env):
    env = make_env("pushing", max_episode_length=5)
    protocol = get_protocols("pushing", ["P10"])[0]
    rng = np.random.default_rng(0)
    for _ in range(20):
        names = {v.name for v in selected_variables(protocol, env.variables, rng, OBJECT_STAGE)}
        assert not names & {"joint_positions", "joint_velocities"}
        assert not any(n.endswith(("velocity", "cartesian_position", ".orientation")) for n in names)
        sizes = {f"{obj}.size" in names for obj in ("tool_block", "goal_block")}
        positions = {f"{obj}.cylindrical_position" in names for obj in ("tool_block", "goal_block")}
        assert len(sizes) == len(positions) == 1 and sizes != positions  # one coin for all objects, as the original
        assert {"floor_friction", TM, "tool_block.color"} <= names and "gravity" not in names  # gravity has no space
    assert selected_variables(protocol, env.variables, rng, TASK_STAGE) == []


def test_structure_families_sample_task_variables_first(make_env):
    env = make_env("towers", max_episode_length=5)
    protocol = get_protocols("towers", ["P7"])[0]
    rng = np.random.default_rng(0)
    assert {v.name for v in selected_variables(protocol, env.variables, rng, TASK_STAGE)} == {
        "number_of_blocks_in_tower", "tower_center"}
    wrapper = ProtocolWrapper(env, protocol)
    _, info = wrapper.reset(seed=1)
    counts = info["protocol"]["intervention"]["number_of_blocks_in_tower"]
    assert info["protocol"]["applied"] and max(counts) <= 4  # the original's space A: 1 to 4 per axis
    assert len([n for n in env.stage.blocks if n.startswith("tool_level_")]) == int(np.prod(counts))


def test_refused_draws_are_retried_then_the_episode_runs_unchanged(make_env, monkeypatch):
    env = make_env("pushing", max_episode_length=5)
    calls = []

    def refuse(values, check_bounds=True):
        calls.append(values)
        return InterventionResult(False, np.zeros(1), ("no room",))

    monkeypatch.setattr(env, "do_intervention", refuse)
    wrapper = ProtocolWrapper(env, get_protocols("pushing", ["P1"])[0], max_attempts=3)
    _, info = wrapper.reset(seed=0)
    assert info["protocol"]["applied"] is False and info["protocol"]["attempts"] == 3
    assert info["protocol"]["reasons"] == ["no room"] and len(calls) == 3
    calls.clear()
    wrapper = ProtocolWrapper(env, get_protocols("pushing", ["P4"])[0], max_attempts=3)
    _, info = wrapper.reset(seed=0)
    assert info["protocol"]["applied"] is False and len(calls) == 3 * 3  # positions: redrawn within an attempt
    assert len({str(c) for c in calls}) == 9


def test_wrapper_rejects_bad_arguments(make_env):
    env = make_env("pushing", max_episode_length=5)
    with pytest.raises(TypeError, match="Protocol"):
        ProtocolWrapper(env, "P1")
    with pytest.raises(ValueError, match="max_attempts"):
        ProtocolWrapper(env, get_protocols("pushing")[0], max_attempts=0)


def test_docs_list_every_protocol_of_every_family():
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "protocols.md").read_text()
    sections = {chunk.split("\n", 1)[0]: chunk for chunk in text.split("\n## ")[1:]}
    for task in PROTOCOLS:
        heading = next(h for h in sections if task in h.replace(",", " ").split())
        for protocol in get_protocols(task):
            assert f"| {protocol.name} | {protocol.label} |" in sections[heading], (task, protocol.name)


def test_draws_refusals_and_redraws_are_counted(make_env, monkeypatch):
    from causalworld.evaluation.metrics import episode_metrics
    from causalworld.evaluation.results import EpisodeResult, EvaluationResult, ProtocolResult

    env = make_env("pushing", max_episode_length=5)
    real, calls = env.do_intervention, []

    def refuse_twice(values, check_bounds=True):
        calls.append(values)
        return InterventionResult(False, np.zeros(1), ("no room",)) if len(calls) <= 2 else real(values, check_bounds)

    monkeypatch.setattr(env, "do_intervention", refuse_twice)
    _, info = ProtocolWrapper(env, get_protocols("pushing", ["P1"])[0], max_attempts=5).reset(seed=0)
    report = info["protocol"]
    assert report["applied"] and (report["drawn"], report["refused"], report["redrawn"]) == (3, 2, 2)
    calls[:] = [None] * 10  # every further draw is accepted
    _, info = ProtocolWrapper(env, get_protocols("pushing", ["P10"])[0]).reset(seed=0)
    assert info["protocol"]["drawn"] >= 1 and (info["protocol"]["refused"], info["protocol"]["redrawn"]) == (0, 0)
    monkeypatch.setattr(env, "do_intervention", lambda values, check_bounds=True: InterventionResult(
        False, np.zeros(1), ("no room",)))
    _, info = ProtocolWrapper(env, get_protocols("pushing", ["P1"])[0], max_attempts=3).reset(seed=0)
    assert (info["protocol"]["drawn"], info["protocol"]["refused"], info["protocol"]["redrawn"]) == (3, 3, 2)
    metrics = episode_metrics([0.5] * 5, [False] * 5, [0.0] * 5)
    episodes = (EpisodeResult("P1", 0, 1, 5, metrics, True, 3, {}, 3, 2, 2),
                EpisodeResult("P1", 1, 2, 5, metrics, False, 3, {}, 3, 3, 2))
    counts = ProtocolResult({"name": "P1"}, episodes).intervention_counts
    assert counts == {"interventions_drawn": 6, "interventions_refused": 5, "interventions_redrawn": 4,
                      "interventions_applied": 1, "total_timesteps": 10, "total_resets": 6}
    again = EvaluationResult.from_json(EvaluationResult("pushing", "x", 0, 2, {}, (ProtocolResult(
        {"name": "P1"}, episodes),)).to_json().replace('"scores"', '"ignored"'))
    assert again.protocols[0].episodes == episodes

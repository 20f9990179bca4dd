"""Metric arithmetic on hand-made episodes."""

from __future__ import annotations

import math

import pytest

from causalworld.evaluation.metrics import LAST_STEPS, METRICS, episode_metrics, summarize


def test_last_integrated_is_exactly_the_last_20_steps():
    fractions = [0.0] * 5 + [1.0] * 20  # the original's bug (first step + last 19) would give 0.95 here
    metrics = episode_metrics(fractions, [False] * 24 + [True], [0.5] * 25)
    assert LAST_STEPS == 20
    assert metrics["full_integrated_fractional_success"] == pytest.approx(20 / 25)
    assert metrics["last_integrated_fractional_success"] == 1.0
    assert metrics["last_fractional_success"] == 1.0
    assert metrics["success"] == 1.0
    assert metrics["return"] == pytest.approx(12.5)


def test_ramp_episode_and_short_episode():
    fractions = [k / 100 for k in range(100)]
    metrics = episode_metrics(fractions, [True] * 99 + [False], [-1.0] * 100)
    assert metrics["full_integrated_fractional_success"] == pytest.approx(0.495)
    assert metrics["last_integrated_fractional_success"] == pytest.approx(sum(range(80, 100)) / 2000)
    assert metrics["last_fractional_success"] == 0.99
    assert metrics["success"] == 0.0  # success is read at the final step only
    assert metrics["return"] == -100.0
    short = episode_metrics([0.2, 0.4, 0.9], [False, False, True], [0.0, 0.0, 1.0])
    assert short["last_integrated_fractional_success"] == pytest.approx(0.5)  # all 3 steps


def test_bad_episodes_are_refused():
    with pytest.raises(ValueError, match="at least one step"):
        episode_metrics([], [], [])
    with pytest.raises(ValueError, match="differ in length"):
        episode_metrics([0.1, 0.2], [False], [0.0, 0.0])
    with pytest.raises(ValueError, match="no episodes"):
        summarize([])


def test_summary_is_mean_and_population_std():
    episodes = [dict.fromkeys(METRICS, v) for v in (0.0, 0.5, 1.0)]
    summary = summarize(episodes)
    assert set(summary) == set(METRICS)
    for metric in METRICS:
        assert summary[metric]["mean"] == pytest.approx(0.5)
        assert summary[metric]["std"] == pytest.approx(math.sqrt(1 / 6))

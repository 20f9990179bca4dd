"""Radar and bar charts comparing agents over protocols, as matplotlib Figures.

The functions build :class:`matplotlib.figure.Figure` objects directly (no ``pyplot``, no global
style or backend change, nothing shown); :func:`save_figure` writes PNG and PDF through the Agg
canvas, atomically. ``results`` maps an agent label to its :class:`EvaluationResult`; every result
must cover the same task, and a protocol missing from one of them is left out of the chart.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from causalworld.evaluation.metrics import FRACTION_METRICS, METRIC_LABELS, METRICS
from causalworld.evaluation.results import EvaluationResult
from causalworld.files.atomic import write_bytes_atomically

FORMATS = ("png", "pdf")


def _common_protocols(results: Mapping[str, EvaluationResult]) -> list[str]:
    if not results:
        raise ValueError("give at least one result to plot")
    tasks = {r.task for r in results.values()}
    if len(tasks) > 1:
        raise ValueError(f"results of different tasks cannot share a chart: {sorted(tasks)}")
    first = next(iter(results.values()))
    names = [p.name for p in first.protocols]
    common = [n for n in names if all(n in {p.name for p in r.protocols} for r in results.values())]
    if not common:
        raise ValueError("the results have no protocol in common")
    return common


def _check_metric(metric: str, allowed: Sequence[str]) -> None:
    if metric not in allowed:
        raise ValueError(f"unknown metric {metric!r}; choose from {list(allowed)}")


def radar_chart(results: Mapping[str, EvaluationResult], metric: str = "full_integrated_fractional_success",
                title: str | None = None) -> Figure:
    """One axis per protocol (radius 0-1), one polygon per agent: the metric's mean over episodes."""
    _check_metric(metric, FRACTION_METRICS)
    protocols = _common_protocols(results)
    figure = Figure(figsize=(6.0, 6.0), layout="constrained")
    axes = figure.add_subplot(projection="polar")
    angles = [2 * math.pi * k / len(protocols) for k in range(len(protocols))]
    for label, result in results.items():
        scores = result.scores()
        values = [scores[p][f"mean_{metric}"] for p in protocols]
        axes.plot(angles + angles[:1], values + values[:1], linewidth=1.5, label=label)
        axes.fill(angles + angles[:1], values + values[:1], alpha=0.15)
    axes.set_xticks(angles, protocols)
    axes.set_ylim(0.0, 1.0)
    axes.set_yticks([0.25, 0.5, 0.75, 1.0])
    task = next(iter(results.values())).task
    axes.set_title(title or f"{task}: {METRIC_LABELS[metric]}", fontsize=10)
    axes.legend(loc="upper right", bbox_to_anchor=(1.15, 1.1), fontsize=8)
    return figure


def bar_chart(results: Mapping[str, EvaluationResult], metric: str = "full_integrated_fractional_success",
              title: str | None = None) -> Figure:
    """Grouped bars: protocols along x, one bar per agent, height the mean, error bar one std."""
    _check_metric(metric, METRICS)
    protocols = _common_protocols(results)
    figure = Figure(figsize=(max(6.0, 0.6 * len(protocols) * max(1, len(results))), 4.0), layout="constrained")
    axes = figure.add_subplot()
    width = 0.8 / len(results)
    for k, (label, result) in enumerate(results.items()):
        scores = result.scores()
        positions = [i + (k - (len(results) - 1) / 2) * width for i in range(len(protocols))]
        axes.bar(positions, [scores[p][f"mean_{metric}"] for p in protocols], width,
                 yerr=[scores[p][f"std_{metric}"] for p in protocols], capsize=2, label=label)
    axes.set_xticks(range(len(protocols)), protocols)
    axes.set_xlabel("protocol")
    axes.set_ylabel(METRIC_LABELS[metric])
    if metric in FRACTION_METRICS:
        axes.set_ylim(0.0, 1.05)
    task = next(iter(results.values())).task
    axes.set_title(title or f"{task}: {METRIC_LABELS[metric]} (mean ± std over episodes)", fontsize=10)
    axes.legend(fontsize=8)
    return figure


def save_figure(figure: Figure, stem: str | os.PathLike[str], formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``figure`` to ``<stem>.png`` and ``<stem>.pdf`` (Agg canvas, atomic); returns the paths."""
    canvas = FigureCanvasAgg(figure)
    paths = []
    for fmt in formats:
        buffer = io.BytesIO()
        canvas.print_figure(buffer, format=fmt, dpi=150)
        paths.append(write_bytes_atomically(Path(f"{os.fspath(stem)}.{fmt}"), buffer.getvalue()))
    return paths


def write_charts(results: Mapping[str, EvaluationResult], out_dir: str | os.PathLike[str],
                 metrics: Sequence[str] = FRACTION_METRICS) -> list[Path]:
    """Radar and bar charts of every metric in ``metrics`` into ``out_dir``; returns the files written."""
    out = Path(out_dir)
    paths: list[Path] = []
    for metric in metrics:
        if metric in FRACTION_METRICS:
            paths += save_figure(radar_chart(results, metric), out / f"radar_{metric}")
        paths += save_figure(bar_chart(results, metric), out / f"bar_{metric}")
    return paths


__all__ = ["bar_chart", "radar_chart", "save_figure", "write_charts"]

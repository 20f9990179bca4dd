"""A short Markdown report of an evaluation: settings, one table of scores, the charts."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from causalworld.evaluation.metrics import LAST_STEPS, METRICS
from causalworld.evaluation.results import EvaluationResult
from causalworld.files.atomic import write_text_atomically

SHORT = {
    "full_integrated_fractional_success": "full integrated FS",
    "last_integrated_fractional_success": f"last {LAST_STEPS} steps FS",
    "last_fractional_success": "last FS",
    "success": "success rate",
    "return": "return",
}
"""Column headers (FS: fractional success)."""


def markdown_report(result: EvaluationResult, images: Sequence[str] = (), reference: dict | None = None) -> str:
    """The report as Markdown text; ``images`` are paths (relative to the report) of charts to show.

    ``reference``: ``{"label": ..., "protocols": {name: {"last": ..., "last_20": ..., "full_integrated": ...,
    "episodes": ...}}}``, scores of another run (the original's) shown in a second table beside ours.
    """
    run = result.run
    lines = [
        f"# Evaluation: {result.agent} on {result.task}",
        "",
        f"{result.episodes} episode(s) per protocol, seed {result.seed}, env kwargs `{result.env_kwargs or {}}`; "
        f"backend {run.get('backend', '?')} with {run.get('workers', '?')} worker(s), "
        f"{run.get('seconds', float('nan')):.1f} s.",
        "",
        "Mean ± standard deviation over episodes. FS: fractional success (0-1); the last-steps FS averages "
        f"exactly the last {LAST_STEPS} steps; success rate: share of episodes successful at their last step; "
        "return in the env's reward units.",
        "",
        "| protocol | changes | space | " + " | ".join(SHORT[m] for m in METRICS)
        + " | refused | drawn / refused / redrawn |",
        "|---|---|---|" + "---|" * len(METRICS) + "---|---|",
    ]
    scores = result.scores()
    for p in result.protocols:
        s = scores[p.name]
        cells = [f"{s[f'mean_{m}']:.3f} ± {s[f'std_{m}']:.3f}" for m in METRICS]
        counts = p.intervention_counts
        draws = (f"{counts['interventions_drawn']} / {counts['interventions_refused']} / "
                 f"{counts['interventions_redrawn']}")
        lines.append(f"| {p.name} | {p.protocol['label']} | {p.protocol['space']} | " + " | ".join(cells)
                     + f" | {p.refused} | {draws} |")
    lines += ["", "*refused*: episodes whose protocol intervention was refused on every draw; they ran the "
              "default scene. *drawn / refused / redrawn*: interventions drawn over all episodes (an object's "
              "pose is drawn on its own), how many the env refused as infeasible or out of bounds, and how "
              "many of those were drawn again.", ""]
    if reference:
        lines += _reference_table(result, reference)
    for image in images:
        lines += [f"![{Path(image).stem}]({image})", ""]
    return "\n".join(lines)


def _reference_table(result: EvaluationResult, reference: dict) -> list[str]:
    scores = result.scores()
    lines = [f"## Beside: {reference['label']}", "", "| protocol | last FS here | last FS there | episodes there "
             "| full integrated FS here | full integrated FS there |", "|---|---|---|---|---|---|"]
    for p in result.protocols:
        there = reference["protocols"].get(p.name)
        if there is None:
            continue
        here = scores[p.name]
        lines.append(f"| {p.name} | {here['mean_last_fractional_success']:.3f} | {there['last']:.3f} | "
                     f"{there['episodes']} | {here['mean_full_integrated_fractional_success']:.3f} | "
                     f"{there['full_integrated']:.3f} |")
    return lines + [""]


def write_report(result: EvaluationResult, path: str | os.PathLike[str], images: Sequence[str] = (),
                 reference: dict | None = None) -> Path:
    """Write :func:`markdown_report` to ``path`` atomically; returns the path."""
    return write_text_atomically(path, markdown_report(result, images, reference))


__all__ = ["markdown_report", "write_report"]

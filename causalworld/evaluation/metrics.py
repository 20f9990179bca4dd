"""Per-episode metrics and their mean and standard deviation over episodes.

Every metric is computed from the per-step values ``info["fractional_success"]`` (a fraction in
[0, 1]), ``info["success"]`` and the rewards of the episode's ``env.step`` calls (the observation
returned by ``reset`` is not a step and does not count):

* ``full_integrated_fractional_success``: the mean fractional success over all steps;
* ``last_integrated_fractional_success``: the mean over exactly the last
  :data:`LAST_STEPS` steps (all steps when the episode is shorter). The original averaged the
  first step together with the last 19; we do not;
* ``last_fractional_success``: the fractional success of the final step;
* ``success``: 1.0 when the final step is a success, else 0.0; its mean over episodes is the
  success rate;
* ``return``: the sum of the rewards (the env's reward units: dt-scaled by default).

Standard deviations are population ones (``ddof=0``): they describe the evaluated episodes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

LAST_STEPS = 20
"""Steps averaged by the last-integrated fractional success."""

METRICS = (
    "full_integrated_fractional_success",
    "last_integrated_fractional_success",
    "last_fractional_success",
    "success",
    "return",
)
"""Every per-episode metric, in report order."""

FRACTION_METRICS = METRICS[:4]
"""The metrics that lie in [0, 1] (plotted on radar charts)."""

METRIC_LABELS = {
    "full_integrated_fractional_success": "full integrated fractional success",
    "last_integrated_fractional_success": f"last {LAST_STEPS} steps integrated fractional success",
    "last_fractional_success": "last fractional success",
    "success": "success rate",
    "return": "mean return",
}
"""Human-readable names of the metrics (the mean over episodes)."""


def episode_metrics(fractional_successes: Sequence[float], successes: Sequence[bool],
                    rewards: Sequence[float]) -> dict[str, float]:
    """The metrics of one episode from its per-step values (one entry per ``env.step``).

    Raises:
        ValueError: no steps, or sequences of different lengths.
    """
    n = len(fractional_successes)
    if n == 0:
        raise ValueError("an episode needs at least one step to be scored")
    if len(successes) != n or len(rewards) != n:
        raise ValueError(f"per-step sequences differ in length: {n}, {len(successes)}, {len(rewards)}")
    fractions = np.asarray(fractional_successes, dtype=np.float64)
    return {
        "full_integrated_fractional_success": float(np.mean(fractions)),
        "last_integrated_fractional_success": float(np.mean(fractions[-LAST_STEPS:])),
        "last_fractional_success": float(fractions[-1]),
        "success": 1.0 if successes[-1] else 0.0,
        "return": math.fsum(float(r) for r in rewards),
    }


def summarize(episodes: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """``{metric: {"mean": m, "std": s}}`` over episodes (each a mapping from metric name to value).

    Raises:
        ValueError: no episodes.
    """
    if not episodes:
        raise ValueError("no episodes to summarize")
    out = {}
    for metric in METRICS:
        values = np.array([e[metric] for e in episodes], dtype=np.float64)
        out[metric] = {"mean": float(np.mean(values)), "std": float(np.std(values))}
    return out


__all__ = ["FRACTION_METRICS", "LAST_STEPS", "METRICS", "METRIC_LABELS", "episode_metrics", "summarize"]

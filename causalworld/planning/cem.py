"""The cross-entropy method (CEM): a sampling-based optimizer of action sequences.

Each iteration draws ``population - 1`` sequences from a diagonal Gaussian (per time step and
action dimension), clipped to the action bounds, adds the Gaussian's mean itself (so the sequence
the search is centred on, for example the previous plan, is always scored), rolls them out in a
:class:`~causalworld.planning.SimulatorModel`, keeps the ``elites`` best by the chosen objective
(``"return"`` or ``"return_area"``, see :class:`~causalworld.planning.model.Rollouts`), and moves
the Gaussian towards their mean and variance with smoothing ``alpha``
(``new = alpha * old + (1 - alpha) * elite statistic``), as the original's ``CrossEntropyMethod``
does. It stops after ``iterations`` or once every standard deviation is
below ``sqrt(epsilon)``, and returns the best sequence scored (the original's choice) together
with the final mean (for warm-starting the next plan).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causalworld.env.snapshot import Snapshot
from causalworld.planning.model import SimulatorModel

OBJECTIVES = ("return", "return_area")
"""What :class:`CrossEntropyMethod` can rank sequences by."""


@dataclass(frozen=True)
class Plan:
    """The result of one optimization.

    Attributes:
        actions: (horizon, action dim) the best sequence found.
        mean: (horizon, action dim) the Gaussian's final mean.
        expected_return: the best sequence's objective value in the model.
        expected_fractional_success: the fractional success the model predicts after it.
        iterations: iterations run.
        rollouts: sequences rolled out in total.
    """

    actions: np.ndarray
    mean: np.ndarray
    expected_return: float
    expected_fractional_success: float
    iterations: int
    rollouts: int


class CrossEntropyMethod:
    """CEM over action sequences of ``horizon`` actions.

    Args:
        model: the simulator model that scores sequences.
        horizon: actions per sequence (each held for the model's ``action_repeat`` env steps).
        population: sequences drawn per iteration.
        elites: best sequences kept per iteration (1 <= elites <= population).
        iterations: most iterations per plan.
        action_low, action_high: the action bounds (env action units).
        initial_std: the Gaussian's starting standard deviation per action dimension; default a
            quarter of the bounds' width, as in the original.
        alpha: smoothing of the mean and variance updates, in [0, 1).
        epsilon: stop once every variance is below it.
        seed: seed of the sampling generator (see :meth:`reseed`).
        objective: what sequences are ranked by: ``"return"`` (the original's) or ``"return_area"``.
    """

    def __init__(self, model: SimulatorModel, horizon: int, population: int, elites: int, iterations: int,
                 action_low: np.ndarray, action_high: np.ndarray, initial_std: float | np.ndarray | None = None,
                 alpha: float = 0.25, epsilon: float = 1e-3, seed: int = 0, objective: str = "return") -> None:
        for name, value in (("horizon", horizon), ("population", population), ("elites", elites),
                            ("iterations", iterations)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if elites > population:
            raise ValueError(f"elites ({elites}) cannot exceed population ({population})")
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"alpha must be in [0, 1), got {alpha!r}")
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
        self.objective = objective
        self.model = model
        self.horizon, self.population, self.elites, self.iterations = horizon, population, elites, iterations
        self.low = np.asarray(action_low, dtype=np.float64)
        self.high = np.asarray(action_high, dtype=np.float64)
        if self.low.shape != self.high.shape or self.low.ndim != 1 or np.any(self.low >= self.high):
            raise ValueError("action_low and action_high must be 1-D with low < high everywhere")
        std = (self.high - self.low) / 4.0 if initial_std is None else np.broadcast_to(initial_std, self.low.shape)
        self.initial_std = np.asarray(std, dtype=np.float64)
        self.alpha, self.epsilon = float(alpha), float(epsilon)
        self.rng = np.random.default_rng(seed)

    def reseed(self, seed: int) -> None:
        """Restart the sampling generator."""
        self.rng = np.random.default_rng(seed)

    def plan(self, snapshot: Snapshot, mean: np.ndarray | None = None) -> Plan:
        """Optimize a sequence starting from ``snapshot``; ``mean`` (horizon, action dim) warm-starts it.

        Without a mean the search starts from the middle of the bounds, as the original's does.
        """
        shape = (self.horizon, self.low.size)
        mean = np.broadcast_to((self.low + self.high) / 2, shape).copy() if mean is None else np.array(mean, float)
        if mean.shape != shape:
            raise ValueError(f"mean must have shape {shape}, got {mean.shape}")
        variance = np.broadcast_to(self.initial_std**2, shape).copy()
        best, best_return, best_success = mean.copy(), -np.inf, 0.0
        rollouts, iteration = 0, 0
        while iteration < self.iterations and variance.max() >= self.epsilon:
            samples = self.rng.normal(mean, np.sqrt(variance), size=(self.population, *shape))
            samples[-1] = mean
            samples = np.clip(samples, self.low, self.high)
            result = self.model.rollout(snapshot, samples)
            rollouts += len(samples)
            scores = result.returns if self.objective == "return" else result.return_areas
            order = np.argsort(-scores, kind="stable")
            if scores[order[0]] > best_return:
                best_return = float(scores[order[0]])
                best = samples[order[0]].copy()
                best_success = float(result.final_fractional_success[order[0]])
            elite = samples[order[: self.elites]]
            mean = self.alpha * mean + (1 - self.alpha) * elite.mean(axis=0)
            variance = self.alpha * variance + (1 - self.alpha) * elite.var(axis=0)
            iteration += 1
        return Plan(best, mean, best_return, best_success, iteration, rollouts)


__all__ = ["OBJECTIVES", "CrossEntropyMethod", "Plan"]

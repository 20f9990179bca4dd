"""Typed evaluation results and their JSON form (``scores.json``).

:class:`EvaluationResult` holds, per protocol, every episode's metrics and their mean and standard
deviation (:mod:`causalworld.evaluation.metrics`). It saves to and loads from JSON only, written
atomically. ``run`` holds how the evaluation ran (backend, workers, seconds): it never affects the
scores, so :meth:`EvaluationResult.scores` is what two runs compare.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causalworld.evaluation.metrics import METRICS, summarize
from causalworld.files.atomic import write_text_atomically

SCHEMA = "causalworld.evaluation/1"
"""The ``schema`` field of every results file this module writes."""


@dataclass(frozen=True)
class EpisodeResult:
    """One evaluated episode.

    Attributes:
        protocol: the protocol's name.
        index: the episode's index within its protocol (0-based).
        seed: the env seed of the episode (derived from the evaluation seed, protocol and index).
        steps: env steps run.
        metrics: ``{metric: value}`` for every name in :data:`~causalworld.evaluation.metrics.METRICS`.
        applied: whether the protocol's intervention was applied (False: every draw was refused and
            the episode ran on the default starting state).
        attempts: interventions drawn (0 for a protocol that changes nothing).
        intervention: the applied values by dotted variable name (registry units).
        drawn: interventions drawn and tried for the episode (pose redraws included).
        refused: how many of them the env refused (the rest of the episode's tries went on).
        redrawn: refused draws followed by another draw.
    """

    protocol: str
    index: int
    seed: int
    steps: int
    metrics: dict[str, float]
    applied: bool = True
    attempts: int = 0
    intervention: dict[str, Any] = field(default_factory=dict)
    drawn: int = 0
    refused: int = 0
    redrawn: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return {"protocol": self.protocol, "index": self.index, "seed": self.seed, "steps": self.steps,
                "metrics": dict(self.metrics), "applied": self.applied, "attempts": self.attempts,
                "intervention": dict(self.intervention), "drawn": self.drawn, "refused": self.refused,
                "redrawn": self.redrawn}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EpisodeResult:
        """The inverse of :meth:`to_dict`."""
        return cls(str(data["protocol"]), int(data["index"]), int(data["seed"]), int(data["steps"]),
                   {k: float(v) for k, v in data["metrics"].items()}, bool(data.get("applied", True)),
                   int(data.get("attempts", 0)), dict(data.get("intervention", {})), int(data.get("drawn", 0)),
                   int(data.get("refused", 0)), int(data.get("redrawn", 0)))


@dataclass(frozen=True)
class ProtocolResult:
    """All episodes of one protocol and their summary.

    Attributes:
        protocol: the protocol as data (:meth:`causalworld.evaluation.Protocol.to_dict`).
        episodes: the episodes in index order.
    """

    protocol: dict[str, Any]
    episodes: tuple[EpisodeResult, ...]

    @property
    def name(self) -> str:
        """The protocol's name."""
        return str(self.protocol["name"])

    @property
    def summary(self) -> dict[str, dict[str, float]]:
        """``{metric: {"mean", "std"}}`` over the episodes."""
        return summarize([e.metrics for e in self.episodes])

    @property
    def refused(self) -> int:
        """Episodes whose intervention was refused every time (they ran the default scene)."""
        return sum(not e.applied for e in self.episodes)

    @property
    def intervention_counts(self) -> dict[str, int]:
        """Tracker-style totals over the episodes.

        Interventions drawn, refused, redrawn and applied, env steps, and resets (one per episode
        plus one per whole-intervention retry).
        """
        drawn = sum(e.drawn for e in self.episodes)
        refused = sum(e.refused for e in self.episodes)
        return {"interventions_drawn": drawn, "interventions_refused": refused,
                "interventions_redrawn": sum(e.redrawn for e in self.episodes),
                "interventions_applied": drawn - refused, "total_timesteps": sum(e.steps for e in self.episodes),
                "total_resets": sum(max(e.attempts, 1) for e in self.episodes)}


@dataclass(frozen=True)
class EvaluationResult:
    """The result of :func:`causalworld.evaluation.evaluate`.

    Attributes:
        task: task family name.
        agent: a label for the agent.
        seed: the evaluation seed.
        episodes: episodes per protocol.
        env_kwargs: the env's constructor kwargs (JSON-able).
        protocols: per protocol, in evaluation order.
        run: how it ran: backend, workers, elapsed seconds, versions (not part of the scores).
    """

    task: str
    agent: str
    seed: int
    episodes: int
    env_kwargs: dict[str, Any]
    protocols: tuple[ProtocolResult, ...]
    run: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ProtocolResult:
        for p in self.protocols:
            if p.name == name:
                return p
        raise KeyError(f"no protocol {name!r} in this result; it has {[p.name for p in self.protocols]}")

    def scores(self) -> dict[str, dict[str, float]]:
        """``{protocol: {"mean_<metric>": m, "std_<metric>": s, ...}}``: what two evaluations compare."""
        out = {}
        for p in self.protocols:
            summary = p.summary
            flat = {}
            for metric in METRICS:
                flat[f"mean_{metric}"] = summary[metric]["mean"]
                flat[f"std_{metric}"] = summary[metric]["std"]
            flat["refused_interventions"] = p.refused
            flat.update(p.intervention_counts)
            out[p.name] = flat
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict, with the scores alongside the episodes."""
        return {
            "schema": SCHEMA, "task": self.task, "agent": self.agent, "seed": self.seed,
            "episodes": self.episodes, "env_kwargs": dict(self.env_kwargs), "run": dict(self.run),
            "scores": self.scores(),
            "protocols": [{"protocol": p.protocol, "episodes": [e.to_dict() for e in p.episodes]}
                          for p in self.protocols],
        }

    def to_json(self) -> str:
        """The JSON text (indented; floats round-trip exactly)."""
        return json.dumps(_finite(self.to_dict()), indent=2, allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EvaluationResult:
        """The inverse of :meth:`to_dict` (``scores`` are recomputed from the episodes).

        Raises:
            ValueError: not an evaluation result of this schema.
        """
        if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
            found = data.get("schema") if isinstance(data, Mapping) else type(data).__name__
            raise ValueError(f"not a causalworld evaluation result (schema {SCHEMA!r} expected, found {found!r})")
        try:
            protocols = tuple(
                ProtocolResult(dict(p["protocol"]), tuple(EpisodeResult.from_dict(e) for e in p["episodes"]))
                for p in data["protocols"]
            )
            return cls(str(data["task"]), str(data["agent"]), int(data["seed"]), int(data["episodes"]),
                       dict(data["env_kwargs"]), protocols, dict(data.get("run", {})))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"malformed evaluation result: {error!r}") from None

    @classmethod
    def from_json(cls, text: str) -> EvaluationResult:
        """Parse :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the JSON atomically to ``path``; returns the path."""
        return write_text_atomically(path, self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> EvaluationResult:
        """Read a file written by :meth:`save`.

        Raises:
            FileNotFoundError: no such file.
            ValueError: not valid JSON or not an evaluation result.
        """
        try:
            return cls.from_json(Path(path).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
            raise ValueError(f"{path}: not JSON ({str(error)[:200]})") from None


def _finite(value: Any) -> Any:
    """Check that every float is finite (JSON has no NaN); returns the value unchanged."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot write a non-finite number ({value}) to JSON")
    if isinstance(value, Mapping):
        for v in value.values():
            _finite(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _finite(v)
    return value


__all__ = ["SCHEMA", "EpisodeResult", "EvaluationResult", "ProtocolResult"]

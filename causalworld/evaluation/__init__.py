"""Evaluation: protocols as data, metrics, the evaluation pipeline (local and Ray), plots and reports.

``evaluate`` and the result types load lazily, so that :mod:`causalworld.wrappers.protocol` can
import the protocol definitions without pulling in the pipeline.
"""

from __future__ import annotations

from typing import Any

from causalworld.evaluation.metrics import LAST_STEPS, METRICS, episode_metrics, summarize
from causalworld.evaluation.protocols import PROTOCOLS, Protocol, get_protocols

_LAZY = {
    "evaluate": "causalworld.evaluation.pipeline",
    "DEFAULT_EPISODES": "causalworld.evaluation.pipeline",
    "EvaluationResult": "causalworld.evaluation.results",
    "EpisodeResult": "causalworld.evaluation.results",
    "ProtocolResult": "causalworld.evaluation.results",
    "RandomPolicy": "causalworld.evaluation.agents",
    "load_sb3_model": "causalworld.evaluation.model_files",
    "ModelFileError": "causalworld.evaluation.model_files",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'causalworld.evaluation' has no attribute {name!r}")


__all__ = [
    "DEFAULT_EPISODES", "LAST_STEPS", "METRICS", "PROTOCOLS", "EpisodeResult", "EvaluationResult", "ModelFileError",
    "Protocol", "ProtocolResult", "RandomPolicy", "episode_metrics", "evaluate", "get_protocols", "load_sb3_model",
    "summarize",
]

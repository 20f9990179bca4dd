"""Evaluation: metrics, the evaluation pipeline (local and Ray), results, plots and reports.

The protocols it runs are data of :mod:`causalworld.benchmark` (re-exported here); the agents it
evaluates come from :mod:`causalworld.baselines`, :mod:`causalworld.planning` or a model file.
"""

from __future__ import annotations

from causalworld.baselines.model_files import ModelFileError, load_sb3_model
from causalworld.benchmark.protocols import PROTOCOLS, Protocol, get_protocols
from causalworld.evaluation.agents import RandomPolicy
from causalworld.evaluation.metrics import LAST_STEPS, METRICS, episode_metrics, summarize
from causalworld.evaluation.pipeline import DEFAULT_EPISODES, evaluate
from causalworld.evaluation.results import EpisodeResult, EvaluationResult, ProtocolResult

__all__ = [
    "DEFAULT_EPISODES", "LAST_STEPS", "METRICS", "PROTOCOLS", "EpisodeResult", "EvaluationResult", "ModelFileError",
    "Protocol", "ProtocolResult", "RandomPolicy", "episode_metrics", "evaluate", "get_protocols", "load_sb3_model",
    "summarize",
]

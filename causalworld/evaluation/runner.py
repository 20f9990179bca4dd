"""Run single evaluation episodes: the unit of work every backend distributes.

An :class:`EpisodeJob` is fully described by data (protocol, index, seeds), so any process can run
it. An :class:`EpisodeRunner` owns one env and one agent and runs jobs one after the other; every
episode starts with ``reset(seed=job.env_seed)`` from the env's unchanged starting state and
``agent.reset(seed=job.agent_seed)``, so its result does not depend on which runner ran it or what
ran before.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from causalworld.benchmark.protocols import Protocol
from causalworld.env import CausalWorldEnv
from causalworld.evaluation.agents import build_agent
from causalworld.evaluation.metrics import episode_metrics
from causalworld.evaluation.results import EpisodeResult
from causalworld.wrappers.protocol import ProtocolWrapper


@dataclass(frozen=True)
class EpisodeJob:
    """One episode to run: the protocol, the episode's index and its seeds."""

    protocol: Protocol
    index: int
    env_seed: int
    agent_seed: int


def episode_seeds(seed: int, protocol: str, index: int) -> tuple[int, int]:
    """(env seed, agent seed) of one episode, from the evaluation seed, protocol name and index.

    Stable across processes and Python runs (CRC-32 of the name, not ``hash``).
    """
    sequence = np.random.SeedSequence([int(seed), zlib.crc32(protocol.encode("utf-8")), int(index)])
    env_seed, agent_seed = sequence.generate_state(2, dtype=np.uint32)
    return int(env_seed), int(agent_seed)


def plan_jobs(protocols: tuple[Protocol, ...], episodes: int, seed: int) -> list[EpisodeJob]:
    """Every job of an evaluation, protocol by protocol."""
    jobs = []
    for protocol in protocols:
        for index in range(episodes):
            jobs.append(EpisodeJob(protocol, index, *episode_seeds(seed, protocol.name, index)))
    return jobs


class EpisodeRunner:
    """One env and one agent that run episodes.

    Args:
        task: task family name.
        env_kwargs: kwargs of :class:`causalworld.CausalWorldEnv` (JSON-able).
        agent: an agent object, a name, or a model file read by the caller (a
            :class:`~causalworld.baselines.model_files.ModelFile`; see :mod:`causalworld.evaluation.agents`).
        max_attempts: interventions drawn per episode before giving up (see ``ProtocolWrapper``).
    """

    def __init__(self, task: str, env_kwargs: dict[str, Any], agent: Any, max_attempts: int = 10) -> None:
        self.env = CausalWorldEnv(task, **env_kwargs)
        try:
            self.agent = build_agent(agent, self.env)
        except BaseException:
            self.env.close()
            raise
        self.max_attempts = max_attempts

    def run(self, job: EpisodeJob) -> EpisodeResult:
        """Run one episode to its end (truncation); returns its metrics."""
        env = ProtocolWrapper(self.env, job.protocol, self.max_attempts)
        self.agent.reset(job.agent_seed)
        obs, info = env.reset(seed=job.env_seed)
        report = info["protocol"]
        fractions, successes, rewards = [], [], []
        done = False
        while not done:
            obs, reward, terminated, truncated, info = env.step(self.agent.act(obs))
            fractions.append(float(info["fractional_success"]))
            successes.append(bool(info["success"]))
            rewards.append(float(reward))
            done = terminated or truncated
        return EpisodeResult(job.protocol.name, job.index, job.env_seed, len(fractions),
                             episode_metrics(fractions, successes, rewards), bool(report["applied"]),
                             int(report["attempts"]), dict(report["intervention"]), int(report.get("drawn", 0)),
                             int(report.get("refused", 0)), int(report.get("redrawn", 0)))

    def close(self) -> None:
        """Release the agent's resources (if it has a ``close()``) and the env."""
        try:
            self.agent.close()
        finally:
            self.env.close()


__all__ = ["EpisodeJob", "EpisodeRunner", "episode_seeds", "plan_jobs"]

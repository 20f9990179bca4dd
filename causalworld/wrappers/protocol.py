"""ProtocolWrapper: apply an evaluation protocol's intervention at the start of every episode.

On ``reset`` the wrapper makes the protocol's space the env's active space, resets the env, draws
the protocol's intervention (:mod:`causalworld.benchmark.sampling`) and applies it with
``do_intervention``: for the current episode only, so the env's starting state never changes and
the next reset starts from the same scene. A refused intervention (infeasible scene, or a value
combination the task rejects) is drawn again from a fresh reset, up to ``max_attempts`` times; if
every attempt is refused the episode runs on the unchanged starting state and
``info["protocol"]["applied"]`` is False.

The protocol's generator is seeded from the seed given to ``reset`` (a separate stream from the
env's own generator), so the same seed gives the same intervention in any process.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from causalworld.benchmark.protocols import Protocol
from causalworld.benchmark.sampling import OBJECT_STAGE, TASK_STAGE, draw_value, is_pose, selected_variables
from causalworld.variables import CausalVariable, InterventionError

PROTOCOL_STREAM = 0x50524F54
"""Mixed into the reset seed to give the protocol's generator its own stream."""


class ProtocolWrapper(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """Intervene at time step 0 of every episode as ``protocol`` says.

    Args:
        env: a :class:`causalworld.CausalWorldEnv`, possibly wrapped.
        protocol: the protocol to apply.
        max_attempts: how many interventions to draw before giving up on an episode (>= 1).
    """

    def __init__(self, env: gym.Env, protocol: Protocol, max_attempts: int = 10) -> None:
        if not isinstance(protocol, Protocol):
            raise TypeError(f"protocol must be a causalworld.evaluation.Protocol, got {type(protocol).__name__}")
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ValueError(f"max_attempts must be a positive integer, got {max_attempts!r}")
        gym.utils.RecordConstructorArgs.__init__(self, protocol=protocol, max_attempts=max_attempts)
        gym.Wrapper.__init__(self, env)
        if not hasattr(env.unwrapped, "do_intervention"):
            raise TypeError("ProtocolWrapper needs a causalworld.CausalWorldEnv underneath")
        self.protocol = protocol
        self.max_attempts = max_attempts
        self._rng: np.random.Generator | None = None
        self._counts: dict[str, Any] = {"drawn": 0, "refused": 0}

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Reset, then apply the protocol's intervention; returns (obs, info) of the changed scene.

        ``info["protocol"]`` holds ``name``, ``applied``, ``attempts``, ``intervention`` (the
        applied values by dotted name, or {} ), ``reasons`` (why the last refused draw failed), and
        the tracker-style counts ``drawn`` (interventions drawn and tried, pose redraws included),
        ``refused`` (those the env refused: infeasible, out of bounds or malformed) and ``redrawn``
        (refused draws that were followed by another draw; the others ended the episode's tries).
        """
        base = self.env.unwrapped
        base.set_intervention_space(self.protocol.space)
        if seed is not None:
            self._rng = np.random.default_rng(np.random.SeedSequence([seed, PROTOCOL_STREAM]))
        elif self._rng is None:
            self._rng = np.random.default_rng(base.np_random.integers(2**63))
        obs, info = self.env.reset(seed=seed, options=options)
        report: dict[str, Any] = {"name": self.protocol.name, "applied": True, "attempts": 0,
                                  "intervention": {}, "reasons": [], "drawn": 0, "refused": 0, "redrawn": 0}
        self._counts = report
        if not (self.protocol.variables or self.protocol.fully_random):
            return obs, {**info, "protocol": report}
        for attempt in range(1, self.max_attempts + 1):
            report["attempts"] = attempt
            changed, reasons, new_obs = self._apply(base)
            if not reasons:
                report.update(intervention=changed, reasons=[])
                report["redrawn"] = report["refused"]
                return (obs if new_obs is None else new_obs), {**info, "protocol": report}
            report["reasons"] = reasons
            obs, info = self.env.reset()
        report["applied"] = False
        report["redrawn"] = report["refused"] - 1
        return obs, {**info, "protocol": report}

    def _apply(self, base) -> tuple[dict[str, Any], list[str], np.ndarray | None]:
        """Draw and apply both stages; returns (applied values, refusal reasons, observation).

        In each stage, every selected variable but the objects' poses is drawn and applied in one
        intervention; then each object's pose (position and yaw, those selected) is drawn and applied
        on its own, drawn again (up to ``max_attempts`` times) while the scene refuses it, so that
        crowded scenes find room (rejection sampling, one object at a time).
        """
        changed: dict[str, Any] = {}
        observation = None
        for stage in (TASK_STAGE, OBJECT_STAGE):
            variables = selected_variables(self.protocol, base.variables, self._rng, stage)
            rest = {v.name: draw_value(v, self._rng, self.protocol) for v in variables if not is_pose(v)}
            if rest:
                reasons, observation = self._tried(*_intervene(base, rest, observation))
                if reasons:
                    return changed, reasons, observation
                changed.update(rest)
            poses: dict[str, list[CausalVariable]] = {}
            for variable in (v for v in variables if is_pose(v)):
                poses.setdefault(variable.object_name, []).append(variable)
            for pose in poses.values():
                for _ in range(self.max_attempts):
                    values = {v.name: draw_value(v, self._rng, self.protocol) for v in pose}
                    reasons, observation = self._tried(*_intervene(base, values, observation))
                    if not reasons or reasons[0].startswith(MALFORMED):
                        break
                if reasons:
                    return changed, reasons, observation
                changed.update(values)
        return changed, [], observation

    def _tried(self, reasons: list[str], observation: np.ndarray | None) -> tuple[list[str], np.ndarray | None]:
        """Count one drawn intervention (and whether it was refused); passes its outcome through."""
        self._counts["drawn"] += 1
        self._counts["refused"] += bool(reasons)
        return reasons, observation


MALFORMED = "malformed: "


def _intervene(base, values: dict[str, Any], observation: np.ndarray | None) -> tuple[list[str], np.ndarray | None]:
    """Apply ``values`` in-episode; returns (reasons it was refused, [] on success; the latest observation)."""
    try:
        result = base.do_intervention(values)
    except InterventionError as error:
        return [MALFORMED + str(error)], observation
    if not result.success:
        return list(result.reasons) or ["refused"], observation
    return [], result.observation


__all__ = ["ProtocolWrapper"]

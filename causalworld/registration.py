"""Gymnasium IDs. Entry points are strings and kwargs are JSON-able data."""

from __future__ import annotations

import warnings

import gymnasium as gym

EQUAL_BOUNDS_WARNING = r".*A Box observation space maximum and minimum values are equal"
"""Gymnasium's passive checker says this of every CausalWorld env: the type ids in the observation are
left raw, as in the original, so their bounds are the type value itself (low == high)."""

ENV_IDS: dict[str, dict[str, object]] = {
    "CausalWorld-Reaching": {"task": "reaching"},
    "CausalWorld-Pushing": {"task": "pushing"},
    "CausalWorld-Picking": {"task": "picking"},
    "CausalWorld-PickAndPlace": {"task": "pick_and_place"},
    "CausalWorld-Stacking2": {"task": "stacking2"},
    "CausalWorld-Towers": {"task": "towers"},
    "CausalWorld-General": {"task": "general"},
    "CausalWorld-NoReward": {"task": "no_reward"},
    "CausalWorld-StackedBlocks": {"task": "stacked_blocks"},
    "CausalWorld-CreativeStackedBlocks": {"task": "creative_stacked_blocks"},
}
"""Every registered ID and the kwargs it passes to :class:`causalworld.CausalWorldEnv`."""


def register_envs() -> None:
    """Register every ID once (idempotent), and silence the checker's note on the type ids' equal bounds."""
    warnings.filterwarnings("ignore", message=EQUAL_BOUNDS_WARNING, category=UserWarning,
                            module="gymnasium.utils.passive_env_checker")
    for env_id, kwargs in ENV_IDS.items():
        if env_id not in gym.registry:
            gym.register(
                id=env_id,
                entry_point="causalworld.env:CausalWorldEnv",
                kwargs=dict(kwargs),
                disable_env_checker=False,
            )

"""Tutorial 1: make the pushing environment, run random actions, read reward terms and success.

Run: python tutorials/01_random_pushing.py
"""

import gymnasium as gym
import numpy as np

import causalworld  # noqa: F401  (registers the CausalWorld-* IDs)

env = gym.make("CausalWorld-Pushing")
obs, info = env.reset(seed=0)
print("observation:", obs.shape, "action:", env.action_space.shape)

cw = env.unwrapped  # causalworld.CausalWorldEnv
block_position = cw.layout.index("tool_block_cartesian_position")
rng = np.random.default_rng(0)
total = 0.0
steps = 0
truncated = False
while not truncated:
    obs, reward, terminated, truncated, info = env.step(rng.uniform(-1, 1, 9).astype(np.float32))
    total += reward
    steps += 1
raw = cw.denormalize_observation(obs)
print(f"episode of {steps} steps, return {total:.3f}")
print("block ends at", np.round(raw[block_position], 3), "m")
print("last reward terms:", {k: round(v, 5) for k, v in info["reward_terms"].items()})
print("fractional success", round(info["fractional_success"], 3), "success", info["success"])
env.close()

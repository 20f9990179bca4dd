"""Tutorial 2: solve reaching by sending the goals as fingertip targets (end-effector mode).

Run: python tutorials/02_reaching_with_ik.py
"""

import gymnasium as gym
import numpy as np

import causalworld  # noqa: F401

env = gym.make("CausalWorld-Reaching", action_mode="end_effector_positions", normalize_actions=False,
               normalize_observations=False)
obs, info = env.reset(seed=0)
goals = obs[28:37]  # goal_60, goal_120, goal_300 cartesian positions (m, z from the floor)
for _ in range(40):
    obs, reward, terminated, truncated, info = env.step(goals)
tips = obs[19:28]
print("mean fingertip error (mm):", round(1000 * float(np.abs(tips - goals).mean()), 3))
print("success:", info["success"], "fractional success:", info["fractional_success"])

# A new goal from the task's goal family (space A by default is A and B together).
print("a new goal:", env.unwrapped.sample_new_goal())
env.close()

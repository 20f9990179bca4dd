"""Tutorial 3: train under a curriculum of interventions, and save it as JSON.

A goal actor changes the starting goal every second episode (time step 0: the change persists
into the next episode); a visual actor recolours the scene at step 5 of episodes 1 to 3 (an
in-episode change, undone by the next reset). Episodes are cut to 10 steps to run fast.

Run: python tutorials/03_curriculum.py
"""

import json

import gymnasium as gym
import numpy as np

import causalworld  # noqa: F401  (registers the CausalWorld-* IDs)
from causalworld.actors import GoalActor, VisualActor
from causalworld.actors.curriculum import Curriculum
from causalworld.wrappers import CurriculumWrapper, MovingAverageActionWrapper

env = gym.make("CausalWorld-Pushing", max_episode_length=10)
env = CurriculumWrapper(env, actors=[GoalActor(), VisualActor()], actives=[(0, 10, 2, 0), (1, 3, 1, 5)], seed=0)
env = MovingAverageActionWrapper(env, window=4)  # smoother random actions
cw = env.unwrapped
rng = np.random.default_rng(0)

for episode in range(4):
    obs, info = env.reset(seed=0 if episode == 0 else None)
    goal = cw.variables["goal_block.cartesian_position"].read()
    print(f"episode {episode}: goal at {np.round(goal[:2], 3)} m,",
          "new" if info["curriculum"]["applied"] else "kept")
    truncated = False
    while not truncated:
        obs, reward, terminated, truncated, info = env.step(rng.uniform(-1, 1, 9).astype(np.float32))
        if info["curriculum"]["applied"]:
            print(f"  step {info['curriculum']['time_step']}: floor colour now",
                  np.round(cw.variables["floor_color"].read(), 2))

# The curriculum is data: save it and build the same one again.
text = json.dumps(env.get_wrapper_attr("curriculum").to_params())
print("curriculum as JSON:", text)
assert Curriculum.from_params(json.loads(text)).to_params() == json.loads(text)
print("wrappers in the spec:", [w.name for w in env.spec.additional_wrappers])
env.close()

"""Robot link masses: every value the spaces allow keeps the gravity feed-forward working."""

import numpy as np

from causalworld import CausalWorldEnv


def test_gravity_feed_forward_works_for_link_masses_drawn_together():
    """Regression: the lower link's zero polar inertia made inverse dynamics refuse some mass sets."""
    env = CausalWorldEnv("pushing")
    env.reset(seed=0)
    q = list(env.robot.read_joints()[0])
    rng = np.random.default_rng(0)
    links = [(finger, link) for finger in ("60", "120", "300") for link in range(4)]
    bounds = {}
    for finger, link in links:
        variable = env.variables[f"robot_finger_{finger}_link_{link}.mass"]
        lows, highs = zip(*(variable.bounds(space) for space in ("space_a", "space_b")))
        bounds[(finger, link)] = (float(np.min(lows)), float(np.max(highs)))
    try:
        for _ in range(150):
            for finger, link in links:
                env.robot.set_link_mass(finger, link, rng.uniform(*bounds[(finger, link)]))
            torques = env.robot.gravity_torques(q)
            assert np.all(np.isfinite(torques))
    finally:
        env.close()

"""Robot links: default colours as drawn, and masses that keep the gravity feed-forward working."""

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


def test_each_finger_is_drawn_in_its_own_default_colour():
    """Regression: materials shared one name in the URDF, so every finger was drawn in the last colour."""
    import pybullet

    env = CausalWorldEnv("pushing", render_mode="rgb_array")  # an env that never renders loads no visual shapes
    env.reset(seed=0)
    try:
        rows = pybullet.getVisualShapeData(env.robot.body, physicsClientId=env.world.client)
        drawn = {row[1]: row[7][:3] for row in rows}
        for (finger, link), colour in env.robot.link_colors.items():
            index = env.robot.link_indices[(finger, link)]
            assert np.allclose(drawn[index], colour, atol=1e-6), (finger, link)
        assert len({tuple(np.round(c, 3)) for c in env.robot.link_colors.values()}) == 3
    finally:
        env.close()

"""The intervention API: validation, bounds, feasibility, rollback, starting states."""

import numpy as np
import pytest

import causalworld
from causalworld import InterventionError
from causalworld.sim import geometry as g


@pytest.fixture
def pushing(make_env):
    env = make_env("pushing", normalize_observations=False)
    env.reset(seed=0)
    return env


def _obs(env):
    return env._observe(env._read_state())


def test_every_variable_family_is_registered(pushing):
    names = set(pushing.variables)
    for name in ["joint_positions", "joint_velocities", "robot_height", "floor_color", "floor_friction",
                 "stage_color", "stage_friction", "gravity", "robot_finger_300_link_3.mass",
                 "robot_finger_60_link_0.color", "tool_block.cartesian_position", "tool_block.cylindrical_position",
                 "tool_block.orientation", "tool_block.euler_orientation", "tool_block.size", "tool_block.color",
                 "tool_block.mass", "tool_block.friction", "tool_block.linear_velocity",
                 "tool_block.angular_velocity", "goal_block.cylindrical_position", "goal_block.size"]:
        assert name in names
    assert sum(n.endswith(".color") and n.startswith("robot_finger") for n in names) == 12
    for var in pushing.variables.settable():
        for space in ("space_a", "space_b", "space_a_b"):
            low, high = var.bounds(space)
            assert np.all(np.asarray(low) <= np.asarray(high)), var.name


def test_nested_and_dotted_names_are_equivalent(make_env):
    a, b = make_env("pushing"), make_env("pushing")
    a.reset(seed=0)
    b.reset(seed=0)
    ra = a.do_intervention({"tool_block": {"mass": 0.03, "color": [0.6, 0.7, 0.8]}, "floor_friction": 0.4})
    rb = b.do_intervention({"tool_block.mass": 0.03, "tool_block.color": (0.6, 0.7, 0.8), "floor_friction": 0.4})
    assert ra.success and rb.success and np.array_equal(ra.observation, rb.observation)
    assert a.get_current_state_variables()["tool_block"]["mass"] == 0.03


@pytest.mark.parametrize(
    "intervention, fragment",
    [
        ({"tool_blok": {"mass": 0.03}}, "tool_blok.mass"),
        ({"tool_block": {"mass": [0.03, 0.04]}}, "tool_block.mass: expected shape ()"),
        ({"tool_block": {"size": [0.07, 0.07]}}, "tool_block.size: expected shape (3,)"),
        ({"tool_block": {"mass": float("nan")}}, "finite"),
        ({"floor_color": [0.5, np.inf, 0.5]}, "finite"),
        ({"tool_block": {"mass": "heavy"}}, "tool_block.mass"),
        ({"tool_block": {"orientation": [0, 0, 0, 2]}}, "unit quaternion"),
        ({"tool_block": {"type": 5}}, "read-only"),
        ({"tool_block": {}}, "empty"),
        ({3: 0.1}, "strings"),
        ({"tool_block": {"cartesian_position": [0, 0, 0.0325], "cylindrical_position": [0.1, 0, 0.0325]}}, "disagree"),
        ([("tool_block.mass", 0.1)], "dict"),
    ],
)
def test_malformed_interventions_raise_before_changing_anything(pushing, intervention, fragment):
    before = pushing.get_current_state_variables()
    obs = _obs(pushing)
    with pytest.raises(InterventionError, match=None) as error:
        pushing.do_intervention(intervention)
    assert fragment in str(error.value)
    assert np.array_equal(_obs(pushing), obs)
    after = pushing.get_current_state_variables()
    assert after["tool_block"]["mass"] == before["tool_block"]["mass"]


def test_out_of_bounds_is_refused_with_a_reason_and_changes_nothing(pushing):
    pushing.set_intervention_space("space_a")
    obs = _obs(pushing)
    result = pushing.do_intervention({"tool_block": {"mass": 0.08}, "floor_friction": 0.4})
    assert not result.success
    assert any("tool_block.mass" in r and "space_a" in r and "0.045" in r for r in result.reasons)
    assert np.array_equal(result.observation, obs)
    assert pushing.variables["floor_friction"].read() == 0.5  # the valid part was not applied either
    assert pushing.do_intervention({"tool_block": {"mass": 0.08}}, check_bounds=False).success


@pytest.mark.parametrize(
    "intervention, fragment",
    [
        ({"tool_block": {"cartesian_position": [0.0, 0.0, 0.0]}}, "floor and tool_block"),
        ({"goal_block": {"cartesian_position": [0.4, 0.4, 0.0325]}}, "goal goal_block"),
        ({"tool_block": {"cartesian_position": [0.3, 0.0, 0.0325]}}, "outside the arena"),
        ({"joint_positions": [0.0, 1.2, -0.3] * 3}, "robot"),
    ],
)
def test_infeasible_interventions_roll_back_bit_exactly(make_env, intervention, fragment):
    actions = np.random.default_rng(0).uniform(-1, 1, (40, 9))
    reference = make_env("pushing")
    reference.reset(seed=0)
    env = make_env("pushing")
    env.reset(seed=0)
    for action in actions[:20]:
        reference.step(action)
        env.step(action)
    obs = _obs(env)
    result = env.do_intervention(intervention, check_bounds=False)
    assert not result.success and any(fragment in r for r in result.reasons), result.reasons
    assert np.array_equal(result.observation, obs)
    for action in actions[20:]:
        assert np.array_equal(env.step(action)[0], reference.step(action)[0])


def test_size_interventions_rebuild_couple_and_show_in_the_observation(pushing):
    result = pushing.do_intervention({"tool_block": {"size": [0.08, 0.08, 0.08]}})
    assert result.success
    obs = result.observation
    assert np.allclose(obs[pushing.layout.index("tool_block_size")], 0.08)
    assert np.allclose(obs[pushing.layout.index("goal_block_size")], 0.08)  # coupled
    assert obs[pushing.layout.index("tool_block_cartesian_position")][2] == pytest.approx(0.04)
    assert pushing.variables["tool_block.cylindrical_position"].bounds("space_a")[0][2] == pytest.approx(0.04)


def test_in_episode_interventions_do_not_leak_into_the_next_episode(pushing):
    first, _ = pushing.reset(seed=0)
    assert pushing.do_intervention({"tool_block": {"mass": 0.09, "size": [0.09] * 3}, "gravity": [0, 0, -10.5],
                                    "robot_finger_60_link_1": {"color": [0.9, 0.9, 0.9]}}).success
    again, _ = pushing.reset(seed=0)
    assert np.array_equal(first, again)
    assert pushing.variables["tool_block.mass"].read() == 0.02
    assert tuple(pushing.variables["gravity"].read()) == (0.0, 0.0, -9.81)
    assert np.allclose(pushing.variables["robot_finger_60_link_1.color"].read(), (0.6, 0, 0))


def test_starting_state_persists_and_failure_keeps_the_old_one(pushing):
    assert pushing.set_starting_state({"tool_block": {"mass": 0.04}, "stage_friction": 0.35}).success
    for _ in range(2):
        pushing.reset()
        assert pushing.variables["tool_block.mass"].read() == 0.04
    result = pushing.set_starting_state({"tool_block": {"cartesian_position": [0, 0, -0.02]}}, check_bounds=False)
    assert not result.success
    pushing.reset()
    assert pushing.variables["tool_block.mass"].read() == 0.04
    pushing.reset_default_state()
    assert pushing.variables["tool_block.mass"].read() == 0.02
    assert pushing.variables["stage_friction"].read() == 0.5


def test_current_state_variables_round_trip_as_a_no_op(make_env):
    env = make_env("pushing")
    env.reset(seed=0)
    rng = np.random.default_rng(1)
    for _ in range(15):
        env.step(rng.uniform(-1, 1, 9))
    obs = _obs(env)
    result = env.do_intervention(env.get_current_state_variables())
    assert result.success and np.array_equal(result.observation, obs)


def test_mass_and_friction_change_the_dynamics(make_env):
    def push(**intervention):
        env = make_env("pushing", action_mode="end_effector_positions", normalize_actions=False)
        env.reset(seed=0)
        assert env.set_starting_state(intervention, check_bounds=False).success
        target = np.array(g.REST_POSE)
        tips = env.robot.tip_positions(target)
        # sweep all three fingertips through the block along +y, 2 cm above the floor
        for y in np.linspace(-0.2, 0.05, 40):
            command = np.array([0.0, y, 0.02, 0.03, y - 0.02, 0.02, -0.03, y - 0.02, 0.02])
            env.step(command)
        del tips
        return env.stage.blocks["tool_block"].read_state().position

    light, heavy = push(tool_block={"mass": 0.015}), push(tool_block={"mass": 0.1})
    slippery, grippy = push(floor_friction=0.3, tool_block={"friction": 0.6}), push(floor_friction=0.8)
    assert np.linalg.norm(np.subtract(light, heavy)) > 1e-3
    assert np.linalg.norm(np.subtract(slippery, grippy)) > 1e-3


def test_same_seed_and_interventions_give_identical_rollouts(make_env):
    def run():
        env = make_env("pushing")
        env.reset(seed=3)
        env.set_starting_state({"tool_block": {"size": [0.06] * 3, "mass": 0.03}})
        rng = np.random.default_rng(0)
        out = []
        for _episode in range(2):
            env.reset(seed=3)
            goal = env.sample_new_goal()
            out.append(env.do_intervention(goal).observation)
            for k in range(40):
                if k == 20:
                    env.do_intervention({"tool_block": {"size": [0.07] * 3}, "floor_friction": 0.55})
                out.append(env.step(rng.uniform(-1, 1, 9))[0])
        return np.array(out)

    assert np.array_equal(run(), run())


def test_is_intervention_in_bounds_and_space_getters(pushing):
    assert pushing.is_intervention_in_bounds({"tool_block": {"mass": 0.03}})
    pushing.set_intervention_space("space_b")
    assert not pushing.is_intervention_in_bounds({"tool_block": {"mass": 0.03}})
    assert pushing.get_variable_space_used()["tool_block"]["mass"][0] == 0.045
    assert pushing.get_intervention_space_a()["tool_block"]["mass"][1] == 0.045
    low, high = pushing.get_intervention_space_a_b()["floor_friction"]
    assert (low, high) == (0.3, 0.8)
    with pytest.raises(ValueError, match="variables_space"):
        pushing.set_intervention_space("space_c")


def test_robot_height_moves_the_fingertips(pushing):
    tips = _obs(pushing)[19:28].copy()
    assert pushing.do_intervention({"robot_height": 0.35}).success
    moved = _obs(pushing)[19:28]
    assert np.allclose(moved - tips, [0, 0, 0.01] * 3, atol=1e-6)


def test_save_and_load_world_reproduce_the_first_observation(make_env, tmp_path):
    env = make_env("pushing", skip_frame=4, tool_block_mass=0.03)
    assert env.set_starting_state({"tool_block": {"size": [0.07] * 3}, "floor_color": [0.7, 0.7, 0.7]}).success
    first, _ = env.reset()
    env.save_world(tmp_path / "world.json")
    loaded = causalworld.load_world(tmp_path / "world.json")
    try:
        again, _ = loaded.reset()
        assert np.array_equal(first, again) and loaded.skip_frame == 4
        action = np.full(9, 0.1)
        assert np.array_equal(env.step(action)[0], loaded.step(action)[0])
    finally:
        loaded.close()


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("not json", "not valid JSON"),
        ('{"format": "something"}', "not a causalworld world"),
        ('{"format": "causalworld.world", "version": 99}', "version"),
        ('{"format": "causalworld.world", "version": 1, "task": "pushing", "env_kwargs": {}, '
         '"starting_state": {"tool_block.mass": "__import__(\'os\')"}}', "finite numbers"),
        ('{"format": "causalworld.world", "version": 1, "task": "os.system", "env_kwargs": {}, '
         '"starting_state": {}}', "unknown task"),
        ('{"format": "causalworld.world", "version": 1, "task": "pushing", "env_kwargs": {"evil": 1}, '
         '"starting_state": {}}', "evil"),
        ('{"format": "causalworld.world", "version": 1, "task": "pushing", "env_kwargs": {}, '
         '"starting_state": {"tool_block.mass": Infinity}}', "non-finite"),
        ('{"format": "causalworld.world", "version": 1, "task": "pushing", "env_kwargs": {}, '
         '"starting_state": {"no_such.variable": 1}}', "no_such.variable"),
    ],
)
def test_malformed_world_files_get_clear_errors(tmp_path, content, fragment):
    path = tmp_path / "world.json"
    path.write_text(content)
    with pytest.raises(causalworld.WorldFileError, match=None) as error:
        causalworld.load_world(path)
    assert fragment in str(error.value)


def test_saving_to_a_missing_folder_fails_cleanly(pushing, tmp_path):
    with pytest.raises(OSError):
        pushing.save_world(tmp_path / "missing" / "world.json")
    assert not (tmp_path / "missing").exists()

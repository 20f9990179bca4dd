"""stacked_blocks and creative_stacked_blocks: scenes, slots, walls that stand, task variables."""


import numpy as np
import pytest
from test_structures import MAX_DRIFT, SETTLE_STEPS, footprints_clear, wall_levels

import causalworld
from causalworld import InterventionError
from causalworld.sim.stage import Stage
from causalworld.sim.world import World
from causalworld.tasks.structures import default_stacked_wall
from causalworld.tasks.walls.base import WallKey, fits_working_volume
from causalworld.tasks.walls.layout import max_wall_blocks, seed_sequence

FAMILIES = ["stacked_blocks", "creative_stacked_blocks"]
ROBOT = 28  # robot part of the observation
FIRST, SECOND, THIRD = "tool_level_0_num_0", "tool_level_0_num_1", "tool_level_0_num_2"
"""The first three tools of every wall, named as in the original."""


def names(env, prefix):
    return [n for n in env.stage.objects if n.startswith(prefix)]


def max_drift(specs, task, marks=(SETTLE_STEPS,)):
    """Build specs as real blocks in a fresh world, simulated as the task simulates its tools (solver
    iterations, tool physics), and return the largest distance (m) a block's centre moved after each
    number of physics steps in ``marks`` (one value for one mark)."""
    world = World()
    world.set_solver_iterations(task.solver_iterations)
    try:
        stage = Stage(world.client)
        blocks = [stage.add_block(f"b{k}", size=s.size, position=s.position, orientation=s.orientation,
                                  **task.tool_physics) for k, s in enumerate(specs)]
        drifts, done = [], 0
        for mark in marks:
            for _ in range(mark - done):
                world.step()
            done = mark
            drifts.append(max(float(np.linalg.norm(np.subtract(b.read_state().position, s.position)))
                              for b, s in zip(blocks, specs)))
        return drifts[0] if len(drifts) == 1 else drifts
    finally:
        world.close()


def wall_blocks(task, key):
    """Every block of the wall a key names (the structure the tools must build)."""
    rng = None if key == task.default_key else np.random.default_rng(
        seed_sequence(key.levels, key.min_size, key.width, key.seed))
    return task.structure(rng, key)


# -- default scenes and slots ------------------------------------------------------------------------
@pytest.mark.parametrize("task, tools, goals, tool_slots, obstacle_slots, steps", [
    ("stacked_blocks", 35, 35, 35, 0, 8750),
    ("creative_stacked_blocks", 24, 6, 32, 5, 6000),
])
def test_default_scene_layout_and_slots(make_env, task, tools, goals, tool_slots, obstacle_slots, steps):
    env = make_env(task, normalize_observations=False)
    obs, info = env.reset(seed=0)
    assert (len(names(env, "tool_")), len(names(env, "goal_"))) == (tools, goals)
    assert (env.task.tool_slots, env.task.goal_slots) == (tool_slots, tool_slots)  # pairs: tool_k, goal_k
    assert obs.shape == (ROBOT + (17 + 11) * tool_slots + 11 * obstacle_slots,)
    per_level = 7 if task == "stacked_blocks" else 3
    assert names(env, "tool_")[:2] == ["tool_level_0_num_0", "tool_level_0_num_1"]  # the original's names
    assert names(env, "tool_")[per_level] == "tool_level_1_num_0"
    assert names(env, "goal_")[-1] == ("goal_level_4_num_6" if task == "stacked_blocks" else "goal_level_7_num_2")
    assert env.max_episode_length == steps and info["fractional_success"] == 0.0
    wall = default_stacked_wall(5 if task == "stacked_blocks" else 8, 0.035, 0.25 if task == "stacked_blocks" else 0.12)
    silhouettes = [env.stage.objects[n] for n in names(env, "goal_")]
    expected = wall if task == "stacked_blocks" else wall_levels(wall)[0] + wall_levels(wall)[-1]
    assert [s.position for s in silhouettes] == [e.position for e in expected]
    blocks = [env.stage.blocks[n] for n in names(env, "tool_")]
    for k, block in enumerate(blocks):
        assert block.orientation == (0.0, 0.0, 0.0, 1.0) and block.position[2] == pytest.approx(0.0175)
        corners = np.abs(np.array(block.position[:2])) + 0.0175
        assert np.hypot(*corners) <= 0.18 + 1e-9
        assert all(footprints_clear(block, other, 0.005) for other in blocks[k + 1:])
        assert all(footprints_clear(block, goal, 0.005) for goal in silhouettes[: len(wall_levels(wall)[0])])
    # Types: each tool (1) followed by its goal (20), or by an empty goal slot where its level has none
    # (creative: middle levels); absent slots (creative: 8 pairs, all obstacles) are all zeros.
    pair = 17 + 11
    assert obs[ROBOT:ROBOT + pair * tools:pair].tolist() == [1.0] * tools
    goal_types = obs[ROBOT + 17:ROBOT + pair * tools:pair].tolist()
    has_goal = [f"goal_{n[5:]}" in env.stage.objects for n in names(env, "tool_")]
    assert goal_types == [20.0 if g else 0.0 for g in has_goal] and sum(has_goal) == goals
    assert not obs[ROBOT + pair * tools:].any()


def test_slot_bound_covers_every_wall_of_the_spaces():
    assert max_wall_blocks(8, 0.035, 0.25) == 32 and max_wall_blocks(1, 0.035, 0.15) == 4
    env = causalworld.CausalWorldEnv("stacked_blocks")
    try:
        task, rng = env.task, np.random.default_rng(0)
        for _ in range(300):
            key = WallKey(int(rng.integers(1, 9)), float(rng.choice([0.035, rng.uniform(0.035, 0.075)])),
                          float(rng.choice([0.25, rng.uniform(0.035, 0.15)])), float(rng.uniform()))
            goals, blocks = wall_blocks(task, key)
            assert len(blocks) <= task.tool_slots and len(goals) <= task.goal_slots
    finally:
        env.close()


# -- the walls stand ------------------------------------------------------------------------------------
@pytest.mark.parametrize("task", FAMILIES)
def test_default_and_sampled_walls_stand(make_env, task):
    env = make_env(task)
    env.reset(seed=11)
    keys = [env.task.default_key]
    while len(keys) < 21:
        goal = env.sample_new_goal()
        keys.append(WallKey(*(goal[n] for n in ("stack_levels", "blocks_min_size", "max_level_width", "wall_seed"))))
    drifts = [max_drift(wall_blocks(env.task, key)[1], env.task) for key in keys]
    print(f"{task}: worst drift over 2 s = {1000 * max(drifts):.2f} mm")
    assert max(drifts) < MAX_DRIFT
    # The silhouettes the env shows for a sampled goal are that wall's blocks (all, or bottom and top levels).
    goal = env.sample_new_goal()
    assert env.do_intervention(goal).success
    read = [env.variables[n].read() for n in ("stack_levels", "blocks_min_size", "max_level_width", "wall_seed")]
    assert read == [goal[n] for n in ("stack_levels", "blocks_min_size", "max_level_width", "wall_seed")]
    _, blocks = wall_blocks(env.task, WallKey(int(read[0]), *map(float, read[1:])))
    shown = [env.stage.objects[n].position for n in names(env, "goal_")]
    levels = wall_levels(blocks)
    expected = blocks if task == "stacked_blocks" else levels[0] + (levels[-1] if len(levels) > 1 else [])
    assert shown == [b.position for b in expected]


@pytest.mark.parametrize("task", FAMILIES)
def test_walls_stop_moving_instead_of_creeping(make_env, task):
    """A built wall left alone settles within the first 2 s and then stays put for good: between 2 s
    and 12 s no block moves more than 0.2 mm (friction anchors; before them the default wall crept
    on, 7 mm in 60 s even at 200 solver iterations)."""
    env = make_env(task)
    env.reset(seed=11)
    at_2s, at_12s = max_drift(wall_blocks(env.task, env.task.default_key)[1], env.task, (500, 3000))
    print(f"{task}: default wall drift {1000 * at_2s:.2f} mm at 2 s, {1000 * at_12s:.2f} mm at 12 s")
    assert at_2s < MAX_DRIFT and at_12s - at_2s < 0.0002


@pytest.mark.parametrize("task", FAMILIES)
def test_tools_are_anchored_rigid_bodies_through_resets_and_new_walls(make_env, task):
    env = make_env(task)
    env.reset(seed=0)
    assert env.do_intervention({"stack_levels": 3, "wall_seed": 0.5}).success
    if task == "creative_stacked_blocks":
        assert env.do_intervention({"number_of_obstacles": 2}).success
    smaller = [0.9 * v for v in env.stage.blocks[FIRST].size]
    assert env.do_intervention({FIRST: {"size": smaller}}, check_bounds=False).success  # rebuilds every body
    for _ in range(2):
        for name, block in env.stage.blocks.items():
            expected = name.startswith("tool_")  # fixed obstacles keep the default
            assert (block.maximal_coordinates, block.friction_anchor) == (expected, expected), name
        env.reset()
    assert env.task.solver_iterations == 50


def test_friction_interventions_act_on_resting_anchored_tools(make_env):
    """Anchored contacts keep the friction they were made with; interventions must rebuild them."""
    env = make_env("stacked_blocks")
    env.reset(seed=0)
    hold = env.normalize_action(np.array(env.robot.read_joints()[0])).astype(np.float32)
    for _ in range(10):
        env.step(hold)
    assert env.do_intervention({"gravity": [3.0, 0.0, -9.81]}, check_bounds=False).success
    start = {n: env.stage.blocks[n].read_state().position for n in names(env, "tool_")}
    for _ in range(25):  # 0.31 g sideways against a combined friction of 1 x 0.5: every tool sticks
        env.step(hold)
    moved = [np.linalg.norm(np.subtract(env.stage.blocks[n].read_state().position, p)) for n, p in start.items()]
    assert max(moved) < 1e-4
    assert env.do_intervention({"floor_friction": 0.1}, check_bounds=False).success  # combined 0.1: they slide
    start = {n: env.stage.blocks[n].read_state().position for n in names(env, "tool_")}
    for _ in range(10):
        env.step(hold)
    moved = [np.linalg.norm(np.subtract(env.stage.blocks[n].read_state().position, p)) for n, p in start.items()]
    assert min(moved) > 0.01


def test_interventions_that_change_no_friction_leave_the_contacts_alone(make_env):
    """Only friction changes rebuild the anchored contacts: a colour change (or re-setting the same
    friction) in play leaves every later step bit-identical to a run without it."""
    actions = np.random.default_rng(0).uniform(-1, 1, (80, 9)).astype(np.float32)
    reference, env = make_env("stacked_blocks"), make_env("stacked_blocks")
    reference.reset(seed=0)
    env.reset(seed=0)
    for action in actions[:40]:
        reference.step(action)
        env.step(action)
    same_friction = env.stage.blocks[THIRD].lateral_friction
    assert env.do_intervention({FIRST: {"color": [0.2, 0.3, 0.4]}, THIRD: {"friction": same_friction},
                                "floor_friction": env.stage.floor_friction}).success
    for action in actions[40:]:
        assert np.array_equal(env.step(action)[0], reference.step(action)[0])


@pytest.mark.parametrize("task", FAMILIES)
def test_refused_interventions_roll_back_bit_exactly_in_play(make_env, task):
    actions = np.random.default_rng(0).uniform(-1, 1, (60, 9)).astype(np.float32)
    reference, env = make_env(task), make_env(task)
    reference.reset(seed=0)
    env.reset(seed=0)
    for action in actions[:30]:
        assert np.array_equal(env.step(action)[0], reference.step(action)[0])
    for refused in ({FIRST: {"cartesian_position": [0.0, 0.0, 0.0]}}, {"joint_positions": [0.0, 1.2, -0.3] * 3},
                    {SECOND: {"cartesian_position": [0.3, 0.0, 0.0325], "friction": 0.2}}):
        assert not env.do_intervention(refused, check_bounds=False).success
    for action in actions[30:]:
        assert np.array_equal(env.step(action)[0], reference.step(action)[0])


# -- task variables -----------------------------------------------------------------------------------
@pytest.mark.parametrize("task", FAMILIES)
def test_regeneration_is_reproducible_from_the_seed(make_env, task):
    def scene(seed, starting=False):
        env = make_env(task, normalize_observations=False)
        env.reset(seed=seed)
        change = {"stack_levels": 4, "max_level_width": 0.1}
        result = env.set_starting_state(change) if starting else env.do_intervention(change)
        assert result.success, result.reasons
        return result.observation, env

    a, env = scene(3)
    b, _ = scene(3)
    c, _ = scene(4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    d, _ = scene(3, starting=True)
    e, _ = scene(3, starting=True)
    f, _ = scene(4, starting=True)
    assert np.array_equal(d, e) and not np.array_equal(d, f)
    assert env.variables["stack_levels"].read() == 4 and 0.0 < env.variables["wall_seed"].read() < 1.0
    first, _ = env.reset()  # back to the default scene
    assert len(names(env, "tool_")) == env.task.default_tools
    assert env.set_starting_state({"stack_levels": 3, FIRST: {"color": [0.2, 0.3, 0.4]}}).success
    start, _ = env.reset(seed=9)
    assert env.do_intervention({"stack_levels": 5, "blocks_min_size": 0.04}).success
    assert env.do_intervention({"wall_seed": 0.25}).success
    again, _ = env.reset(seed=9)
    assert np.array_equal(start, again) and env.stage.objects[FIRST].color == (0.2, 0.3, 0.4)
    env.reset_default_state()
    assert np.array_equal(env.reset(seed=0)[0], first)


def flat_state(env):
    return {n: v.read() for n, v in env.variables.items()}


@pytest.mark.parametrize("task", FAMILIES)
def test_refused_walls_leave_everything_as_it_was(make_env, task):
    env = make_env(task, normalize_observations=False)
    env.reset(seed=0)
    changed = {SECOND: {"mass": 0.05, "size": [0.03, 0.035, 0.035], "color": [0.3, 0.3, 0.3]}}
    assert env.do_intervention(changed, check_bounds=False).success
    before, obs = flat_state(env), env._observe(env._read_state())
    result = env.do_intervention({"stack_levels": 8, "blocks_min_size": 0.07})  # taller than the 0.3 m volume
    assert not result.success and "working volume" in result.reasons[0]
    after = flat_state(env)
    assert before.keys() == after.keys() and all(np.array_equal(before[n], after[n]) for n in before)
    assert np.array_equal(result.observation, obs)
    # After a random wall (turned tools) the roll-back is exact up to the simulator's quaternion rounding.
    assert env.do_intervention({"stack_levels": 3, "blocks_min_size": 0.05}).success
    before = flat_state(env)
    assert not env.do_intervention({"stack_levels": 8, "blocks_min_size": 0.07}).success
    after = flat_state(env)
    assert before.keys() == after.keys() and all(np.allclose(before[n], after[n], rtol=0, atol=1e-12) for n in before)


def test_blocks_mass_sets_every_tool_and_resets_restore_per_tool_masses(make_env):
    env = make_env("stacked_blocks")
    env.reset(seed=0)
    assert env.set_starting_state({THIRD: {"mass": 0.03}}).success
    assert env.do_intervention({"blocks_mass": 0.05}).success
    assert {b.mass for n, b in env.stage.blocks.items()} == {0.05}
    assert env.do_intervention({"stack_levels": 2}).success  # a new wall keeps the new mass
    assert {b.mass for b in env.stage.blocks.values()} == {0.05}
    env.reset()
    masses = [env.stage.blocks[n].mass for n in names(env, "tool_")]
    assert masses[2] == 0.03 and set(masses[:2] + masses[3:]) == {0.08}


def test_block_variables_with_a_new_wall_apply_to_it_or_are_refused(make_env):
    env = make_env("stacked_blocks")
    env.reset(seed=0)
    with pytest.raises(InterventionError, match="no tool_level_4_num_6"):
        env.do_intervention({"stack_levels": 1, "wall_seed": 0.5, "tool_level_4_num_6": {"mass": 0.05}})
    assert len(names(env, "tool_")) == 35
    assert env.do_intervention({"stack_levels": 2, "wall_seed": 0.5, FIRST: {"color": [0.1, 0.2, 0.3]}}).success
    assert env.stage.objects[FIRST].color == (0.1, 0.2, 0.3)
    with pytest.raises(InterventionError, match="has 48 tools .* slots for 35"):  # outside the spaces
        env.do_intervention({"stack_levels": 20, "blocks_min_size": 0.02, "wall_seed": 0.25}, check_bounds=False)
    with pytest.raises(InterventionError, match="min_size"):
        env.do_intervention({"blocks_min_size": 0.5}, check_bounds=False)


@pytest.mark.parametrize("task", FAMILIES)
@pytest.mark.parametrize("space", ["space_a", "space_b", "space_a_b"])
def test_sampled_goals_lie_in_the_chosen_space(make_env, task, space):
    env = make_env(task, variables_space=space)
    env.reset(seed=1)
    goals = [env.sample_new_goal() for _ in range(60)]
    env.reset(seed=1)
    assert env.sample_new_goal() == goals[0]
    for goal in goals:
        assert set(goal) == {"stack_levels", "blocks_mass", "blocks_min_size", "max_level_width", "wall_seed"}
        assert isinstance(goal["stack_levels"], int)
        assert env.is_intervention_in_bounds(goal)
        assert fits_working_volume(goal["stack_levels"], goal["blocks_min_size"]) == (space != "space_b")
    assert len({g["stack_levels"] for g in goals}) > 1
    result = env.do_intervention(goals[0])
    assert result.success == (space != "space_b")


@pytest.mark.parametrize("normalized", [False, True])
def test_absent_blocks_leave_zero_slots(make_env, normalized):
    env = make_env("stacked_blocks", normalize_observations=normalized)
    env.reset(seed=0)
    result = env.do_intervention({"stack_levels": 1, "max_level_width": 0.035})
    assert result.success
    obs = result.observation
    assert obs[ROBOT] != 0 and obs[ROBOT + 17] != 0  # one tool and its goal, then 34 empty pairs
    assert not obs[ROBOT + 28:].any()
    assert env.observation_space.contains(obs)


def test_obstacles_come_and_go_and_stay_with_new_walls(make_env):
    env = make_env("creative_stacked_blocks", normalize_observations=False)
    env.reset(seed=2)
    slots = ROBOT + (17 + 11) * 32
    result = env.do_intervention({"number_of_obstacles": 3})
    assert result.success and list(result.observation[slots::11]) == [10.0, 10.0, 10.0, 0.0, 0.0]
    positions = [env.stage.objects[f"obstacle_{k}"].position for k in (0, 1, 2)]  # from 0, as the original
    measure = env.task.measure(env._read_state())
    cube = np.array([[p - 0.005 for p in pos] + [p + 0.005 for p in pos] for pos in positions]).reshape(3, 2, 3)
    for hull in np.concatenate([measure.desired_goal, measure.achieved_goal]):
        assert not np.any(np.all((cube[:, 0] < hull[1]) & (cube[:, 1] > hull[0]), axis=1))
    assert env.do_intervention({"stack_levels": 4}).success
    assert [env.stage.objects[f"obstacle_{k}"].position for k in (0, 1, 2)] == positions
    assert env.do_intervention({"number_of_obstacles": 1}).success
    assert names(env, "obstacle_") == ["obstacle_0"]
    obs, _ = env.reset()
    assert not obs[slots:].any() and len(names(env, "tool_")) == 24


def test_tools_on_their_goals_give_full_success(make_env):
    env = make_env("stacked_blocks")
    env.reset(seed=0)
    assert env.do_intervention({"stack_levels": 2, "wall_seed": 0.3}).success
    goals = {n: env.stage.objects[n] for n in names(env, "goal_")}
    moves = {f"tool_{n[5:]}": {"cartesian_position": list(g.position), "orientation": [0.0, 0.0, 0.0, 1.0]}
             for n, g in goals.items()}
    assert env.do_intervention(moves, check_bounds=False).success
    assert env.task.measure(env._read_state()).fractional_success == pytest.approx(1.0)
    hold = env.normalize_action(np.array(env.robot.read_joints()[0])).astype(np.float32)
    _, _, _, _, info = env.step(hold)
    assert info["fractional_success"] > 0.9 and info["success"]


@pytest.mark.parametrize("task", FAMILIES)
def test_building_needs_no_settling_simulation(task, monkeypatch):
    # Build time is measured by benchmarks/throughput.py; here: building steps no physics at all.
    steps = []
    real_step = causalworld.sim.world.World.step
    monkeypatch.setattr(causalworld.sim.world.World, "step", lambda self: steps.append(1) or real_step(self))
    env = causalworld.CausalWorldEnv(task)
    env.close()
    assert steps == []


def test_creative_obstacles_never_exceed_their_observation_slots():
    from causalworld import CausalWorldEnv, InterventionError

    env = CausalWorldEnv("creative_stacked_blocks")
    env.reset(seed=0)
    try:
        before = env.get_current_state_variables()["number_of_obstacles"]
        with pytest.raises(InterventionError, match="obstacle slots"):
            env.do_intervention({"number_of_obstacles": 6}, check_bounds=False)
        assert env.get_current_state_variables()["number_of_obstacles"] == before
    finally:
        env.close()

"""The scene built the fast way is the scene built the plain way: walls created in one batch call equal
walls built one body at a time (ids, poses, bounding boxes, bit for bit), sleeping static bodies collide
as awake ones, and the robot loaded without visual shapes (envs that never render) is the same body."""

from __future__ import annotations

import math

import numpy as np
import pybullet

from causalworld.sim import geometry as g
from causalworld.sim.assets import asset_path
from causalworld.sim.robot import TriFinger
from causalworld.sim.stage import Stage
from causalworld.sim.world import World


def _one_by_one_walls(client: int) -> list[int]:
    segments = g.wall_segments()
    collision = pybullet.createCollisionShape(pybullet.GEOM_BOX, halfExtents=segments[0][2], physicsClientId=client)
    return [pybullet.createMultiBody(baseMass=0.0, baseCollisionShapeIndex=collision, basePosition=centre,
                                     baseOrientation=(0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2)),
                                     useMaximalCoordinates=True, physicsClientId=client)
            for centre, yaw, _ in segments]


def _wall_facts(client: int, walls: list[int]) -> list:
    return [(pybullet.getBasePositionAndOrientation(w, physicsClientId=client),
             pybullet.getAABB(w, physicsClientId=client)) for w in walls]


def test_batch_walls_equal_walls_created_one_by_one():
    fast, slow = pybullet.connect(pybullet.DIRECT), pybullet.connect(pybullet.DIRECT)
    try:
        stage = Stage(fast)
        pybullet.loadURDF(asset_path("table.urdf"), useFixedBase=True, physicsClientId=slow)
        walls = _one_by_one_walls(slow)
        assert stage.walls == walls == list(range(1, 1 + g.WALL_SEGMENTS))
        assert _wall_facts(fast, stage.walls) == _wall_facts(slow, walls)
    finally:
        pybullet.disconnect(fast)
        pybullet.disconnect(slow)


def test_a_block_dropped_on_the_sleeping_table_and_against_the_wall_moves_as_on_an_awake_one():
    """Sleeping static bodies still collide, exactly as awake ones: a block thrown at the wall stays inside
    and lands on the table, on the same path to the last bit (with the benchmark's physics settings)."""
    traces = []
    for asleep in (True, False):
        world = World()
        client = world.client
        try:
            stage = Stage(client)
            if not asleep:
                for body in (stage.floor, *stage.walls):
                    pybullet.changeDynamics(body, -1, activationState=pybullet.ACTIVATION_STATE_WAKE_UP,
                                            physicsClientId=client)
            block = stage.add_block("tool_block", size=(0.065,) * 3, position=(0.15, 0.0, 0.1), mass=0.08)
            pybullet.resetBaseVelocity(block.body, (2.0, 0.3, 0.0), (0.0, 0.0, 1.0), physicsClientId=client)
            trace = []
            for _ in range(400):
                pybullet.stepSimulation(physicsClientId=client)
                state = block.read_state()
                trace.append((*state.position, *state.orientation))
            traces.append(np.array(trace))
        finally:
            world.close()
    asleep_trace, awake_trace = traces
    assert np.array_equal(asleep_trace, awake_trace)
    final = asleep_trace[-1]
    assert math.hypot(final[0], final[1]) < g.WALL_INNER_RADIUS  # kept inside by the wall
    assert abs(final[2] - 0.0325) < 2e-3  # resting on the table top


def _robot_facts(robot: TriFinger) -> list:
    client, body = robot.client, robot.body
    facts = []
    for link in range(-1, pybullet.getNumJoints(body, physicsClientId=client)):
        facts.append(pybullet.getDynamicsInfo(body, link, physicsClientId=client))
        if link >= 0:
            facts.append(pybullet.getJointInfo(body, link, physicsClientId=client))
            facts.append(pybullet.getLinkState(body, link, computeForwardKinematics=True, physicsClientId=client))
            if link not in robot.link_indices.values() or pybullet.getAABB(body, link, physicsClientId=client):
                facts.append(pybullet.getAABB(body, link, physicsClientId=client))
    return facts


def test_the_undrawn_robot_has_the_drawn_robots_links_joints_inertias_and_collision_boxes():
    drawn_world, undrawn_world = World(), World()
    try:
        drawn, undrawn = TriFinger(drawn_world.client), TriFinger(undrawn_world.client, drawn=False)
        assert _robot_facts(drawn) == _robot_facts(undrawn)
        undrawn.set_link_color("60", 2, (0.1, 0.2, 0.3))  # recorded, nothing to draw
        assert undrawn.link_colors[("60", 2)] == (0.1, 0.2, 0.3)
    finally:
        drawn_world.close()
        undrawn_world.close()

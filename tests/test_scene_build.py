"""The arena built the fast way (walls created in one batch call, static bodies asleep) is the arena
built one body at a time: same body ids, poses and bounding boxes, bit for bit, and the same motion."""

from __future__ import annotations

import math

import numpy as np
import pybullet

from causalworld.sim import geometry as g
from causalworld.sim.assets import asset_path
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

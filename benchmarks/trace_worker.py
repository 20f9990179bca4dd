"""One package's side of ``benchmarks/agent_trace.py``: a trained agent's episode, logged every step.

Runs under either interpreter (our ``.venv`` python, package ``"ours"``, or the original
CausalWorld 1.2's, package ``"original"``) and imports only NumPy, PyBullet, the package it drives
and ``parity_worker`` (its two small package adapters). Usage: ``python trace_worker.py JOB.json OUT.json``.

Job: ``package``, ``task``, ``agent`` (path of one of the original's agent zips), ``episode_steps``,
``episodes`` (a list of starting-state interventions, ``null`` for the default start), optional
``actions`` (normalized actions to replay open loop instead of the agent's, one list per step) and
``trace`` (true: log every step; false: only each episode's fractional success).

Logged every env step (skip_frame 3) when tracing: the agent's normalized action, the normalized
observation, joint positions (rad) and velocities (rad/s), the fingertip link origins (m, world),
the tool block's position (m), quaternion (xyzw), linear (m/s) and angular (rad/s) velocity, the
fractional success, and every contact point of the robot or the tool block with anything: the two
bodies by role (robot, tool_block, obstacle, floor, wall), the robot link index (4 lower link, 5
fingertip; fingers at 0-4, 5-9, 10-14 offsets), the point on each body (m, world), the normal on B,
the distance (m), the normal force and the two lateral friction forces (N).
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import parity_worker as pw
import pybullet

TIP_LINKS = (5, 10, 15)


def roles(sim, package: str) -> dict[int, str]:
    """Body id -> role name, for the bodies an agent can touch."""
    if package == "original":
        found = {0: "plane", 1: "robot", 2: "floor", 3: "wall"}
        for name, obj in sim.env._stage._rigid_objects.items():
            found[obj._block_ids[0]] = name
        return found
    stage = sim.env.stage
    found = {sim.env.robot.body: "robot", stage.floor: "floor", **{body: "wall" for body in stage.walls}}
    for name, block in sim.env.stage.blocks.items():
        found[block.body] = name
    return found


def contacts(sim, role_of: dict[int, str]) -> list[list]:
    """Every contact point of the robot or the tool block (each pair once)."""
    tool = next((body for body, role in role_of.items() if role == "tool_block"), None)
    seen, rows = set(), []
    for body in (sim.robot_body,) if tool is None else (sim.robot_body, tool):
        for p in pybullet.getContactPoints(bodyA=body, physicsClientId=sim.client):
            key = (p[1], p[3], p[2], p[4], tuple(np.round(p[5], 6)))
            mirror = (p[2], p[4], p[1], p[3], tuple(np.round(p[6], 6)))
            if key in seen or mirror in seen:
                continue
            seen.add(key)
            rows.append([role_of.get(p[1], str(p[1])), p[3], role_of.get(p[2], str(p[2])), p[4],
                         [round(v, 6) for v in p[5]], [round(v, 6) for v in p[6]], [round(v, 5) for v in p[7]],
                         round(p[8], 7), round(p[9], 5), round(p[10], 5), round(p[12], 5)])
    return rows


def tips(sim) -> list[float]:
    return [v for link in TIP_LINKS
            for v in pybullet.getLinkState(sim.robot_body, link, physicsClientId=sim.client)[4]]


def block_state(sim, body: int) -> list[list[float]]:
    position, orientation = pybullet.getBasePositionAndOrientation(body, physicsClientId=sim.client)
    linear, angular = pybullet.getBaseVelocity(body, physicsClientId=sim.client)
    return [list(position), list(orientation), list(linear), list(angular)]


def table_hull_vertices(corners: int) -> list[list[float]]:
    """Vertices (m, table frame) of a 0.71 x 0.76 x 0.01 m slab whose top is at z = 0.010: a box
    (``corners`` 1) or a rounded rectangle with ``corners`` points on each 1 cm corner arc."""
    hx, hy, radius = 0.355, 0.38, 0.01
    if corners == 1:
        outline = [(sx * hx, sy * hy) for sx, sy in ((1, 1), (-1, 1), (-1, -1), (1, -1))]
    else:
        outline = []
        for cx, cy, start in ((hx - radius, hy - radius, 0.0), (-hx + radius, hy - radius, 0.5 * np.pi),
                              (-hx + radius, -hy + radius, np.pi), (hx - radius, -hy + radius, 1.5 * np.pi)):
            outline += [(cx + radius * np.cos(a), cy + radius * np.sin(a))
                        for a in np.linspace(start, start + 0.5 * np.pi, corners)]
    return [[x, y, z] for z in (0.0, 0.01) for x, y in outline]


def patch_our_table(kind: str) -> None:
    """Diagnostic: rebuild our table as ``kind``: ``box`` (a box shape), ``hull_box`` or ``hull_rounded``
    (convex hulls)."""
    from causalworld.sim import stage as stage_module

    original_load = stage_module.Stage._load
    def load(self):
        original_load(self)
        pybullet.removeBody(self.floor, physicsClientId=self.client)
        if kind == "box":  # a primitive box, top at z = 0.011 (no margin outside a box)
            shape = pybullet.createCollisionShape(pybullet.GEOM_BOX, halfExtents=(0.355, 0.38, 0.005),
                                                  physicsClientId=self.client)
            self.floor = pybullet.createMultiBody(0.0, shape, basePosition=(0, 0, 0.006), physicsClientId=self.client)
            return
        corners = {"hull_box": 1, "hull_rounded": 4}[kind]
        shape = pybullet.createCollisionShape(pybullet.GEOM_MESH, vertices=table_hull_vertices(corners),
                                              physicsClientId=self.client)
        self.floor = pybullet.createMultiBody(0.0, shape, basePosition=(0, 0, 0), physicsClientId=self.client)

    stage_module.Stage._load = load


MESH_FOLDER = "/work/orig/lib/python3.11/site-packages/causal_world/assets/robot_properties_fingers/meshes/stl/edu"


def patch_our_fingers(kind: str) -> None:
    """Diagnostic: our robot with the original's finger collision meshes (convex hulls read from the
    original's package at run time): ``mesh_lower`` the lower links only, ``mesh_fingers`` upper,
    middle and lower links; either way the tip links lose their ball (the original's have no shape)."""
    import re
    import tempfile

    from causalworld.sim import robot as robot_module

    with open(robot_module.asset_path("trifinger_edu.urdf")) as handle:
        text = handle.read()
    meshes = {"lower": ("0 0 0", "lower_link.stl")}
    if kind == "mesh_fingers":
        meshes.update({"upper": ("0.0195 0 0", "upper_link.stl"), "middle": ("0 0 0", "middle_link.stl")})

    def replace(match):
        link, part, body = match.group(0), match.group(1), match.group(2)
        collision = re.search(r"<collision>.*?</collision>", body, re.S)
        if part == "tip":
            return link.replace(collision.group(0), "") if collision else link
        if part not in meshes:
            return link
        origin, mesh = meshes[part]
        new = (f'<collision><origin xyz="{origin}" rpy="0 0 0"/><geometry><mesh filename="{MESH_FOLDER}/{mesh}" '
               f'scale="1 1 1"/></geometry></collision>')
        return link.replace(collision.group(0), new)

    text = re.sub(r'<link name="finger_(upper|middle|lower|tip)_link_\d+">(.*?)</link>', replace, text, flags=re.S)
    path = tempfile.NamedTemporaryFile("w", suffix=".urdf", delete=False)
    path.write(text)
    path.close()
    robot_module.asset_path = lambda name: path.name if name == "trifinger_edu.urdf" else name


def run(job: dict) -> dict:
    act = pw.load_agent(job["agent"])
    if job["package"] == "ours" and job.get("ours_table"):
        patch_our_table(job["ours_table"])
    if job["package"] == "ours" and job.get("ours_fingers"):
        patch_our_fingers(job["ours_fingers"])
    sim = pw.make({**job, "skip_frame": 3, "action_mode": "joint_positions", "episode_steps": None}, normalized=True)
    replay = job.get("actions")
    out = []
    start = time.perf_counter()
    for goal in job["episodes"]:
        observation = sim.reset(goal)
        role_of = roles(sim, job["package"])
        tool = next((body for body, role in role_of.items() if role == "tool_block"), None)
        log = {"goal": goal, "fractional_success": [], "steps": []}
        for step in range(job["episode_steps"]):
            action = np.asarray(replay[step]) if replay is not None else act(observation)
            command = pw.JOINT_LOW + (action + 1.0) / 2.0 * (pw.JOINT_HIGH - pw.JOINT_LOW)
            previous = observation
            observation, info = sim.step(command)
            log["fractional_success"].append(float(info["fractional_success"]))
            if job.get("trace"):
                q, dq = sim.joints()
                log["steps"].append({"action": action.tolist(), "observation_before": previous.tolist(),
                                     "q": list(q), "dq": list(dq), "tips": tips(sim),
                                     "block": None if tool is None else block_state(sim, tool),
                                     "contacts": contacts(sim, role_of)})
        out.append(log)
    return {"episodes": out, "seconds": time.perf_counter() - start, "package": job["package"]}


def main(job_path: str, out_path: str) -> None:
    with open(job_path) as handle:
        job = json.load(handle)
    result = run(job)
    with open(out_path, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

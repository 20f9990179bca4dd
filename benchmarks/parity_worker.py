"""One package's side of ``benchmarks/dynamics_parity.py``: run one job in a fresh process, write JSON.

It runs under either interpreter: our ``.venv`` python (package ``"ours"``) or the original
CausalWorld 1.2's python (package ``"original"``), so it imports only NumPy, PyBullet and the
package it drives. Usage: ``python parity_worker.py JOB.json OUT.json``.

Jobs (``job["kind"]``):

* ``"actions"``: build ``job["task"]`` (with ``task_kwargs``, an optional starting-state
  ``intervention``), reset, then apply ``job["actions"]`` (raw, unnormalized, in
  ``action_mode``) at ``skip_frame``; ``kicks`` (step index -> angular velocity, rad/s, world
  frame) sets the tool block spinning just before that step. Every step records joint positions (rad), joint velocities
  (rad/s), fingertip positions (m, z from the floor top), the tool block's position (m) and
  quaternion (xyzw) when the task has one, and the robot-block contacts (count, summed normal
  force in N).
* ``"serve"``: answer requests on standard input, one JSON line each (``{"reset": intervention}`` or
  ``{"step": raw action}``), with the raw observation and the fractional success: closed-loop
  policies (our scripted ones) run in the controller's process against either package.
* ``"agent"``: run a trained agent of the original (``agent`` zip path) deterministically on each
  of ``goals`` (starting-state interventions), ``episode_steps`` steps at ``skip_frame``, on each
  package's own normalized observation (ours follows the original's layout and bounds); records the
  fractional success of every step's info.
"""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile

import numpy as np
import pybullet

FLOOR_HEIGHT = 0.011
BLOCK_TASKS = ("pushing", "picking")
"""Tasks whose raw observation has the tool block first: position at [32:35], quaternion at [35:39]."""


# -- the two packages behind one small interface ---------------------------------------------
class Original:
    """The original CausalWorld 1.2 (gym 0.26): raw observations unless ``normalized``."""

    def __init__(self, task, task_kwargs, skip_frame, action_mode, normalized=False):
        from causal_world.envs import CausalWorld
        from causal_world.task_generators import generate_task

        CausalWorld.observation_space = None  # its class-level spaces break on gym 0.26
        CausalWorld.action_space = None
        self.env = CausalWorld(task=generate_task(task, **task_kwargs), skip_frame=skip_frame, seed=0,
                               action_mode=action_mode, normalize_actions=False,
                               normalize_observations=normalized)
        self.client = self.env._pybullet_client_full_id
        self.robot_body, self.block_body = 1, 4  # plane 0, robot 1, table 2, wall 3, first task object 4

    def reset(self, intervention=None):
        if intervention:  # bounds unchecked: the original's pick_and_place spaces are written low > high
            ok, observation = self.env.set_starting_state(intervention, check_bounds=False)
            if not ok:
                raise RuntimeError(f"original refused {intervention}")
            return np.asarray(observation, dtype=np.float64)
        return np.asarray(self.env.reset(), dtype=np.float64)

    def step(self, action):
        observation, _, _, info = self.env.step(np.asarray(action, dtype=np.float64))
        return np.asarray(observation, dtype=np.float64), info

    def joints(self):
        states = pybullet.getJointStates(self.robot_body, self.env._robot._revolute_joint_ids,
                                         physicsClientId=self.client)
        return [s[0] for s in states], [s[1] for s in states]


class Ours:
    """causalworld, raw observations and actions."""

    def __init__(self, task, task_kwargs, skip_frame, action_mode, episode_steps, normalized=False):
        from causalworld import CausalWorldEnv

        length = {} if episode_steps is None else {"max_episode_length": episode_steps}  # None: the task's own
        self.env = CausalWorldEnv(task, skip_frame=skip_frame, action_mode=action_mode, normalize_actions=False,
                                  normalize_observations=normalized, **length, **task_kwargs)
        self.client = self.env.world.client
        self.robot_body = self.env.robot.body

    @property
    def block_body(self):
        return self.env.stage.blocks["tool_block"].body

    spinning_friction = None
    """If set, the fingers' lower and tip links' spinning friction after every reset (a benchmark diagnostic)."""

    def reset(self, intervention=None):
        self.env.reset(seed=0)
        if intervention:
            result = self.env.set_starting_state(intervention)
            if not result.success:
                raise RuntimeError(f"ours refused {intervention}: {result.reasons}")
        observation = self.env.reset(seed=0)[0]
        if self.spinning_friction is not None:
            robot = self.env.robot
            lower = [index for (_, link), index in robot.link_indices.items() if link == 3]
            for index in lower + list(robot.tip_link_indices):  # the shafts and the fingertip balls
                pybullet.changeDynamics(robot.body, index, spinningFriction=self.spinning_friction,
                                        physicsClientId=self.client)
        return np.asarray(observation, dtype=np.float64)

    def step(self, action):
        observation, _, _, _, info = self.env.step(np.asarray(action, dtype=np.float64))
        return np.asarray(observation, dtype=np.float64), info

    def joints(self):
        return self.env.robot.read_joints()


def make(job, normalized=False):
    task, kwargs, skip, mode = job["task"], job.get("task_kwargs", {}), job["skip_frame"], job["action_mode"]
    if job["package"] == "original":
        return Original(task, kwargs, skip, mode, normalized)
    ours = Ours(task, kwargs, skip, mode, job.get("episode_steps", 100000), normalized)
    ours.spinning_friction = job.get("ours_fingertip_spinning_friction")
    return ours


# -- jobs --------------------------------------------------------------------------------------
def _contacts(sim):
    points = pybullet.getContactPoints(sim.robot_body, sim.block_body, physicsClientId=sim.client)
    active = [p for p in points if p[9] > 0.0]
    return len(points), len(active), float(sum(p[9] for p in points))


def run_actions(job):
    sim = make(job)
    has_block = job["task"] in BLOCK_TASKS
    observation = sim.reset(job.get("intervention"))
    record = {"q": [], "dq": [], "tips": [], "block_position": [], "block_orientation": [], "contacts": []}

    def log(obs):
        q, dq = sim.joints()
        record["q"].append(list(q))
        record["dq"].append(list(dq))
        record["tips"].append(obs[19:28].tolist())
        if has_block:
            record["block_position"].append(obs[32:35].tolist())
            record["block_orientation"].append(obs[35:39].tolist())
            record["contacts"].append(_contacts(sim))

    log(observation)
    kicks = {int(step): spin for step, spin in job.get("kicks", {}).items()}
    start = time.perf_counter()
    for index, action in enumerate(job["actions"]):
        if index in kicks:
            pybullet.resetBaseVelocity(sim.block_body, angularVelocity=kicks[index], physicsClientId=sim.client)
        observation, _ = sim.step(action)
        log(observation)
    record["seconds"] = time.perf_counter() - start
    return record


def load_agent(path):
    """The deterministic policy of a stable-baselines 2 PPO zip: NumPy forward pass, no unpickling."""
    with zipfile.ZipFile(path) as archive:
        inner = zipfile.ZipFile(io.BytesIO(archive.read("parameters")))
        weights = {name[: -len(".npy")]: np.load(io.BytesIO(inner.read(name)), allow_pickle=False)
                   for name in inner.namelist()}
    w0, b0 = weights["model/shared_fc0/w:0"], weights["model/shared_fc0/b:0"]
    w1, b1 = weights["model/shared_fc1/w:0"], weights["model/shared_fc1/b:0"]
    wp, bp = weights["model/pi/w:0"], weights["model/pi/b:0"]

    def act(observation):
        hidden = np.tanh(np.tanh(observation @ w0 + b0) @ w1 + b1)
        return np.clip(hidden @ wp + bp, -1.0, 1.0)

    return act


JOINT_LOW = np.array([-1.57, -1.2, -3.0] * 3)
JOINT_HIGH = np.array([1.0, 1.57, 3.0] * 3)


def run_agent(job):
    act = load_agent(job["agent"])
    sim = make({**job, "episode_steps": None}, normalized=True)  # the task's own length and time-left count
    episodes = []
    start = time.perf_counter()
    for goal in job["goals"]:
        observation = sim.reset(goal)
        fractions = []
        for _ in range(job["episode_steps"]):
            command = JOINT_LOW + (act(observation) + 1.0) / 2.0 * (JOINT_HIGH - JOINT_LOW)
            observation, info = sim.step(command)
            fractions.append(float(info["fractional_success"]))
        episodes.append({"goal": goal, "fractional_success": fractions,
                         "final_block_position": _block_position(sim) if job["task"] in BLOCK_TASKS else None})
    return {"episodes": episodes, "seconds": time.perf_counter() - start}


def _block_position(sim):
    position, _ = pybullet.getBasePositionAndOrientation(sim.block_body, physicsClientId=sim.client)
    return [position[0], position[1], position[2] - FLOOR_HEIGHT]


def serve(job):
    """Answer JSON lines on stdin ({"reset": intervention} or {"step": raw action}) with the observation
    (raw, or each package's normalized one with ``"normalized": true`` in the job).

    With ``"probe": true`` in a step request the reply also lists the robot's contact points (body,
    link, positions, normal, distance, normal force, friction) and the touching links' world poses.
    """
    sim = make(job, normalized=bool(job.get("normalized")))
    for line in sys.stdin:
        request = json.loads(line)
        if "reset" in request:
            observation, info = sim.reset(request["reset"]), {}
        else:
            observation, info = sim.step(request["step"])
        reply = {"observation": observation.tolist(),
                 "fractional_success": float(info.get("fractional_success", 0.0))}
        if request.get("probe"):
            reply["contacts"] = [
                {"body": p[2], "link": p[3], "on_robot": p[5], "on_block": p[6], "normal": p[7], "distance": p[8],
                 "normal_force": p[9], "friction": [p[10], p[12]]}
                for p in pybullet.getContactPoints(sim.robot_body, physicsClientId=sim.client)]
            reply["links"] = {
                index: pybullet.getLinkState(sim.robot_body, index, physicsClientId=sim.client)[4:6]
                for index in sorted({c["link"] for c in reply["contacts"]})}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main(job_path, out_path):
    with open(job_path) as handle:
        job = json.load(handle)
    if job["kind"] == "serve":
        serve(job)
        return
    result = run_agent(job) if job["kind"] == "agent" else run_actions(job)
    result["package"] = job["package"]
    result["pybullet_api_version"] = pybullet.getAPIVersion()
    with open(out_path, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

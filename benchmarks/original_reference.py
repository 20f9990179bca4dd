"""Measure reference facts from the ORIGINAL CausalWorld 1.2 and store them as JSON for our tests.

Run with the original's interpreter (never imported by our package or tests)::

    /work/orig/bin/python benchmarks/original_reference.py --out tests/data/original_reference.json

For each task family it records, from the original itself: the observation keys in order, the
declared observation space (normalized and raw), the observation at reset and after a fixed
sequence of normalized joint-position actions (normalized and raw, with rewards and fractional
success), the intervention spaces A, B and A∪B, the names (and for the small tasks the values) of
``get_current_state_variables()``, the keys of ``sample_new_goal()``, the episode length, and for
the benchmark tasks the variable names every evaluation protocol intervenes on (over a number of
seeded draws). ``tests/test_original_parity.py`` compares our package against this file; it runs
in CI without the original.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

import numpy as np

TASKS = ("reaching", "pushing", "picking", "pick_and_place", "stacking2", "towers", "general",
         "stacked_blocks", "creative_stacked_blocks")
SMALL_TASKS = ("reaching", "pushing", "picking", "pick_and_place", "stacking2")
BENCHMARKS = {"reaching": "REACHING_BENCHMARK", "pushing": "PUSHING_BENCHMARK", "picking": "PICKING_BENCHMARK",
              "pick_and_place": "PICK_AND_PLACE_BENCHMARK", "stacking2": "STACKING2_BENCHMARK"}
ACTION_SEED = 12345
N_ACTIONS = 10
PROTOCOL_DRAWS = 40


def plain(value):
    """A JSON-able copy of nested dicts, arrays and numbers."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer, int, bool, np.bool_)):
        return value.item() if hasattr(value, "item") else value
    if value is None or isinstance(value, str):
        return value
    return repr(value)


def make_env(task_name: str, normalize: bool, skip_frame: int = 3):
    from causal_world.envs import CausalWorld
    from causal_world.task_generators import generate_task

    CausalWorld.observation_space = None  # its class-level spaces break on gym 0.26
    CausalWorld.action_space = None
    return CausalWorld(task=generate_task(task_name), skip_frame=skip_frame, seed=0,
                       normalize_observations=normalize)


def observation_keys(env) -> list[list]:
    task = env.get_task()
    robot_keys = list(task._task_robot_observation_keys)
    stage_keys = list(task._task_stage_observation_keys)
    robot_obs = env.get_robot().get_current_observations([])
    stage_obs = env.get_stage().get_current_observations([])
    sizes = {**{k: int(np.size(v)) for k, v in robot_obs.items()}, **{k: int(np.size(v)) for k, v in stage_obs.items()}}
    return [[k, sizes.get(k)] for k in robot_keys + stage_keys]


def variable_names(state: dict) -> list[str]:
    names = []
    for key, value in state.items():
        if isinstance(value, dict):
            names += [f"{key}.{sub}" for sub in value]
        else:
            names.append(key)
    return names


def space_dict(space: dict) -> dict:
    flat = {}
    for key, value in space.items():
        if isinstance(value, dict):
            for sub, bounds in value.items():
                flat[f"{key}.{sub}"] = plain(np.asarray(bounds, dtype=np.float64))
        else:
            flat[key] = plain(np.asarray(value, dtype=np.float64))
    return flat


def dump_task(task_name: str, actions: np.ndarray) -> dict:
    out: dict = {}
    for normalize in (True, False):
        env = make_env(task_name, normalize)
        tag = "normalized" if normalize else "raw"
        obs = env.reset()
        space = env.observation_space
        out[tag] = {"reset": plain(obs), "space_low": plain(space.low), "space_high": plain(space.high)}
        if task_name in SMALL_TASKS:
            steps = {}
            for k, action in enumerate(actions, start=1):
                obs, reward, done, info = env.step(action)
                steps[str(k)] = {"observation": plain(obs), "reward": float(reward),
                                 "fractional_success": float(info["fractional_success"]),
                                 "success": bool(info["success"])}
            out[tag]["steps"] = steps
        if normalize:
            out["observation_keys"] = observation_keys(env)
            out["max_episode_length_skip3"] = int(env._max_episode_length)
            state = env.get_current_state_variables()
            out["state_variable_names"] = variable_names(state)
            if task_name in SMALL_TASKS:
                out["state_variables"] = plain(state)
            out["space_a"] = space_dict(env.get_intervention_space_a())
            out["space_b"] = space_dict(env.get_intervention_space_b())
            out["space_a_b"] = space_dict(env.get_intervention_space_a_b())
            out["sample_new_goal_names"] = sorted(variable_names(env.sample_new_goal()))
            if task_name == "pick_and_place":
                # Its spaces start with the tool's side on +y, where the tool is not (and the goal's phi bounds
                # with low > high); any tool position intervention sets them from the tool's side. Record them
                # as they are once the tool is (re)placed where it starts, at phi = -pi/2.
                tool = {"cylindrical_position": np.array([0.09, -np.pi / 2, 0.0325])}
                env.do_intervention({"tool_block": tool}, check_bounds=False)
                out["spaces_after_tool_placed"] = {
                    "space_a": space_dict(env.get_intervention_space_a()),
                    "space_b": space_dict(env.get_intervention_space_b()),
                    "space_a_b": space_dict(env.get_intervention_space_a_b())}
        env.close()
    return out


def protocol_names(task_name: str) -> dict:
    """For each protocol of the task's benchmark: the variable names its draws intervene on."""
    import gym

    if not hasattr(gym, "GoalEnv"):  # its wrappers module (imported by the protocols) needs it on gym 0.26
        gym.GoalEnv = gym.Env
    from causal_world.benchmark import benchmarks

    benchmark = getattr(benchmarks, BENCHMARKS[task_name])
    env = make_env(task_name, True)
    env.reset()
    result = {}
    for protocol in benchmark["evaluation_protocols"]:
        protocol.init_protocol(env, tracker=None, fraction=1)
        np.random.seed(0)
        names: set[str] = set()
        for episode in range(1, PROTOCOL_DRAWS + 1):
            names.update(variable_names(protocol.get_intervention(episode, 0)))
        result[protocol.get_name()] = sorted(names)
    env.close()
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="tests/data/original_reference.json")
    parser.add_argument("--tasks", nargs="*", default=list(TASKS))
    args = parser.parse_args(argv)
    actions = np.random.default_rng(ACTION_SEED).uniform(-1.0, 1.0, (N_ACTIONS, 9)).round(3)
    import causal_world

    data = {"command": " ".join([sys.executable.split("/")[-1], *sys.argv]),
            "original_version": getattr(causal_world, "__version__", "1.2"), "skip_frame": 3,
            "actions": actions.tolist(), "tasks": {}}
    for task_name in args.tasks:
        print(f"{task_name} ...", file=sys.stderr, flush=True)
        entry = dump_task(task_name, actions)
        if task_name in BENCHMARKS:
            entry["protocol_variables"] = protocol_names(task_name)
        data["tasks"][task_name] = entry
    text = json.dumps(data, indent=None, separators=(",", ":"))
    text = re.sub(r'("tasks":\{|\},")', lambda m: m.group(0).replace("{", "{\n").replace('},"', '},\n"'), text)
    with open(args.out, "w") as handle:
        handle.write(text + "\n")


if __name__ == "__main__":
    main()

"""CausalWorldEnv: the Gymnasium environment that composes world, robot, stage and task."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import EzPickle

from causalworld.env.args import check_env_args, check_task_kwargs
from causalworld.env.control import JOINT_POSITIONS, ActionMode
from causalworld.env.extras import ExtraMethods
from causalworld.env.health import guard_step
from causalworld.env.intervention_methods import InterventionMethods
from causalworld.env.interventions import Interventions
from causalworld.env.observation_writer import ObservationWriter
from causalworld.env.observations import ObservationLayout, object_fields, robot_fields
from causalworld.env.pixels import PixelObserver, parse_camera_indices
from causalworld.env.snapshot_methods import SnapshotMethods
from causalworld.env.world_files import save_world
from causalworld.sim.cameras import RENDERER_CHOICES, SceneCamera, load_renderer
from causalworld.sim.robot import TriFinger
from causalworld.sim.robots import DEFAULT_ROBOT, get_robot
from causalworld.sim.stage import Stage
from causalworld.sim.world import PHYSICS_TIMESTEP, World
from causalworld.tasks import SceneState, make_task
from causalworld.tasks.base import GoalMeasure, TaskContext
from causalworld.variables import CausalVariable
from causalworld.variables.catalog import build_registry, rebuild_object_variables

ENV_KWARGS = (
    "observation_mode", "action_mode", "skip_frame", "normalize_actions", "normalize_observations",
    "max_episode_length", "render_mode", "scale_reward_by_dt", "camera_indices", "renderer", "extended_spaces",
    "add_ground_truth_state_to_info", "expose_potential_partial_solution", "robot",
)


class CausalWorldEnv(InterventionMethods, SnapshotMethods, ExtraMethods, gym.Env, EzPickle):
    """A TriFinger manipulation task as a Gymnasium environment.

    Args:
        task: task family name ("reaching", "pushing").
        observation_mode: "structured" (the flat vector of :mod:`causalworld.env.observations`) or "pixel"
            (128x128 RGB images of the current scene and of the goal, see :mod:`causalworld.env.pixels`).
        action_mode: "joint_positions", "joint_torques" or "end_effector_positions" (:mod:`causalworld.env.control`).
        skip_frame: physics steps of 1/250 s per env step (default 10, i.e. 25 Hz).
        normalize_actions: actions in [-1, 1] instead of raw units.
        normalize_observations: observations in [-1, 1] instead of raw units.
        max_episode_length: env steps per episode; default the task's length in seconds / dt.
        render_mode: None, "rgb_array" (headless 240x320 images) or "human" (PyBullet GUI).
        scale_reward_by_dt: multiply the reward by dt (s), as the original benchmark does.
        camera_indices: pixel mode: which of the 3 cameras (0, 1, 2) to use, in order; default all.
        renderer: "auto", "tiny" or "egl" (see :func:`causalworld.sim.cameras.load_renderer`); the one
            in use is :attr:`renderer` ("tiny", "egl", "gui" in human mode, None when nothing renders).
        add_ground_truth_state_to_info: ``info`` also holds every variable's live value (the original's
            key ``ground_truth_current_state_varibales``; see :mod:`causalworld.env.extras`).
        expose_potential_partial_solution: ``info`` also holds the goal poses that would solve the task
            (``possible_solution_intervention``).
        extended_spaces: also list, in the intervention spaces (and so for fully random protocols and
            the random actor), the variables the original benchmark gave no space: gravity, robot
            height, object friction and velocities, ... (``docs/variables.md``). Default False: the
            spaces are exactly the original's.
        robot: "trifinger_edu" (the original's robot, default) or "trifinger_pro"; the robots are
            data (:mod:`causalworld.sim.robots`): their joint bounds, gains and torque limit set the
            action and observation spaces, their poses the tasks' starting joint positions.
        **task_kwargs: the task's own arguments (see the task module).

    Episodes never terminate; they are truncated after ``max_episode_length`` steps.
    ``info`` holds ``fractional_success``, ``success``, ``reward_terms`` (each weighted,
    dt-scaled contribution; they sum to the reward), ``desired_goal`` and ``achieved_goal``; on a step
    where the simulation has blown up (huge velocities, NaN, a block through the floor or out of the
    arena) also ``physics_warning``, a readable description (:mod:`causalworld.sim.health`).

    Finite actions outside the action space are clipped into it (as Gymnasium users expect); actions
    of the wrong shape or type, or with NaN or infinity, raise :class:`causalworld.env.control.ActionError`
    (a ValueError) and change nothing.
    """

    metadata = {"render_modes": ["human", "rgb_array"], "render_fps": 25}

    def __init__(
        self,
        task: str = "pushing",
        observation_mode: str = "structured",
        action_mode: str = JOINT_POSITIONS,
        skip_frame: int = 10,
        normalize_actions: bool = True,
        normalize_observations: bool = True,
        max_episode_length: int | None = None,
        render_mode: str | None = None,
        scale_reward_by_dt: bool = True,
        camera_indices: Sequence[int] | None = None,
        renderer: str = "auto",
        extended_spaces: bool = False,
        add_ground_truth_state_to_info: bool = False,
        expose_potential_partial_solution: bool = False,
        robot: str = DEFAULT_ROBOT,
        **task_kwargs: Any,
    ) -> None:
        EzPickle.__init__(
            self, task, observation_mode, action_mode, skip_frame, normalize_actions, normalize_observations,
            max_episode_length, render_mode, scale_reward_by_dt, camera_indices, renderer, extended_spaces,
            add_ground_truth_state_to_info=add_ground_truth_state_to_info,
            expose_potential_partial_solution=expose_potential_partial_solution, robot=robot, **task_kwargs,
        )
        self.constructor_kwargs: dict[str, Any] = {
            "observation_mode": observation_mode, "action_mode": action_mode, "skip_frame": skip_frame,
            "normalize_actions": normalize_actions, "normalize_observations": normalize_observations,
            "max_episode_length": max_episode_length, "render_mode": render_mode,
            "scale_reward_by_dt": scale_reward_by_dt, **task_kwargs,
        }
        """The arguments this env was built with (besides ``task``), as given."""
        if observation_mode == "pixel" or camera_indices is not None or renderer != "auto":
            self.constructor_kwargs.update(camera_indices=camera_indices, renderer=renderer)
        if extended_spaces:
            self.constructor_kwargs["extended_spaces"] = True
        if not (isinstance(robot, str) and robot == DEFAULT_ROBOT):
            self.constructor_kwargs["robot"] = robot
        info_flags = {"add_ground_truth_state_to_info": add_ground_truth_state_to_info,
                      "expose_potential_partial_solution": expose_potential_partial_solution}
        if observation_mode not in ("structured", "pixel"):
            raise ValueError(f"observation_mode must be 'structured' or 'pixel', got {observation_mode!r}")
        self.camera_indices = parse_camera_indices(camera_indices)
        if renderer not in RENDERER_CHOICES:
            raise ValueError(f"renderer must be one of {RENDERER_CHOICES}, got {renderer!r}")
        if render_mode not in (None, "human", "rgb_array"):
            raise ValueError(f"render_mode must be None, 'human' or 'rgb_array', got {render_mode!r}")
        if isinstance(skip_frame, bool) or not isinstance(skip_frame, (int, np.integer)) or skip_frame < 1:
            raise ValueError(f"skip_frame must be a positive integer, got {skip_frame!r}")
        check_env_args(task, action_mode, {"normalize_actions": normalize_actions,
                                           "normalize_observations": normalize_observations,
                                           "scale_reward_by_dt": scale_reward_by_dt,
                                           "extended_spaces": extended_spaces, **info_flags}, robot)
        self.robot_spec = get_robot(robot)
        """The robot's :class:`~causalworld.sim.robots.spec.RobotSpec`."""
        self.constructor_kwargs.update({name: True for name, flag in info_flags.items() if flag})
        self.ground_truth_in_info = bool(add_ground_truth_state_to_info)
        self.partial_solution_in_info = bool(expose_potential_partial_solution)
        check_task_kwargs(task, task_kwargs, ENV_KWARGS)
        try:
            self.task = make_task(task, robot=self.robot_spec, **task_kwargs)
        except TypeError as error:
            raise TypeError(f"{error}; the environment itself accepts {list(ENV_KWARGS)}") from None
        except ValueError as error:
            if any(name in str(error) for name in task_kwargs) or type(error) is not ValueError:
                raise
            raise ValueError(f"{error} (task {task!r} was given {sorted(task_kwargs)})") from None
        self.task_name = task
        self.observation_mode = observation_mode
        self.action_mode = action_mode
        self._actions = ActionMode(action_mode, normalize_actions, self.robot_spec)
        self.normalize_actions = bool(normalize_actions)
        self.normalize_observations = bool(normalize_observations)
        self.skip_frame = int(skip_frame)
        self.dt = self.skip_frame * PHYSICS_TIMESTEP
        self.scale_reward_by_dt = bool(scale_reward_by_dt)
        self.render_mode = render_mode
        self.metadata = {**self.metadata, "render_fps": 1.0 / self.dt}

        self.world = World(gui=render_mode == "human")
        self.renderer: str | None = "gui" if render_mode == "human" else None
        """The renderer of images: "tiny" (TinyRenderer), "egl" (OpenGL via EGL), "gui", or None."""
        if render_mode != "human" and (observation_mode == "pixel" or render_mode == "rgb_array"):
            try:
                self.renderer = load_renderer(self.world.client, renderer)
            except (ValueError, RuntimeError):
                self.world.close()
                raise
        self.world.set_solver_iterations(self.task.solver_iterations)
        try:
            self.robot = TriFinger(self.world.client, self.robot_spec, drawn=self.renderer is not None)
            self.stage = Stage(self.world.client, draws_silhouettes=self.renderer is not None)
            self.task.build(self.stage)
        except BaseException:
            self.world.close()
            raise
        max_episode_length_given = max_episode_length
        if max_episode_length is None:
            max_episode_length = int(self.task.episode_seconds() / self.dt + 1e-9)
            if max_episode_length < 1:
                self.world.close()
                raise ValueError(f"skip_frame={skip_frame} makes one step ({self.dt:g} s) longer than the task's "
                                 f"{self.task.episode_seconds():g} s episode; give a smaller skip_frame or a "
                                 "max_episode_length")
        if isinstance(max_episode_length, bool) or not isinstance(max_episode_length, (int, np.integer)) or (
            max_episode_length < 1
        ):
            self.world.close()
            raise ValueError(f"max_episode_length must be a positive integer, got {max_episode_length!r}")
        self.max_episode_length = int(max_episode_length)
        self._camera = SceneCamera(self.world.client, self.renderer == "egl") if render_mode == "rgb_array" else None

        self.episode_seconds = (
            self.task.episode_seconds() if max_episode_length_given is None else self.max_episode_length * self.dt
        )
        """Time (s) the ``time_left_for_task`` observation counts down from: the task's length in seconds, as
        in the original (which kept it when ``dt`` does not divide it), or ``max_episode_length * dt``."""
        fields = robot_fields(self.episode_seconds, self.robot_spec)
        self._slots = self.task.observation_slots()
        for slot in self._slots:
            fields += object_fields(slot)
        self.layout = ObservationLayout(fields)
        self._writer = ObservationWriter(
            self.layout, self._slots, self.stage, self.normalize_observations, self.task.slot_objects
        )
        self.pixels: PixelObserver | None = None
        if observation_mode == "pixel":
            try:
                self.pixels = PixelObserver(
                    self.world.client, self.renderer, self.camera_indices, self.normalize_observations,
                    self.robot_spec,
                )
            except BaseException:
                self.world.close()
                raise
            self.observation_space = self.pixels.observation_space
        else:
            low, high = self.layout.space_bounds(self.normalize_observations)
            self.observation_space = gym.spaces.Box(low, high, dtype=np.float32)
        self.action_space = gym.spaces.Box(
            self._actions.space_low.astype(np.float32), self._actions.space_high.astype(np.float32), dtype=np.float32
        )
        self.robot.set_joints(self.task.starting_joint_positions())
        self.variables = build_registry(self.robot, self.stage, self.world)
        """The causal variables of this scene, by dotted name (:mod:`causalworld.variables`)."""
        self.variables.extended = bool(extended_spaces)
        self.variables.add(CausalVariable(
            "control_index", (), "steps", "steps taken in this episode minus one (the original's counter)",
            lambda: self._step_count - 1, None))
        self.task.attach(TaskContext(lambda: self.np_random, self._on_objects_changed))
        for variable in self.task.task_variables():
            self.variables.add(variable)
        self.task.customize_variables(self.variables)
        self._interventions = Interventions(self.variables, self.task, self.stage, self.robot, self.world)
        self._dirty: set[str] = set()
        self._default_state = self._capture_state()
        self._start_state = dict(self._default_state)
        self._last_joint_target = list(self.task.starting_joint_positions())
        self._last_tip_target: list[float] | None = None
        self._step_count = 0
        self._needs_reset = True

    # -- Gymnasium API ----------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Start an episode from the starting state in a cleared physics world; returns (obs, info).

        Every episode is bit-identical to the first episode of a freshly built env with the same
        starting state, seed and actions.
        """
        super().reset(seed=seed)
        self._rebuild_world()
        self._restore_state(self._start_state, everything=True)
        self.robot.last_torques = [0.0] * 9
        self._last_joint_target = list(self._start_state["joint_positions"])
        self._last_tip_target = None
        self._step_count = 0
        self._needs_reset = False
        state = self._read_state()
        self.task.reset_reward_state(state)
        observation = self._observe(state)
        return observation, self._info(state, self.task.measure(state), {})

    def step(self, action):
        """Apply one action for ``skip_frame`` physics steps; returns (obs, reward, terminated, truncated, info)."""
        if self._needs_reset:
            raise RuntimeError("call reset() before step(): the episode has not started")
        self._actions.controller.apply(self, self._actions.to_command(action))
        self._step_count += 1
        state = self._read_state()
        observation = self._observe(state)
        measure = self.task.measure(state)
        reward, terms = self._reward(state, measure)
        truncated = self._step_count >= self.max_episode_length
        info = self._info(state, measure, terms)
        observation, reward = guard_step(state, observation, reward, info, self.observation_space)
        return observation, reward, False, truncated, info

    def render(self):
        """An RGB image (rgb_array mode) of the scene; in human mode the GUI shows it live."""
        if self._camera is not None:
            return self._camera.render()
        return None

    def close(self) -> None:
        """Release the PyBullet client. Safe to call more than once."""
        world = getattr(self, "world", None)
        if world is not None:
            world.close()
        pixels = getattr(self, "pixels", None)
        if pixels is not None:
            pixels.close()

    def save_world(self, path) -> None:
        """Save the task, settings and starting state to a JSON file; ``causalworld.load_world`` rebuilds it."""
        save_world(self, path)

    # -- conversions ------------------------------------------------------------------------
    def normalize_observation(self, observation: np.ndarray) -> np.ndarray:
        """Raw observation -> [-1, 1]."""
        return self.layout.normalize(observation)

    def denormalize_observation(self, observation: np.ndarray) -> np.ndarray:
        """[-1, 1] observation -> raw units."""
        return self.layout.denormalize(observation)

    def normalize_action(self, action: np.ndarray) -> np.ndarray:
        """Raw command -> [-1, 1]."""
        return self._actions.normalize(action)

    def denormalize_action(self, action: np.ndarray) -> np.ndarray:
        """[-1, 1] action -> raw command."""
        return self._actions.denormalize(action)

    # -- internals --------------------------------------------------------------------------
    def _rebuild_world(self) -> None:
        """Empty the physics world and load every body again (robot, arena, task objects).

        PyBullet keeps solver and broadphase state across steps that no call resets, so an episode
        started by teleporting bodies back is not always bit-identical to the first one. Starting
        from a cleared world makes every episode identical to one in a freshly built environment.
        """
        self.world.clear()
        self.robot.recreate()
        self.stage.recreate()

    def _on_objects_changed(self) -> None:
        rebuild_object_variables(self.stage, self.variables)
        self.task.customize_variables(self.variables)
        self.stage.touch()

    def _read_state(self) -> SceneState:
        q, dq = self.robot.read_joints()
        self._writer.ensure_current()
        blocks = {block.name: block.read_state() for block, _ in self._writer.rigid}
        return SceneState(q, dq, self.robot.tip_positions(q), self.robot.last_torques, blocks)

    def _observe(self, state: SceneState) -> np.ndarray:
        if self.pixels is not None:
            return self.pixels.observe(self.stage, self.robot)
        return self._writer.write(state, self.episode_seconds - self._step_count * self.dt)

    def _reward(self, state: SceneState, measure: GoalMeasure) -> tuple[float, dict[str, float]]:
        task = self.task
        raw_terms = task.reward_terms(state)
        fractional = measure.fractional_success
        scale = self.dt if self.scale_reward_by_dt else 1.0
        if task.sparse:
            terms = {"sparse_success": float(task.is_success(state, fractional)) * scale}
        else:
            terms = {name: w * t * scale for name, w, t in zip(task.reward_term_names, task.dense_weights, raw_terms)}
            name, value = task.goal_reward(state, fractional)
            terms[name] = task.fractional_weight * value * scale
        return math.fsum(terms.values()), terms

    def _info(self, state: SceneState, measure: GoalMeasure, terms: dict[str, float]) -> dict[str, Any]:
        info = {
            "fractional_success": measure.fractional_success,
            "success": self.task.is_success(state, measure.fractional_success),
            "reward_terms": terms,
            "desired_goal": measure.desired_goal,
            "achieved_goal": measure.achieved_goal,
        }
        if self.ground_truth_in_info or self.partial_solution_in_info:
            self._privileged_info(info, state)
        return info

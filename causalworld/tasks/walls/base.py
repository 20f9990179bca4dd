"""The machinery of the two wall families (stacked_blocks, creative_stacked_blocks).

A scene is a wall of goal blocks plus one tool block per wall block, named as in the original
``tool_level_{l}_num_{n}`` and ``goal_level_{l}_num_{n}`` in the generator's order (level by level,
x ascending), and for the creative family up to five fixed ``obstacle_k`` cubes (k from 0). What
the families share lives here:

* **Scene identity.** The blocks are a pure function of the four structure variables
  (``stack_levels``, ``blocks_min_size``, ``max_level_width``, ``wall_seed``): ``wall_seed == 0``
  with the constructor's levels, size and width is the default scene; any other combination is a
  random wall from a generator seeded by exactly those four values. So a starting state (a dict of
  variable values) always names one set of blocks, and resets and rolled-back interventions can
  rebuild it. An intervention that changes a structure variable without giving ``wall_seed`` draws a
  new ``wall_seed`` from the env's generator: every such intervention gives a fresh wall,
  reproducible from the env's seed.
* **Interventions.** ``couple`` (called only by interventions) plans the new scene before anything
  changes: it lays the tools out (random floor poses clear of the goals, the fingertips and the
  obstacles, else rows), draws new obstacles, and refuses with ``InterventionError`` (nothing
  changed) values the wall generator rejects, walls with more blocks than observation slots, and
  block variables given in the same intervention for blocks the new wall does not have (the others
  apply to the new wall's blocks). ``blocks_mass`` sets every tool's mass (through coupled
  per-block values, so resets restore per-block masses exactly) and never regenerates. A wall whose
  top level is centred above the 0.3 m working volume (all of space B) is refused by the env's goal
  check; for it the plan keeps every current object name, so the roll-back can find them all.
* **Restores** (resets, roll-backs, ``reset_default_state``) call the setters without ``couple``:
  the scene is rebuilt from the copy kept when an intervention last left it (exact sizes, colours,
  masses, frictions), else from the pure structure; the env then restores poses, sizes and changed
  properties. Restores never draw random numbers.
* **Success.** Fractional success is the summed axis-aligned-hull overlap of every (goal, tool) pair
  over the total goal volume, computed with numpy for all pairs at once; success above 0.9.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from causalworld.sim.objects import BLOCK_LATERAL_FRICTION, reseat_friction_anchors
from causalworld.spatial import box_hulls, volumetric_overlap
from causalworld.tasks.base import GoalMeasure, SceneState, Task
from causalworld.tasks.slots import Slot
from causalworld.tasks.structures.blocks import BlockSpec, _integer, _positive
from causalworld.tasks.walls.layout import (
    TOOL_PHYSICS,
    KeepOut,
    Piece,
    WallKey,
    fits_working_volume,
    max_wall_blocks,
    nearest_block,
    round_trip,
    row_layout,
    seed_sequence,
    tool_layout,
    wall_labels,
    wall_slot_objects,
    wall_slots,
)
from causalworld.variables import TASK, CausalVariable, InterventionError, VariableSpace, as_bounds

TOOL_COLOR, GOAL_COLOR = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)
CLEARANCE = 0.005
"""Gap (m) kept between a new tool or obstacle and fingertips, tools, goals and obstacles."""
STRUCTURE = {"stack_levels": "levels", "blocks_min_size": "min_size", "max_level_width": "width",
             "wall_seed": "seed"}
"""Structure variables and the WallKey field each sets."""
SNAPSHOTS = 16
"""Scenes kept (by key) for rebuilding after an intervention left them."""


class WallTask(Task):
    """Base class: build the wall with tools, expose its variables, measure the overlap."""

    defaults: Mapping[str, Any] = {
        "tool_block_mass": 0.08,
        "joint_positions": None,
        "blocks_min_size": 0.035,
        "num_of_levels": 5,
        "max_level_width": 0.25,
    }
    spaces: ClassVar[dict[str, tuple[tuple[float, float], tuple[float, float]]]] = {}
    """Task variable -> ((low, high) in A, (low, high) in B); integer highs are inclusive."""
    max_obstacles: ClassVar[int] = 0
    solver_iterations = 50
    """Bullet's default, as in the original and every other family. Walls stand with it because of
    :data:`TOOL_PHYSICS` (see there); without friction anchors they needed 200 iterations and still
    crept (the default wall's farthest block moved 181 mm in 60 s with 50 iterations, 7 mm with 200)."""
    tool_physics: ClassVar[dict[str, bool]] = TOOL_PHYSICS
    """Keyword arguments of :class:`~causalworld.sim.objects.Block` for every tool block."""

    # -- subclass hooks -----------------------------------------------------------------------
    def structure(self, rng: np.random.Generator | None, key: WallKey) -> tuple[list[BlockSpec], list[BlockSpec]]:
        """(goal blocks, all wall blocks) for a key; rng None: the default wall."""
        raise NotImplementedError

    def goal_bound(self, levels: int, min_size: float, width: float) -> int:
        """Most goal blocks a random wall with these limits can have."""
        raise NotImplementedError

    # -- construction -------------------------------------------------------------------------
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        p, func = self.params, self.name
        self.mass = _positive(func, "tool_block_mass", p["tool_block_mass"])
        levels = _integer(func, "num_of_levels", p["num_of_levels"], 1, 20)
        min_size = _positive(func, "blocks_min_size", p["blocks_min_size"])
        width = _positive(func, "max_level_width", p["max_level_width"])
        self.default_key = WallKey(levels, min_size, width, 0.0)
        self._tips = self.kinematics.tip_positions(self.starting_joint_positions())
        self._default = self._design(self.default_key)  # raises ValueError on a wall that cannot exist
        n_tools = sum(not piece.silhouette for piece in self._default)
        self.default_tools = n_tools
        sp = self.spaces  # the most blocks: most levels, smallest blocks, widest levels of kwargs and spaces
        top = (max(levels, int(sp["stack_levels"][0][1]), int(sp["stack_levels"][1][1])),
               min(min_size, sp["blocks_min_size"][0][0], sp["blocks_min_size"][1][0]),
               max(width, sp["max_level_width"][0][1], sp["max_level_width"][1][1]))
        self.tool_slots = max(n_tools, max_wall_blocks(*top))
        self.goal_slots = self.tool_slots  # goal slots pair with tool slots (empty where a tool has no goal)
        self._key = self.default_key
        self._snapshots: OrderedDict[WallKey, list[Piece]] = OrderedDict()
        self._plan: dict[str, Any] | None = None
        self._rollback_key: WallKey | None = None

    def build(self, stage) -> None:
        self.stage = stage
        self._create(self._default)
        self._meter_version = -1

    def observation_slots(self) -> list[Slot]:
        """Pairs ``tool_k``, ``goal_k`` as the original orders them, then the obstacles (:func:`wall_slots`)."""
        return wall_slots(self.tool_slots, self.max_obstacles)

    def slot_objects(self) -> list[str | None]:
        return wall_slot_objects(list(self.stage.objects), self.tool_slots, self.max_obstacles)

    def episode_seconds(self) -> float:
        return 10.0 * self.default_tools

    # -- scene design ---------------------------------------------------------------------------
    def _keep_out(self) -> list[KeepOut]:
        """Boxes new tools avoid: the fingertips (as the intervention leaves them) and the obstacles."""
        r = self.robot.tip_radius + CLEARANCE
        boxes = [KeepOut(self._tips[i], self._tips[i + 1], r, r, self._tips[i + 2] - r) for i in (0, 3, 6)]
        stage = getattr(self, "stage", None)
        for obj in (stage.blocks.values() if stage else ()):
            if obj.name.startswith("obstacle_"):
                h = obj.size[0] / 2
                boxes.append(KeepOut(obj.position[0], obj.position[1], h, h, obj.position[2] - h))
        return boxes

    def _design(self, key: WallKey, fresh: bool = True, mass: float | None = None) -> list[Piece]:
        """Tools then goals for a key.

        ``fresh``: lay the tools out for real (random poses drawn from the key's own generator, clear
        of the keep-out boxes); otherwise rows, a placeholder (restores set every pose afterwards).
        """
        default = key == self.default_key
        wall_rng = None if default else np.random.default_rng(
            seed_sequence(key.levels, key.min_size, key.width, key.seed))
        goals, blocks = self.structure(wall_rng, key)
        sizes = [b.size for b in blocks]
        keep_out = self._keep_out() if fresh else []
        if default or not fresh:
            tools = row_layout(sizes, goals[0].position[1], key.min_size, keep_out)
        else:
            tools = tool_layout(wall_rng, sizes, goals, keep_out)
        tools = tools or blocks  # nothing fits on the floor (only for walls too tall to be accepted)
        mass = self.mass if mass is None else mass
        labels = wall_labels(blocks, key.min_size)
        goal_labels = [labels[nearest_block(goal, blocks)] for goal in goals]
        return ([Piece(f"tool_{label}", t.size, (*t.position[:2], round_trip(t.position[2])), t.orientation,
                       TOOL_COLOR, mass) for label, t in zip(labels, tools)]
                + [Piece(f"goal_{label}", g.size, g.position, g.orientation, GOAL_COLOR, silhouette=True)
                   for label, g in zip(goal_labels, goals)])

    def _create(self, pieces: Sequence[Piece]) -> None:
        for p in pieces:
            if p.silhouette:
                self.stage.add_silhouette(p.name, size=p.size, position=p.position, orientation=p.orientation,
                                          color=p.color)
            else:
                physics = self.tool_physics if p.mass > 0 else {}
                self.stage.add_block(p.name, size=p.size, position=p.position, orientation=p.orientation,
                                     mass=p.mass, color=p.color, lateral_friction=p.friction, **physics)

    def _capture(self, prefixes: tuple[str, ...]) -> list[Piece]:
        """The live objects whose names start with one of ``prefixes``, as pieces (creation order)."""
        out = []
        for name, obj in self.stage.objects.items():
            if not name.startswith(prefixes):
                continue
            if getattr(obj, "is_movable", False):
                s = obj.read_state()
                out.append(Piece(name, obj.size, s.position, s.orientation, obj.color, obj.mass, obj.lateral_friction))
            else:
                out.append(Piece(name, obj.size, obj.position, obj.orientation, obj.color,
                                 friction=getattr(obj, "lateral_friction", BLOCK_LATERAL_FRICTION),
                                 silhouette=name.startswith("goal_")))
        return out

    def _rebuild(self, key: WallKey, pieces: Sequence[Piece], remember: bool) -> None:
        """Replace the wall by ``pieces``; obstacles are re-created after it, as they were."""
        if remember:
            self._snapshots[self._key] = self._capture(("tool_", "goal_"))
            self._snapshots.move_to_end(self._key)
            while len(self._snapshots) > SNAPSHOTS:
                self._snapshots.popitem(last=False)
        obstacles = self._capture(("obstacle_",))
        self.stage.remove_all_objects()
        self._create(pieces)
        self._create(obstacles)
        self._key = key
        self.context.objects_changed()

    # -- task variables -------------------------------------------------------------------------
    def task_variables(self) -> list[CausalVariable]:
        def bounds(name, space):
            return as_bounds(*self.spaces[name][space])

        described = {
            "stack_levels": ("count", "levels of the goal wall", lambda: self._key.levels),
            "blocks_mass": ("kg", "mass of every tool block", lambda: self.mass),
            "blocks_min_size": ("m", "depth, height and smallest width of the wall's blocks",
                                lambda: self._key.min_size),
            "max_level_width": ("m", "widest level the wall may have", lambda: self._key.width),
            "wall_seed": ("-", "which wall: 0 with the default sizes is the default wall, else the seed of a "
                               "random one", lambda: self._key.seed),
        }
        out = []
        for name, (units, text, getter) in described.items():
            setter = self._set_mass if name == "blocks_mass" else (lambda v, n=name: self._set_structure(n, v))
            out.append(CausalVariable(name, (), units, text, getter, setter, bounds(name, 0), bounds(name, 1),
                                      kind=TASK, integer=name == "stack_levels"))
        return out

    def _set_mass(self, value) -> None:
        """Only the default for new walls: per-tool masses come with the intervention (see couple)."""
        self.mass = float(value)

    def _set_structure(self, name: str, value) -> None:
        value = int(value) if name == "stack_levels" else float(value)
        key = replace(self._key, **{STRUCTURE[name]: value})
        plan = self._plan
        if plan is not None and "key" in plan and getattr(plan["key"], STRUCTURE[name]) == value:
            self._plan = {k: v for k, v in plan.items() if k not in ("key", "pieces")}
            self._rollback_key = self._key
            self._rebuild(plan["key"], plan["pieces"], remember=True)
        elif key == self._key:
            return
        elif self._rollback_key is not None and key != self._rollback_key:
            self._key = key  # rolling back one variable at a time: wait for the last one
        else:  # a restore: rebuild the scene the state was captured in
            self._rollback_key = None
            pieces = self._snapshots.get(key) or self._design(key, fresh=False)
            self._rebuild(key, pieces, remember=False)

    def customize_variables(self, registry) -> None:
        """Leave ``wall_seed`` (ours), block sizes and the goals' and obstacles' variables out of the spaces.

        As in the original, the spaces hold each tool's pose, colour and mass and the structure variables.
        """
        self.registry = registry
        self.leave_out_of_spaces(registry, ["wall_seed"] + [
            v.name for v in registry.values() if v.object_name is not None and (
                v.name.endswith(".size") or v.object_name.startswith(("goal_", "obstacle_")))])

    # -- interventions ------------------------------------------------------------------------------
    def couple(self, values: dict[str, np.ndarray], registry) -> dict[str, np.ndarray]:
        """Plan what the intervention implies before anything changes (see the module docs)."""
        self._plan, self._rollback_key = {}, None
        q = values.get("joint_positions", registry["joint_positions"].read())
        height = float(values.get("robot_height", registry["robot_height"].read()))
        self._tips = self.kinematics.tip_positions(q, height - self.robot.base_height)
        mass = float(values["blocks_mass"]) if "blocks_mass" in values else self.mass
        tools = [n for n in self.stage.blocks if n.startswith("tool_")]
        if any(n in values for n in STRUCTURE):
            names = self._plan_wall(values, mass)
            tools = [n for n in tools if n in names]
        if "blocks_mass" in values:
            for name in tools:
                values.setdefault(f"{name}.mass", np.array(mass))
        return values

    def _plan_wall(self, values: dict[str, np.ndarray], mass: float) -> set[str]:
        """Plan the new wall of an intervention; returns the names of its objects."""
        if "wall_seed" not in values:
            values["wall_seed"] = np.array(float(self.context.rng.uniform(0.0, 1.0)))
        fields = {STRUCTURE[n]: values[n] for n in STRUCTURE if n in values}
        key = replace(self._key, **{f: (int(v) if f == "levels" else float(v)) for f, v in fields.items()})
        try:
            pieces = {p.name: p for p in self._design(key, mass=mass)}
        except ValueError as error:
            raise InterventionError(f"no wall for {key}: {error}") from None
        n_tools = sum(n.startswith("tool_") for n in pieces)
        n_goals = len(pieces) - n_tools
        if n_tools > self.tool_slots or n_goals > self.goal_slots:
            raise InterventionError(
                f"the wall for {key} has {n_tools} tools and {n_goals} goals; this env has observation "
                f"slots for {self.tool_slots} and {self.goal_slots} (stay inside the spaces)")
        for name in list(values):
            obj, _, attribute = name.partition(".")
            if obj.startswith(("tool_", "goal_")) and obj not in pieces:
                raise InterventionError(f"{name}: the new wall has no {obj} ({n_tools} tools, {n_goals} "
                                        "goals); intervene on it separately")
            if obj in pieces and attribute == "size":
                pieces[obj] = replace(pieces[obj], size=tuple(float(v) for v in values.pop(name)))
        plan = list(pieces.values())
        if not fits_working_volume(key.levels, key.min_size):
            # The env will refuse this wall (its top goals leave the working volume). Show only its
            # goals and keep every current object's name, so that the roll-back finds them all.
            goals = [p for p in plan if p.silhouette]
            kept = [p for p in self._capture(("tool_", "goal_")) if p.name not in pieces or not p.silhouette]
            plan = [p for p in kept if not p.silhouette] + goals + [p for p in kept if p.silhouette]
        self._plan.update(key=key, pieces=plan)
        return set(pieces)

    # -- observation and success ----------------------------------------------------------------
    def reset_reward_state(self, state: SceneState) -> None:
        """Called after every reset and every successful intervention.

        When the floor's, the stage's or an existing tool's friction changed since the last call, the
        tools' anchored contacts are rebuilt from the new state: an anchor that sticks keeps the
        friction coefficient it was made with, so without this a lower friction would not make a
        resting tool slide (see :func:`~causalworld.sim.objects.reseat_friction_anchors`). Nothing is
        done otherwise, so interventions on anything else (colours, masses, poses, gravity) leave the
        contacts, and with them the simulation, exactly as they would be without anchors' help. After a
        reset there are no contacts yet.
        """
        self._plan, self._rollback_key = None, None
        frictions = self._frictions()
        previous, self._last_frictions = getattr(self, "_last_frictions", None), frictions
        if previous is not None and any(previous.get(key, value) != value for key, value in frictions.items()):
            reseat_friction_anchors(self.stage.client, list(self.stage.blocks.values()))

    def _frictions(self) -> dict[Any, float]:
        """Friction coefficients that anchored contacts depend on, keyed by surface (blocks by name and body)."""
        out: dict[Any, float] = {"floor": self.stage.floor_friction, "stage": self.stage.stage_friction}
        for name, block in self.stage.blocks.items():
            out[(name, block.body)] = block.lateral_friction
        return out

    def measure(self, state: SceneState) -> GoalMeasure:
        if self._meter_version != self.stage.version:
            self._refresh_meter()
        blocks = state.blocks
        live = [blocks[n] if n in blocks else self.stage.blocks[n].read_state() for n in self._tool_names]
        achieved = box_hulls(np.array([b.position for b in live]).reshape(-1, 3),
                             np.array([b.orientation for b in live]).reshape(-1, 4), self._tool_sizes)
        desired = self._goal_hulls
        return GoalMeasure(desired.copy(), achieved, volumetric_overlap(desired, achieved))

    def _refresh_meter(self) -> None:
        """Cache tool names and sizes and the goal hulls (they change only with the stage version)."""
        self._meter_version = self.stage.version
        tools = [b for n, b in self.stage.blocks.items() if n.startswith("tool_")]
        goals = [s for n, s in self.stage.silhouettes.items() if n.startswith("goal_")]
        self._tool_names = [b.name for b in tools]
        self._tool_sizes = np.array([b.size for b in tools], dtype=np.float64).reshape(-1, 3)
        self._goal_hulls = box_hulls(np.array([g.position for g in goals], dtype=np.float64).reshape(-1, 3),
                                     np.array([g.orientation for g in goals], dtype=np.float64).reshape(-1, 4),
                                     np.array([g.size for g in goals], dtype=np.float64).reshape(-1, 3))

    # -- goals ------------------------------------------------------------------------------------
    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        """A new wall: structure values uniform in the active space and a fresh ``wall_seed``.

        Levels are whole numbers, upper bounds inclusive; up to 100 redraws for a wall whose top level
        is inside the working volume (never the case in space B).
        """
        space = self.variables_space
        for _ in range(100):
            goal = {}
            for name in ("stack_levels", "blocks_mass", "blocks_min_size", "max_level_width"):  # the original's
                low, high = self._bounds(name, space)
                goal[name] = int(rng.integers(int(low), int(high) + 1)) if name == "stack_levels" else float(
                    rng.uniform(low, high))
            goal["wall_seed"] = float(rng.uniform(0.0, 1.0))
            if fits_working_volume(goal["stack_levels"], goal["blocks_min_size"]):
                break
        return goal

    def _bounds(self, name: str, space: VariableSpace) -> tuple[float, float]:
        (a_lo, a_hi), (b_lo, b_hi) = self.spaces[name]
        return {VariableSpace.A: (a_lo, a_hi), VariableSpace.B: (b_lo, b_hi)}.get(
            space, (min(a_lo, b_lo), max(a_hi, b_hi)))


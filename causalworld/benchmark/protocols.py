"""Evaluation protocols as data: which causal variables change at the start of an episode, in which space.

A :class:`Protocol` names the variables it samples by glob patterns over dotted variable names
(``"tool_block.mass"``, ``"tool_block_*.cylindrical_position"``, ``"floor_friction"``), matched
against the live registry of the env when an episode starts, and the space (A, B or A∪B) the
values are drawn from, uniformly. A fully random protocol samples every variable of the scene
instead (see :mod:`causalworld.benchmark.sampling`). Protocol P0 of every family changes nothing:
it is the default task.

The tables for pushing, picking, pick_and_place, stacking2 and reaching follow the original
benchmark; those for towers, stacked_blocks, creative_stacked_blocks and general are ours, built
in the same spirit (default task; mass, size, pose and goal in spaces A and B; fully random A and
B). ``docs/protocols.md`` lists every table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from causalworld.tasks import TASKS
from causalworld.variables import VariableSpace

A, B, A_B = VariableSpace.A, VariableSpace.B, VariableSpace.A_B


@dataclass(frozen=True)
class Protocol:
    """One evaluation protocol.

    Attributes:
        name: short id, unique within a task family ("P0" ... "P12").
        label: the short legend of the changed factors ("tm, tp"; "default"; "all").
        description: one sentence for reports and docs.
        space: the space values are drawn from; also the env's active space during the episode.
        variables: glob patterns (:func:`fnmatch.fnmatchcase`) over dotted variable names.
        fully_random: sample every variable of the scene (sizes XOR positions, never joints or
            velocities) instead of ``variables``.
        excluded: glob patterns a fully random protocol leaves alone (on top of joints and velocities).
    """

    name: str
    label: str
    description: str
    space: VariableSpace
    variables: tuple[str, ...] = ()
    fully_random: bool = False
    excluded: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """A JSON-able description."""
        return {
            "name": self.name, "label": self.label, "description": self.description, "space": self.space.value,
            "variables": list(self.variables), "fully_random": self.fully_random, "excluded": list(self.excluded),
        }


def _p(name: str, label: str, description: str, space: VariableSpace, *variables: str) -> Protocol:
    return Protocol(name, label, description, space, tuple(variables))


def _fully_random(name: str, space: VariableSpace, excluded: tuple[str, ...] = ()) -> Protocol:
    letter = "A" if space is A else "B"
    return Protocol(name, "all", f"every variable sampled in space {letter} (fully random)", space, (),
                    fully_random=True, excluded=excluded)


STRUCTURE_EXCLUDED = ("*.size", "goal_*.cylindrical_position", "goal_*.euler_orientation")
"""Left alone by our fully random protocols of the multi-block families: there the block sizes and the
goal come from the task-level structure variables, which these protocols sample (these variables are
outside the families' spaces anyway, as in the original; the patterns keep it so with ``extended_spaces``)."""


DEFAULT = _p("P0", "default", "the default task, nothing changed", A_B)


def _single_block(tool: str, goal: str, excluded: tuple[str, ...] = ()) -> tuple[Protocol, ...]:
    """P0-P11 of the original for one tool block and one goal block."""
    tm, ts, tp, gp = f"{tool}.mass", f"{tool}.size", f"{tool}.cylindrical_position", f"{goal}.cylindrical_position"
    return (
        DEFAULT,
        _p("P1", "tm", "tool mass in space A", A, tm),
        _p("P2", "tm", "tool mass in space B", B, tm),
        _p("P3", "ts", "tool size in space A (the goal follows)", A, ts),
        _p("P4", "tp", "tool position in space A", A, tp),
        _p("P5", "gp", "goal position in space A", A, gp),
        _p("P6", "tp, gp", "tool and goal positions in space B", B, tp, gp),
        _p("P7", "tp, gp, tm", "tool and goal positions and tool mass in space A", A, tp, gp, tm),
        _p("P8", "tp, gp, tm", "tool and goal positions and tool mass in space B", B, tp, gp, tm),
        _p("P9", "tp, gp, tm, ff", "tool and goal positions, tool mass and floor friction in space B", B,
           tp, gp, tm, "floor_friction"),
        _fully_random("P10", A, excluded),
        _fully_random("P11", B, excluded),
    )


BLOCK_PROTOCOLS = _single_block("tool_block", "goal_block")
"""Pushing and picking: the original's P0-P11."""

PICK_AND_PLACE_PROTOCOLS = BLOCK_PROTOCOLS
"""Pick_and_place: the original's P0-P11 (its fully random ones change the obstacle's colour and height,
the obstacle's only variables in the spaces)."""

_S2_TM, _S2_TP, _S2_GP = "tool_block_*.mass", "tool_block_*.cylindrical_position", "goal_tower.cylindrical_position"
STACKING2_PROTOCOLS = (
    DEFAULT,
    _p("P1", "tm", "both tool blocks' masses in space A", A, _S2_TM),
    _p("P2", "tm", "both tool blocks' masses in space B", B, _S2_TM),
    _p("P4", "tp", "both tool blocks' positions in space A", A, _S2_TP),
    _p("P5", "gp", "goal tower position in space A", A, _S2_GP),
    _p("P6", "tp, gp", "tool and goal tower positions in space B", B, _S2_TP, _S2_GP),
    _p("P7", "tp, gp, tm", "tool and goal tower positions and tool masses in space A", A, _S2_TP, _S2_GP, _S2_TM),
    _p("P8", "tp, gp, tm", "tool and goal tower positions and tool masses in space B", B, _S2_TP, _S2_GP, _S2_TM),
    _p("P9", "tp, tm, ff", "tool positions, tool masses and floor friction in space B (no goal change, as in "
       "the original)", B, _S2_TP, _S2_TM, "floor_friction"),
    _fully_random("P10", A),
    _fully_random("P11", B),
)
"""Stacking2: the original's variant, with no P3 and no goal change in P9."""

_REACH_GOALS = "goal_*.cylindrical_position"
REACHING_PROTOCOLS = (
    DEFAULT,
    _p("P5", "gp", "fingertip goal positions in space A", A, _REACH_GOALS),
    _p("P12", "gp", "fingertip goal positions in space B", B, _REACH_GOALS),
)
"""Reaching: the original's P0, P5 and P12."""


def _structure(mass: str, size: tuple[str, ...], pose: str, goal: tuple[str, ...],
               excluded: tuple[str, ...] = STRUCTURE_EXCLUDED) -> tuple[Protocol, ...]:
    """Our protocols for the multi-block families: mass, size, pose and goal in A and B; fully random."""
    return (
        DEFAULT,
        _p("P1", "bm", "block mass in space A", A, mass),
        _p("P2", "bm", "block mass in space B", B, mass),
        _p("P3", "bs", "block size in space A (new goal structure)", A, *size),
        _p("P4", "bs", "block size in space B (new goal structure)", B, *size),
        _p("P5", "tp", "every tool block's position in space A", A, pose),
        _p("P6", "tp", "every tool block's position in space B", B, pose),
        _p("P7", "gs", "goal structure in space A", A, *goal),
        _p("P8", "gs", "goal structure in space B", B, *goal),
        _fully_random("P9", A, excluded),
        _fully_random("P10", B, excluded),
    )


TOWERS_PROTOCOLS = _structure(
    "blocks_mass", ("tower_dims",), "tool_*.cylindrical_position",
    ("number_of_blocks_in_tower", "tower_center"),
)
"""Towers (ours): size is the tower's extent, the goal its block counts and centre."""

GENERAL_PROTOCOLS = _structure(
    "blocks_mass", ("tool_block_size",), "tool_*.cylindrical_position", ("nums_objects",),
)
"""General (ours): size is the cube edge, the goal a new pile of ``nums_objects`` cubes."""

_WALL_GOAL = ("stack_levels", "max_level_width")  # a structure change draws a new wall_seed
STACKED_PROTOCOLS = _structure("blocks_mass", ("blocks_min_size",), "tool_*.cylindrical_position", _WALL_GOAL,
                               (*STRUCTURE_EXCLUDED, "blocks_min_size"))
"""Stacked_blocks and creative_stacked_blocks (ours): size is the blocks' smallest size, the goal a new wall.
Their fully random protocols keep ``blocks_min_size``: in space B, 6-8 levels of 0.065-0.075 m blocks
never fit the working volume, so together with ``stack_levels`` every draw would be refused."""

PROTOCOLS: dict[str, tuple[Protocol, ...]] = {
    "reaching": REACHING_PROTOCOLS,
    "pushing": BLOCK_PROTOCOLS,
    "picking": BLOCK_PROTOCOLS,
    "pick_and_place": PICK_AND_PLACE_PROTOCOLS,
    "stacking2": STACKING2_PROTOCOLS,
    "towers": TOWERS_PROTOCOLS,
    "general": GENERAL_PROTOCOLS,
    "stacked_blocks": STACKED_PROTOCOLS,
    "creative_stacked_blocks": STACKED_PROTOCOLS,
}
"""Every task family's protocols, in order (no_reward has none: it has no goal to score)."""


def get_protocols(task: str, names: Sequence[str] | None = None) -> tuple[Protocol, ...]:
    """The protocols of ``task``, all or those named (in the order given).

    Raises:
        ValueError: unknown task, a task without protocols, an unknown or repeated protocol name.
    """
    if task not in PROTOCOLS:
        if task in TASKS:
            raise ValueError(f"task {task!r} has no evaluation protocols; tasks with protocols: {sorted(PROTOCOLS)}")
        raise ValueError(f"unknown task {task!r}; tasks with protocols: {sorted(PROTOCOLS)}")
    table = {p.name: p for p in PROTOCOLS[task]}
    if names is None:
        return PROTOCOLS[task]
    if isinstance(names, str):
        raise TypeError(f"protocol names must be a sequence of names, got the string {names!r}")
    if not names:
        raise ValueError("name at least one protocol")
    if len(set(names)) != len(names):
        raise ValueError(f"protocol names repeat: {list(names)}")
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown protocol(s) {unknown} for task {task!r}; available: {list(table)}")
    return tuple(table[n] for n in names)


__all__ = ["PROTOCOLS", "Protocol", "get_protocols"]

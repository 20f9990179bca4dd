"""Fill the structured observation from the scene: robot part, object slots, empty slots.

Static values (types, sizes, poses of goals and fixed blocks) are rewritten only when the stage
reports a change; per step only the robot and the movable blocks are written. Which object fills
which slot is the task's choice (:meth:`causalworld.tasks.base.Task.slot_objects`): families whose
structure can change fill their fixed slots with the current objects in the original's order. A
slot whose object is absent is all zeros with type 0, in raw and in normalized observations alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from causalworld.env.observations import ObservationLayout
from causalworld.sim.objects import Block
from causalworld.sim.stage import Stage
from causalworld.tasks.base import SceneState
from causalworld.tasks.slots import POINT, RIGID, Slot


class ObservationWriter:
    """Writes observations of one env into a preallocated float64 buffer."""

    def __init__(self, layout: ObservationLayout, slots: Sequence[Slot], stage: Stage, normalize: bool,
                 slot_objects: Callable[[], Sequence[str | None]]):
        self.layout = layout
        self.slots = list(slots)
        self.stage = stage
        self.normalize = normalize
        self.slot_objects = slot_objects
        self.raw = np.zeros(layout.size, dtype=np.float64)
        self.rigid: list[tuple[Block, int]] = []
        self._empty = np.zeros(layout.size, dtype=bool)
        self._empty_index = np.zeros(0, dtype=np.intp)
        self._version = -1
        self._slot_ranges = [self._slot_range(slot) for slot in self.slots]

    def _slot_range(self, slot: Slot) -> slice:
        prefix = f"{slot.name}_"
        ranges = [s for name, s in self.layout.slices.items() if name.startswith(prefix)]
        return slice(min(s.start for s in ranges), max(s.stop for s in ranges))

    def refresh_static(self) -> None:
        """Rewrite types, sizes and static poses; find the present movable blocks."""
        self._version = self.stage.version
        raw, index = self.raw, self.layout.index
        self._empty[:] = False
        self.rigid = []
        for slot, span, name in zip(self.slots, self._slot_ranges, self.slot_objects()):
            obj = None if name is None else self.stage.objects.get(name)
            if obj is None:
                raw[span] = 0.0
                self._empty[span] = True
                continue
            prefix = slot.name
            if slot.kind == POINT:
                raw[index(f"{prefix}_cartesian_position")] = obj.position
                continue
            raw[index(f"{prefix}_type")] = obj.type_id
            raw[index(f"{prefix}_size")] = obj.size
            if slot.kind == RIGID:
                self.rigid.append((obj, index(f"{prefix}_cartesian_position").start))
            else:
                raw[index(f"{prefix}_cartesian_position")] = obj.position
                raw[index(f"{prefix}_orientation")] = obj.orientation
        self._empty_index = np.flatnonzero(self._empty)

    def ensure_current(self) -> None:
        """Refresh static values if the stage changed since the last refresh."""
        if self.stage.version != self._version:
            self.refresh_static()

    def write(self, state: SceneState, time_left: float) -> np.ndarray:
        """A new float32 observation for ``state``; ``time_left`` in seconds."""
        self.ensure_current()
        raw = self.raw
        raw[0] = time_left
        raw[1:10] = state.joint_positions
        raw[10:19] = state.joint_velocities
        raw[19:28] = state.tip_positions
        for block, start in self.rigid:
            b = state.blocks[block.name]
            raw[start : start + 13] = (*b.position, *b.orientation, *b.linear_velocity, *b.angular_velocity)
        observation = self.layout.finish(raw, self.normalize)
        if self._empty_index.size:
            observation[self._empty_index] = 0.0
        return observation

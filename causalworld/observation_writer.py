"""Fill the structured observation from the scene: robot part, object slots, empty slots.

Static values (types, sizes, poses of goals and fixed blocks) are rewritten only when the stage
reports a change; per step only the robot and the movable blocks are written. A slot whose object
is absent (a task variable can change how many blocks there are) is all zeros with type 0, in raw
and in normalized observations alike.
"""

from __future__ import annotations

import numpy as np

from causalworld.observations import POINT, RIGID, ObservationLayout
from causalworld.sim.objects import Block
from causalworld.sim.stage import Stage
from causalworld.tasks.base import SceneState


class ObservationWriter:
    """Writes observations of one env into a preallocated float64 buffer."""

    def __init__(self, layout: ObservationLayout, slots: list[tuple[str, str]], stage: Stage, normalize: bool):
        self.layout = layout
        self.slots = slots
        self.stage = stage
        self.normalize = normalize
        self.raw = np.zeros(layout.size, dtype=np.float64)
        self.rigid: list[tuple[Block, int]] = []
        self._empty = np.zeros(layout.size, dtype=bool)
        self._version = -1

    def refresh_static(self) -> None:
        """Rewrite types, sizes and static poses; find the present movable blocks."""
        self._version = self.stage.version
        raw, index = self.raw, self.layout.index
        self._empty[:] = False
        self.rigid = []
        for name, kind in self.slots:
            obj = self.stage.objects.get(name)
            if obj is None:
                for field in self._slot_fields(name, kind):
                    raw[field] = 0.0
                    self._empty[field] = True
                continue
            if kind == POINT:
                raw[index(f"{name}_cartesian_position")] = obj.position
                continue
            raw[index(f"{name}_type")] = obj.type_id
            raw[index(f"{name}_size")] = obj.size
            if kind == RIGID:
                self.rigid.append((obj, index(f"{name}_cartesian_position").start))
            else:
                raw[index(f"{name}_cartesian_position")] = obj.position
                raw[index(f"{name}_orientation")] = obj.orientation

    def _slot_fields(self, name: str, kind: str) -> list[slice]:
        prefix = f"{name}_"
        return [s for field, s in self.layout.slices.items() if field.startswith(prefix)]

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
        if self.normalize and self._empty.any():
            observation[self._empty] = 0.0
        return observation

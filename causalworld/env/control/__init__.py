"""Action modes: what an action means and how it reaches the robot (:mod:`~causalworld.env.control.modes`)."""

from causalworld.env.control.modes import (
    ACTION_BOUNDS,
    CONTROLLERS,
    END_EFFECTOR_POSITIONS,
    JOINT_POSITIONS,
    JOINT_TORQUES,
    ActionError,
    ActionMode,
    Controller,
)

__all__ = [
    "ACTION_BOUNDS", "CONTROLLERS", "END_EFFECTOR_POSITIONS", "JOINT_POSITIONS", "JOINT_TORQUES", "ActionError",
    "ActionMode", "Controller",
]

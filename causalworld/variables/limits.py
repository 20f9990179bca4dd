"""Ranges of measured quantities, the original benchmark's observation bounds.

They bound positions and velocities wherever a variable, a task argument or an observation needs a
range: positions in metres (z from the floor top), linear velocities m/s, angular velocities rad/s.
"""

from __future__ import annotations

import math

POSITION_BOUNDS = ((-0.5, -0.5, 0.0), (0.5, 0.5, 0.5))
"""Bounds of any position (m, z from the floor top)."""
LINEAR_VELOCITY_BOUNDS = (-0.5, 0.5)
ANGULAR_VELOCITY_BOUNDS = (-math.pi, math.pi)

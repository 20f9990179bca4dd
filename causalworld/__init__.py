"""causalworld: the CausalWorld robotic-manipulation benchmark on Gymnasium and PyBullet.

``import causalworld`` registers the Gymnasium IDs listed in
:data:`causalworld.registration.ENV_IDS` (``gymnasium.make("CausalWorld-Pushing")``).
"""

from causalworld.env import CausalWorldEnv, WorldFileError, load_world
from causalworld.registration import ENV_IDS, register_envs
from causalworld.tasks import TASKS
from causalworld.variables import CausalVariable, InterventionError, InterventionResult, VariableSpace

__version__ = "0.1.0"

register_envs()

__all__ = [
    "ENV_IDS",
    "TASKS",
    "CausalVariable",
    "CausalWorldEnv",
    "InterventionError",
    "InterventionResult",
    "VariableSpace",
    "WorldFileError",
    "__version__",
    "load_world",
]

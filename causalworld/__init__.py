"""causalworld: the CausalWorld robotic-manipulation benchmark on Gymnasium and PyBullet.

``import causalworld`` registers the Gymnasium IDs listed in
:data:`causalworld.registration.ENV_IDS` (``gymnasium.make("CausalWorld-Pushing")``).
"""

from causalworld.env import CausalWorldEnv
from causalworld.interventions import InterventionError, InterventionResult
from causalworld.registration import ENV_IDS, register_envs
from causalworld.tasks import TASKS, VariableSpace
from causalworld.variables import CausalVariable
from causalworld.world_io import WorldFileError, load_world

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

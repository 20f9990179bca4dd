"""causalworld: the CausalWorld robotic-manipulation benchmark on Gymnasium and PyBullet.

``import causalworld`` registers the Gymnasium IDs listed in
:data:`causalworld.registration.ENV_IDS` (``gymnasium.make("CausalWorld-Pushing")``).
"""

from causalworld.env import CausalWorldEnv
from causalworld.registration import ENV_IDS, register_envs
from causalworld.tasks import TASKS, VariableSpace

__version__ = "0.1.0"

register_envs()

__all__ = ["ENV_IDS", "TASKS", "CausalWorldEnv", "VariableSpace", "__version__"]

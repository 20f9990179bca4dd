"""The benchmark as data: the evaluation protocols P0-P11 and how their variables are drawn.

:mod:`~causalworld.benchmark.protocols` holds the tables, :mod:`~causalworld.benchmark.sampling` the draws.

Both :mod:`causalworld.wrappers` (the protocol wrapper) and :mod:`causalworld.evaluation` (the pipeline)
use them; this layer sits on :mod:`causalworld.tasks` and :mod:`causalworld.variables`.
"""

from causalworld.benchmark.protocols import PROTOCOLS, Protocol, get_protocols

__all__ = ["PROTOCOLS", "Protocol", "get_protocols"]

"""Files: atomic writers (a file appears whole or not at all) and JSON conversion of NumPy values.

The lowest layer with :mod:`causalworld.spatial`: it imports nothing else from causalworld.
"""

from causalworld.files.atomic import write_bytes_atomically, write_npz_atomically, write_text_atomically
from causalworld.files.jsonable import jsonable

__all__ = ["jsonable", "write_bytes_atomically", "write_npz_atomically", "write_text_atomically"]

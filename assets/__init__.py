"""Robot and arena descriptions (URDF) shipped with causalworld.

The files are generated from :mod:`causalworld.sim.geometry` by ``python -m causalworld.assets.generate``.
"""

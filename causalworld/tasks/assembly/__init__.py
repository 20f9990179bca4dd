"""Assembly families: towers of blocks, general shapes, and the no-reward scene."""

"""causalworld.wrappers."""

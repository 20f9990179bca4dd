"""causalworld.baselines."""

"""causalworld.evaluation."""

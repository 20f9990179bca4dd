"""Single-block families: pushing, picking, pick and place, stacking two blocks."""

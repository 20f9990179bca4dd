"""Wall families: stacked blocks and creative stacked blocks (walls of blocks with a goal silhouette)."""

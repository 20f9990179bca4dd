"""PyBullet layer: world, robot, stage, objects, cameras. Knows nothing of tasks or Gymnasium."""

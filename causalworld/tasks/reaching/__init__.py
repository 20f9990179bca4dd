"""Reaching: the fingertips to three goal points."""

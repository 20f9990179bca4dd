"""Experiments built from the layers below.

:mod:`~causalworld.experiments.grid`: the paper's grid of trainings and evaluations.
"""

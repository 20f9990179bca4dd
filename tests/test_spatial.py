"""causalworld.spatial against known values and against PyBullet's own conversions."""

from __future__ import annotations

import math

import numpy as np
import pybullet
import pytest

from causalworld import spatial as sp

RNG = np.random.default_rng(0)
ROTATION_VECTORS = [RNG.uniform(-1.8, 1.8, 3) for _ in range(50)] + [np.array([0.0, 0.0, math.pi - 1e-9])]


def _same_rotation(q_a, q_b, tol=1e-12):
    return sp.orientation_error(q_a, q_b) < tol or abs(abs(np.dot(q_a, q_b)) - 1.0) < tol


def test_known_values():
    s = math.sqrt(0.5)
    assert sp.yaw_quaternion(math.pi / 2) == pytest.approx((0.0, 0.0, s, s))
    assert sp.rotation_vector_to_quaternion((0.0, 0.0, math.pi / 2)) == pytest.approx((0.0, 0.0, s, s))
    assert sp.rotation_vector_to_quaternion((math.pi, 0.0, 0.0)) == pytest.approx((1.0, 0.0, 0.0, 0.0), abs=1e-15)
    assert sp.rotation_vector_to_quaternion((0.0, 0.0, 0.0)) == sp.IDENTITY
    assert sp.quaternion_to_rotation_vector((0.0, 0.0, s, s)) == pytest.approx((0.0, 0.0, math.pi / 2))
    assert sp.quaternion_to_rotation_vector((0.0, 0.0, -s, -s)) == pytest.approx((0.0, 0.0, math.pi / 2))
    assert sp.rotate(sp.yaw_quaternion(math.pi / 2), (1.0, 0.0, 0.0)) == pytest.approx((0.0, 1.0, 0.0), abs=1e-15)
    assert sp.orientation_error(sp.yaw_quaternion(0.1), sp.yaw_quaternion(0.7)) == pytest.approx(0.6)
    assert sp.orientation_error(sp.IDENTITY, (0.0, 0.0, 0.0, -1.0)) == 0.0  # q and -q: the same rotation
    assert sp.cylindrical_to_cartesian(0.1, math.pi / 2, 0.03) == pytest.approx((0.0, 0.1, 0.03), abs=1e-17)
    assert sp.cartesian_to_cylindrical(-0.1, 0.0, 0.03) == pytest.approx((0.1, math.pi, 0.03))
    assert sp.cartesian_to_cylindrical(0.0, -0.2, 0.0) == pytest.approx((0.2, -math.pi / 2, 0.0))
    assert sp.to_world((0.0, 0.0, 0.0325)) == pytest.approx((0.0, 0.0, 0.0435))
    assert sp.from_world(sp.to_world((0.1, -0.2, 0.05))) == pytest.approx((0.1, -0.2, 0.05), abs=1e-17)
    assert sp.wrap_angle(3 * math.pi / 2) == pytest.approx(-math.pi / 2)
    assert sp.wrap_angle(math.pi) == pytest.approx(-math.pi)
    assert sp.quaternion_multiply(sp.yaw_quaternion(0.2), sp.yaw_quaternion(0.3)) == pytest.approx(
        sp.yaw_quaternion(0.5))
    assert sp.quaternion_multiply(sp.yaw_quaternion(0.4), sp.quaternion_conjugate(sp.yaw_quaternion(0.4))) == (
        pytest.approx(sp.IDENTITY))


@pytest.mark.parametrize("rotvec", ROTATION_VECTORS)
def test_round_trips_and_pybullet_agree(rotvec):
    q = sp.rotation_vector_to_quaternion(rotvec)
    assert np.linalg.norm(q) == pytest.approx(1.0)
    np.testing.assert_allclose(sp.quaternion_to_rotation_vector(q), rotvec, atol=1e-9)
    np.testing.assert_allclose(sp.quaternion_matrix(q), np.reshape(pybullet.getMatrixFromQuaternion(q), (3, 3)),
                               atol=1e-12)
    euler = sp.quaternion_to_euler(q)
    np.testing.assert_allclose(euler, pybullet.getEulerFromQuaternion(q), atol=1e-9)
    assert _same_rotation(sp.euler_to_quaternion(euler), q)
    assert _same_rotation(sp.euler_to_quaternion(euler), pybullet.getQuaternionFromEuler(euler), tol=1e-6)
    other = sp.rotation_vector_to_quaternion(rotvec[::-1])
    _, product = pybullet.multiplyTransforms((0, 0, 0), q, (0, 0, 0), other)
    assert _same_rotation(sp.quaternion_multiply(q, other), product, tol=1e-6)  # PyBullet computes this in float
    vector = RNG.normal(size=3)
    np.testing.assert_allclose(sp.rotate(q, vector), sp.quaternion_matrix(q) @ vector, atol=1e-15)


def test_cylindrical_round_trip():
    for _ in range(100):
        r, phi, z = RNG.uniform(0, 0.2), RNG.uniform(-math.pi, math.pi), RNG.uniform(0, 0.3)
        back = sp.cartesian_to_cylindrical(*sp.cylindrical_to_cartesian(r, phi, z))
        assert back == pytest.approx((r, phi, z), abs=1e-12)


def test_random_quaternions_are_uniform_unit_rotations():
    rng = np.random.default_rng(1)
    quaternions = np.array([sp.random_quaternion(rng) for _ in range(4000)])
    np.testing.assert_allclose(np.linalg.norm(quaternions, axis=1), 1.0)
    assert np.all(quaternions[:, 3] >= 0)
    z_axes = np.array([sp.quaternion_matrix(q)[:, 2] for q in quaternions])
    assert np.abs(z_axes.mean(axis=0)).max() < 0.05  # a uniform rotation sends z anywhere on the sphere


def test_the_package_has_one_implementation():
    """Every module that converts rotations or coordinates uses these functions, not its own."""
    from causalworld.baselines import scripted_common
    from causalworld.env import interventions
    from causalworld.tasks import base, sampling
    from causalworld.tasks.blocks import stacking2
    from causalworld.tasks.structures import general_goals as structures_general
    from causalworld.variables import catalog as variable_catalog
    from causalworld.wrappers import object_selector

    assert base.rotation_vector_quaternion is sp.rotation_vector_to_quaternion
    assert base.quaternion_matrix is sp.quaternion_matrix and base.yaw_quaternion is sp.yaw_quaternion
    assert base.orientation_error is sp.orientation_error
    assert sampling.cylindrical_to_cartesian is sp.cylindrical_to_cartesian
    assert sampling.cartesian_to_cylindrical is sp.cartesian_to_cylindrical
    assert variable_catalog.quaternion_to_rotation_vector is sp.quaternion_to_rotation_vector
    assert variable_catalog.rotation_vector_to_quaternion is sp.rotation_vector_to_quaternion
    assert interventions.rotation_vector_to_quaternion is sp.rotation_vector_to_quaternion
    assert stacking2.quaternion_rotation_vector is sp.quaternion_to_rotation_vector
    assert structures_general.random_quaternion is sp.random_quaternion
    assert scripted_common.wrap_angle is sp.wrap_angle
    assert object_selector.quaternion_multiply is sp.quaternion_multiply

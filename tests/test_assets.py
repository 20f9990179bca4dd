from importlib import resources

from causalworld.assets import generate


def test_committed_descriptions_match_the_geometry_module():
    for name, build in generate.DESCRIPTIONS.items():
        shipped = resources.files("causalworld.assets").joinpath(name).read_text()
        assert shipped == build(), f"{name} is stale: run python -m causalworld.assets.generate"


def test_robot_description_has_nine_revolute_joints_and_capsule_fingertips():
    text = generate.trifinger_urdf()
    assert text.count('type="revolute"') == 9
    assert text.count("<capsule") == 6  # visual and collision of three lower links
    assert "<mesh" not in text

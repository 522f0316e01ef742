"""main.py run as a user runs it: a subprocess on real image files."""
import json
import os

import cv2
import numpy as np

from conftest import ROOT, run

SAMPLES = os.path.join(ROOT, "samples")


def digit_of(name):
    return 8 if name.startswith("eight") else int(name[0])


def test_default_sample_from_any_folder(model_path, tmp_path):
    result = run("main.py", "--model", model_path, "--no-plot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("The number is probably a 8 (")
    assert result.stdout.rstrip().endswith("% sure)")
    assert result.stderr == ""


def test_every_sample_is_recognised(model_path):
    result = run("main.py", SAMPLES, "--model", model_path, "--no-plot")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    for line in lines:
        path, answer = line.split(": ")
        assert answer.startswith(f"The number is probably a {digit_of(os.path.basename(path))} ")


def test_json_lines_and_bad_images(model_path, tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("this is not a picture\n")
    missing = tmp_path / "missing.png"
    folder = tmp_path / "folder.png"
    folder.mkdir()
    (folder / "readme.txt").write_text("no images here")
    sample = os.path.join(SAMPLES, "3.png")
    args = [sample, empty, text, missing, "--json", "--model", model_path]

    result = run("main.py", *args)
    assert result.returncode == 1  # some images could not be read
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["image"] for o in objects] == [str(a) for a in args[:4]]
    first = objects[0]
    assert first["digit"] == 3 and 0.5 < first["confidence"] <= 1
    assert len(first["probabilities"]) == 10
    assert abs(sum(first["probabilities"]) - 1) < 0.01
    assert first["confidence"] == max(first["probabilities"])
    for o in objects[1:]:
        assert set(o) == {"image", "error"} and "\n" not in o["error"]
    assert "Traceback" not in result.stderr

    result = run("main.py", folder, "--model", model_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"main.py: error: {folder}: no images in this folder"


def test_bad_images_are_one_line_each_and_the_rest_still_answered(model_path, tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    result = run("main.py", empty, tmp_path, os.path.join(SAMPLES, "7.png"),
                 tmp_path / "nope.jpg", "--model", model_path, "--no-plot")
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert errors == [f"{empty}: cannot read image: empty file",
                      f"{empty}: cannot read image: empty file",  # the folder holds empty.png
                      f"{tmp_path / 'nope.jpg'}: cannot read image: no such file"]
    seven = os.path.join(SAMPLES, "7.png")
    assert result.stdout.startswith(f"{seven}: The number is probably a 7 (")


def test_missing_model_says_how_to_make_one(tmp_path):
    result = run("main.py", "--model", tmp_path / "none.keras", "--no-plot")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"main.py: error: no model at {tmp_path / 'none.keras'}: "
                                     "run `python build_model.py` first")


def test_without_a_display_the_figure_is_saved(model_path, tmp_path):
    image = tmp_path / "four.png"
    image.write_bytes(open(os.path.join(SAMPLES, "4.png"), "rb").read())
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    result = run("main.py", image, "--model", model_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    figure = tmp_path / "four.prediction.png"
    assert f"saved the figure to {figure}" in result.stderr
    picture = cv2.imread(str(figure))
    assert picture is not None and picture.shape[1] > 600
    assert np.std(picture) > 10  # something was drawn

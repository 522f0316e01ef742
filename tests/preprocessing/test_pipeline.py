"""preprocessing.pipeline: mnist() and to_input() from end to end. Pictures
with no digit say so; the bench's pictures all come out in the MNIST form.
"""
import cv2
import numpy as np
import pytest

import preprocessing
from bench import pictures
from helpers import assert_mnist_form, on_paper, write
from preprocessing import NoDigitFound


# Images with no digit ----------------------------------------------------------------

@pytest.mark.parametrize("value", [255, 0], ids=["all-white", "all-black"])
def test_plain_colour_has_no_digit(tmp_path, value):
    path = write(tmp_path / "plain.png", np.full((200, 300), value, np.uint8))
    img = preprocessing.read_image(path)
    with pytest.raises(NoDigitFound, match="no digit found"):
        preprocessing.mnist(img)
    assert preprocessing.tutorial(img).shape == (28, 28)  # the tutorial still guesses


def test_one_pixel_image(tmp_path):
    img = preprocessing.read_image(write(tmp_path / "dot.png", np.zeros((1, 1), np.uint8)))
    assert img.shape == (1, 1)
    with pytest.raises(NoDigitFound):
        preprocessing.mnist(img)


def test_tiny_image_with_contrast(tmp_path):
    path = write(tmp_path / "tiny.png", np.array([[0, 255], [255, 255]], np.uint8))
    img = preprocessing.read_image(path)
    with pytest.raises(NoDigitFound, match="too small"):
        preprocessing.mnist(img)


def test_fully_transparent_png(tmp_path):
    path = write(tmp_path / "clear.png", np.zeros((120, 120, 4), np.uint8))
    with pytest.raises(NoDigitFound, match="no digit found"):
        preprocessing.mnist(preprocessing.read_image(path))


def test_photo_of_blank_paper(tmp_path):
    """Uneven light, paper grain, noise and JPEG, but no ink."""
    rng = np.random.default_rng(1)
    ys, xs = np.mgrid[0:480, 0:640] / 640
    light = 1 - 0.35 * xs - 0.2 * ys
    grain = cv2.resize(rng.normal(0, 5, (60, 80)), (640, 480), interpolation=cv2.INTER_CUBIC)
    img = np.clip(225 * light + grain + rng.normal(0, 4, light.shape), 0, 255).astype(np.uint8)
    path = write(tmp_path / "blank.jpg", img, ".jpg")
    with pytest.raises(NoDigitFound):
        preprocessing.mnist(preprocessing.read_image(path))


# The two methods -----------------------------------------------------------------

def test_to_input_dispatches(digits):
    img = on_paper(digits[0][0])
    assert np.array_equal(preprocessing.to_input(img), preprocessing.mnist(img))
    assert set(preprocessing.METHODS) == {"mnist", "tutorial"}
    with pytest.raises(ValueError, match="unknown preprocessing method"):
        preprocessing.to_input(img, "magic")


def test_realworld_benchmark_pictures(digits):
    """A few pictures from bench.pictures, one of each kind, in the MNIST form."""
    x, y = digits
    images = pictures.make_images(x, y, 1, seed=5)
    assert [kind for kind, _, _ in images] == list(pictures.KINDS)
    for _, data, _ in images:
        assert_mnist_form(preprocessing.mnist(preprocessing.decode_image(data)))


"""preprocessing.pipeline: mnist() and to_input() from end to end. Pictures
with no digit say so; the bench's pictures all come out in the MNIST form;
and with steps=True the picture after each stage comes back, named as in
the README, the last of them exactly what mnist() gives.
"""
import cv2
import numpy as np
import pytest

import preprocessing
from bench import numbers, pictures
from helpers import assert_mnist_form, blurred_correlation, on_paper, write
from preprocessing import NoDigitFound, pipeline

STAGES = ["as read", "ground evened out", "ink", "lines removed", "digit cut out", "20x20 box",
          "28x28 input"]


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


# The picture after each stage ----------------------------------------------------------

def test_steps_name_each_stage_in_order_and_end_in_mnists_input(mnist_test):
    """One photo of each kind from bench.pictures: seven pictures, named and
    ordered as the README tells the stages, the last exactly mnist()'s."""
    x, y = mnist_test
    for kind, data, _ in pictures.make_images(x, y, 1, seed=6):
        img = preprocessing.decode_image(data)
        steps = preprocessing.to_input(img, steps=True)
        assert isinstance(steps, preprocessing.Steps)
        assert list(steps.images) == STAGES, kind
        assert np.array_equal(steps.input, preprocessing.mnist(img)), kind
        assert steps.input is steps.images["28x28 input"]
        assert np.array_equal(steps.images["as read"], img), kind
        for name, picture in steps.images.items():
            assert picture.ndim == 2 and picture.size > 0, (kind, name)
        assert max(steps.images["20x20 box"].shape) == 20, kind


def test_steps_of_mnist_and_of_to_input_agree(digits):
    img = on_paper(digits[0][1], 300)
    by_mnist = preprocessing.mnist(img, steps=True)
    by_to_input = preprocessing.to_input(img, "mnist", steps=True)
    assert list(by_mnist.images) == list(by_to_input.images) == STAGES
    for name in STAGES:
        assert np.array_equal(by_mnist.images[name], by_to_input.images[name]), name


def test_the_tutorials_steps_are_as_read_and_its_input(digits):
    img = on_paper(digits[0][0], 200)
    steps = preprocessing.to_input(img, "tutorial", steps=True)
    assert list(steps.images) == ["as read", "28x28 input"]
    assert np.array_equal(steps.input, preprocessing.tutorial(img))


@pytest.mark.parametrize("picture, stages", [
    (np.full((200, 300), 230, np.uint8), STAGES[:1]),  # blank: stops on reading
    (cv2.line(np.full((200, 300), 230, np.uint8), (80, 100), (220, 106), 40, 6), STAGES[:5]),
], ids=["blank", "a-dash"])
def test_no_digit_found_carries_the_steps_so_far(picture, stages):
    """A learner can see how far their picture got: a blank one no further
    than reading, a dash as far as the cut-out that lies flat."""
    with pytest.raises(NoDigitFound) as error:
        preprocessing.to_input(picture, steps=True)
    steps = error.value.steps
    assert isinstance(steps, preprocessing.Steps)
    assert list(steps.images) == stages
    assert np.array_equal(steps.images["as read"], picture)


# The working copy: coarse first, finer when the pen needs it ---------------------------

def big_photos(mnist_test, kind, count=6):
    """Bench photos of `kind`, twice as big each way (0.8 megapixels, as a
    phone photo cropped to the digit), decoded; and their labels."""
    x, y = mnist_test
    rng = np.random.default_rng(0)
    made = pictures.make_images(x, y, count, seed=7, kinds=(kind,))
    return [(preprocessing.decode_image(pictures.enlarged(kind, data, 2, rng)), label)
            for kind, data, label in made]


def test_a_bold_pen_on_a_big_photo_is_read_in_the_coarse_copy(model, mnist_test):
    """The search runs in a copy of 512 pixels, a quarter of the work, and
    the input it gives is the finer search's, near enough to read the same."""
    for img, label in big_photos(mnist_test, "thick"):
        found = pipeline._find(img, {})
        assert found.coarse and max(found.search.mask.shape) <= pipeline.COARSE_SIZE
        coarse = pipeline._form(found, {})
        fine = pipeline._form(pipeline._find(img, {}, coarse=False), {})
        assert blurred_correlation(coarse, fine) > 0.9
        assert model.predict(np.stack([coarse, fine]), verbose=0).argmax(axis=1).tolist() == [label] * 2


def test_a_thin_pen_or_a_small_digit_is_looked_for_in_the_finer_copy(mnist_test):
    for img, _ in big_photos(mnist_test, "small"):
        found = pipeline._find(img, {})
        assert not found.coarse and max(found.search.mask.shape) > pipeline.COARSE_SIZE


def test_the_coarse_copy_is_never_smaller_than_the_least_working_copy(mnist_test):
    """A picture under 512 pixels would be halved to under 256, where the
    filters have too little room: it is looked at in the finer copy only."""
    for img, _ in big_photos(mnist_test, "thick", count=3):
        small = cv2.resize(img, (331, 385), interpolation=cv2.INTER_AREA)
        found = pipeline._find(small, {})
        assert not found.coarse and max(found.search.mask.shape) >= preprocessing.MIN_WORK_SIZE


def test_a_number_is_cut_into_digits_in_the_finer_copy(mnist_test):
    """Where the cuts fall between touching digits matters to a pixel: a
    number found in the coarse copy is read again in the finer one, and
    reads exactly as if the coarse copy had never been looked at."""
    x, y = mnist_test
    looked_at = 0
    for _, data, _ in numbers.make_numbers(x, y, 10, seed=5, kinds=("touching",)):
        img = preprocessing.decode_image(data)
        if not pipeline._find(img, {}).coarse:
            continue  # a pen too thin for the coarse copy
        looked_at += 1
        writing = preprocessing.read_number(img)
        fine = pipeline._read_number(img, {}, coarse=False)
        assert len(writing.candidates) == len(fine.candidates) > 1
        for ours, theirs in zip(writing.candidates, fine.candidates):
            assert ours.box == theirs.box and np.array_equal(ours.x, theirs.x)
    assert looked_at >= 3


def test_a_hard_shadow_across_a_big_photo_is_read_in_the_finer_copy(digits):
    """A hard shadow's edge joined to the digit spans the picture: the coarse
    copy's band of false ink is too thick, so the finer copy reads it."""
    ys, xs = np.mgrid[0:960, 0:1280]
    page = np.full((960, 1280), 220, np.float32)
    ink = cv2.resize(digits[0][6], (360, 360), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    page[300:660, 460:820] -= 190 * ink
    shade = 1 - 0.5 * cv2.GaussianBlur(((xs - 640) * 0.45 + (ys - 480) - 100 > 0).astype(np.float32),
                                       (0, 0), 3)
    found = pipeline._find(np.clip(page * shade, 0, 255).astype(np.uint8), {})
    assert not found.coarse

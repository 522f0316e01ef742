"""preprocessing.form: MNIST's form, as the network saw it in training:
28x28, ink on black, the digit in a 20x20 box, its centre of mass in the
middle, half its slant taken away; and the tutorial's own steps, unchanged.
"""
import cv2
import numpy as np
import pytest

import preprocessing
from helpers import (assert_mnist_form, centre_of_mass, correlation, half_upright, longest_side,
                     on_paper, slant)


def test_mnist_form(digits):
    for digit in digits[0][:10]:
        assert_mnist_form(preprocessing.mnist(on_paper(digit)))


def test_mass_is_centred_to_a_fraction_of_a_pixel(digits):
    """MNIST moved digits by whole pixels, leaving centres up to half a pixel
    off; ours are within an eighth of a pixel, which the network reads best."""
    for d in digits[0]:
        x = preprocessing.mnist(255 - d)
        cy, cx = centre_of_mass(x)
        assert abs(cy - 14) <= 0.15 and abs(cx - 14) <= 0.15
        assert longest_side(x, level=0.5) <= 20


def test_half_the_slant_is_taken_away(digits):
    """A leaning digit comes out leaning half as far; an upright one stays
    upright."""
    leaning = 0
    for d in digits[0]:
        before, after = slant(d), slant(preprocessing.mnist(255 - d))
        assert after == pytest.approx(before / 2, abs=0.03)
        leaning += abs(before) > 0.25
    assert leaning >= 5  # the test digits lean both ways


def test_a_steep_slant_is_sheared_at_most_27_degrees():
    """Ink leaning further over than 45 degrees (no digit, or a 1 written in
    a hurry) is sheared by MAX_SHEAR, not by half its slant."""
    ink = np.zeros((120, 220), np.float32)
    cv2.line(ink, (20, 110), (200, 10), 1.0, 9)  # 180 across for 100 down
    before, after = slant(ink), slant(preprocessing.straighten(ink))
    assert before == pytest.approx(-1.8, abs=0.05)
    assert after == pytest.approx(before + preprocessing.MAX_SHEAR, abs=0.01)


def test_off_centre_small_digit_is_centred(digits):
    page = np.full((600, 800), 235, np.uint8)
    page[30:72, 700:742] = cv2.resize(255 - digits[0][6], (42, 42), interpolation=cv2.INTER_AREA)
    x = preprocessing.mnist(page)
    assert_mnist_form(x)
    assert correlation(x, preprocessing.mnist(on_paper(digits[0][6]))) > 0.9


def test_mnist_digits_come_back_nearly_unchanged(digits):
    """An MNIST digit, drawn dark on white as the tutorial expects, comes out
    close to the original, leaning half as far: the same size, place and
    grey levels (the few with hairline strokes come out thicker)."""
    x, _ = digits
    scores = [correlation(preprocessing.mnist(255 - d), half_upright(d / 255)) for d in x]
    assert np.mean(scores) > 0.92 and np.median(scores) > 0.95 and min(scores) > 0.6


def test_enlarged_photo_like_digit_matches_mnist(digits):
    """Enlarged 10x, shaded and noisy, and saved as JPEG: still MNIST's digit."""
    rng = np.random.default_rng(3)
    for d in digits[0][:10]:
        big = cv2.resize(255 - d, (280, 280), interpolation=cv2.INTER_CUBIC).astype(float)
        shade = np.linspace(1.0, 0.7, 280)[None, :]
        photo = np.clip(40 + big * 0.8 * shade + rng.normal(0, 5, big.shape), 0, 255)
        img = preprocessing.decode_image(cv2.imencode(".jpg", photo.astype(np.uint8))[1])
        assert correlation(preprocessing.mnist(img), half_upright(d / 255)) > 0.85


def test_tutorial_steps_unchanged(digits):
    img = on_paper(digits[0][0], 200)
    expected = (np.invert(cv2.resize(img, (28, 28))) / 255).astype(np.float32)
    assert np.array_equal(preprocessing.tutorial(img), expected)
    assert np.array_equal(preprocessing.to_input(img, "tutorial"), expected)

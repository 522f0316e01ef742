"""preprocessing._shared: the measures and sizes the stages share. Its fast
paths give what the plain NumPy and OpenCV calls give.
"""
import cv2
import numpy as np
import pytest

import preprocessing


def test_counted_medians_equal_sorted_ones():
    """noise_level and robust_sigma count whole numbers instead of sorting
    them: the same result, odd and even counts, negative values too."""
    rng = np.random.default_rng(0)
    samples = [np.array([0, 1, 2, 9], np.int16)]  # median 1.5: deviations in halves
    samples += [np.round(rng.normal(rng.normal(0, 50), 8, n)).astype(np.int16)
                for n in (1, 2, 3, 10, 999, 1000, 60_000)]
    samples += [rng.integers(-5, 5, n).astype(np.int16) for n in (2, 4, 6, 8, 100)]
    for values in samples:
        expected = 1.4826 * float(np.median(np.abs(values - np.median(values))))
        assert preprocessing.robust_sigma(values) == expected
        counted = preprocessing._shared.median_of_counts(np.abs(values).astype(np.uint16))
        assert counted == float(np.median(np.abs(values)))


def test_noise_level_measures_added_noise():
    rng = np.random.default_rng(1)
    paper = np.full((300, 400), 128.0)
    for sigma in (2, 5, 10):
        noisy = np.clip(paper + rng.normal(0, sigma, paper.shape), 0, 255).astype(np.uint8)
        assert preprocessing.noise_level(noisy) == pytest.approx(sigma, rel=0.15)


def test_lower_quantile_is_numpys():
    rng = np.random.default_rng(2)
    for n in (1, 2, 7, 5000):
        values = rng.normal(size=n).astype(np.float32)
        for q in (0, 0.5, 0.9995, 1):
            assert preprocessing._shared.lower_quantile(values, q) == np.quantile(values, q, method="lower")


@pytest.mark.parametrize("largest", [1024, 384])
@pytest.mark.parametrize("shape", [(3000, 4000), (3024, 4032), (2998, 4002), (2999, 4001), (4000, 6000)])
def test_big_pictures_shrink_as_one_area_resize_would(shape, largest):
    """Halving twice averages the same pixels as shrinking by 4 at once, and
    halving first, then shrinking the rest of the way, nearly the same as
    shrinking by 11 (a 12 MP photo's coarse copy): levels within one of
    OpenCV's own, and the same size and scale."""
    rng = np.random.default_rng(3)
    img = cv2.GaussianBlur(rng.integers(0, 256, shape).astype(np.uint8), (0, 0), 2)
    small, scale = preprocessing.resize_longest(img, 256, largest)
    factor = int(np.ceil(max(shape) / largest))
    size = (round(shape[1] / factor), round(shape[0] / factor))
    direct = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    assert scale == 1 / factor and small.shape == direct.shape
    assert np.abs(small.astype(int) - direct).max() <= 1


def test_bounding_box_and_stroke_width():
    """bounding_box is (top, bottom, left, right), bottom and right
    exclusive; stroke_width of a bar is its thickness."""
    mask = np.zeros((100, 120), bool)
    mask[20:80, 30:38] = True  # an upright bar 8 pixels wide
    assert tuple(preprocessing._shared.bounding_box(mask)) == (20, 80, 30, 38)
    assert preprocessing.stroke_width(mask) == pytest.approx(8, abs=1)

"""preprocessing.lines: ruled and squared paper's lines erased, the digit's
strokes kept where they cross them; a lone straight line is no ruling.
"""
import cv2
import numpy as np
import pytest

import preprocessing
from bench import pictures
from helpers import (assert_mnist_form, correlation, likeness_to_plain_paper, mnist_or_nothing,
                     working_copy)


@pytest.mark.parametrize("squared", [False, True], ids=["ruled", "squared"])
def test_notebook_lines_are_removed(digits, squared):
    """Pale lines running under the digit, slightly tilted as in a photo,
    do not become part of it."""
    for d in digits[0][:6]:
        page = np.full((400, 500), 235, np.uint8)
        lines = page.copy()
        for y in range(-20, 420, 34):
            cv2.line(lines, (0, y), (500, y + 15), 175, 2)
        if squared:
            for x in range(-20, 520, 34):
                cv2.line(lines, (x, 0), (x - 12, 400), 175, 2)
        ink = cv2.resize(255 - d, (220, 220), interpolation=cv2.INTER_CUBIC)
        for img in (page, lines):
            img[90:310, 140:360] = np.minimum(img[90:310, 140:360], ink)
        clean, ruled = preprocessing.mnist(page), preprocessing.mnist(lines)
        assert_mnist_form(ruled)
        # The same digit, give or take a pixel: hardly any ink off its strokes.
        footprint = cv2.dilate((clean > 0.05).astype(np.uint8), np.ones((5, 5), np.uint8))
        assert ruled[footprint == 0].sum() < 0.05 * ruled.sum()
        assert correlation(ruled, clean) > 0.75


def test_notebook_photos_come_out_like_the_digit_on_plain_paper(mnist_test):
    """40 photos of digits on ruled and squared paper from bench.pictures
    (lines tilted, in shadow, cut in pieces by the digit) give nearly the
    input the same digit gives drawn plainly: the lines are gone and the
    strokes kept."""
    scores = likeness_to_plain_paper(mnist_test, "lined")
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 6


def test_a_blank_notebook_page_mostly_gives_no_digit():
    """Left over from a blank page's ruling, slivers along the lines (a
    fitted line is a pixel off) and lines close to the border (their far
    side is outside the picture) were taken for a digit: 18 of these 40
    pages; then pieces of a line, lying flat, which no digit does: 7 of
    them. Specks where lines cross, and upright pieces of squared paper's
    lines (a 1 stands up), still are."""
    nothing = np.zeros((28, 28), np.uint8)
    claimed = 0
    for i in range(40):
        data = pictures.on_paper(nothing, np.random.default_rng([3, i]), 500, 250, light=0.6,
                                 ruling=("ruled", "squared")[i % 2])
        claimed += mnist_or_nothing(preprocessing.decode_image(data)).any()
    assert claimed <= 6  # 4 of 40


def test_a_straight_line_lying_flat_is_no_digit():
    """A dash is no digit; a 1 slanting as far as MNIST's do still is."""
    img = np.full((200, 300), 230, np.uint8)
    with pytest.raises(preprocessing.NoDigitFound, match="lying flat"):
        preprocessing.mnist(cv2.line(img.copy(), (80, 100), (220, 106), 40, 6))
    slanted = preprocessing.mnist(cv2.line(img.copy(), (120, 160), (180, 40), 40, 6))
    assert slanted.max() == 1.0


@pytest.mark.parametrize("pen,slant", [(3, 0), (6, 8), (4, 20)])
def test_a_1_across_the_whole_picture_is_not_a_ruled_line(pen, slant):
    """A 1 drawn from edge to edge with a fine pen is as straight and thin as
    a ruled line; but a notebook's ruling shows more than one line."""
    img = np.full((280, 280), 255, np.uint8)
    dx = int(140 * np.tan(np.radians(slant)))
    cv2.line(img, (140 + dx, 0), (140 - dx, 279), 0, pen)
    x = preprocessing.mnist(img)
    assert_mnist_form(x)
    rows = np.flatnonzero(x.max(axis=1) > 0.5)
    assert rows[-1] - rows[0] >= 17  # the whole stroke, 20 pixels high
    ruled = np.full((280, 280), 235, np.uint8)
    for y in (60, 140, 220):
        cv2.line(ruled, (0, y), (280, y + 6), 180, 2)
    with pytest.raises(preprocessing.NoDigitFound):
        preprocessing.mnist(ruled)


def test_points_along_a_line_are_every_pixel_it_crosses():
    """_points_along walks only the stretch of the line inside the picture
    (and _beside finds the pixels either side of it there):
    the same points as walking it from one end of the picture's size to the
    other and keeping those inside, for lines through the middle, near the
    border, upright, flat and missing the picture."""
    h, w = 300, 400
    rng = np.random.default_rng(4)
    lines = [((200.0, 150.0), (1.0, 0.0)), ((0.2, 10.0), (0.0, 1.0)), ((399.6, 299.4), (0.6, 0.8)),
             ((-5.0, 150.0), (0.0, -1.0)), ((900.0, 900.0), (0.8, 0.6))]
    for _ in range(200):
        angle = rng.uniform(0, 2 * np.pi)
        lines.append(((rng.uniform(-20, w + 20), rng.uniform(-20, h + 20)),
                      (np.cos(angle), np.sin(angle))))
    for (cx, cy), (vx, vy) in lines:
        t = np.arange(-(h + w), h + w, 1.0)
        xs, ys = cx + t * vx, cy + t * vy
        y, x = np.round(ys).astype(int), np.round(xs).astype(int)
        inside = (y >= 0) & (y < h) & (x >= 0) & (x < w)
        on, chord = preprocessing.lines._points_along((h, w), (cx, cy), (vx, vy))
        side_a, side_b = preprocessing.lines._beside((h, w), chord, (vx, vy), 3)
        np.testing.assert_array_equal(on[0], y[inside])
        np.testing.assert_array_equal(on[1], x[inside])
        assert len(side_a[0]) == len(side_b[0]) == inside.sum()
        for ys, xs in (side_a, side_b):  # a side beyond the border is moved onto it
            assert ((ys >= 0) & (ys < h) & (xs >= 0) & (xs < w)).all()


def ink_for_lines(data):
    """The ink map (and its noise, and `thin`) in which _look_for_digit
    looks for a page's lines, for a picture's file bytes."""
    work = working_copy(preprocessing.decode_image(data))
    page = 255 - work if not preprocessing.ink_is_dark(work) else work
    thin = max(2, round(0.025 * max(page.shape)))
    ink = preprocessing.ink_map(page, preprocessing.paper_under_ink(page, thin))
    return ink, max(preprocessing.robust_sigma(ink), 0.005), thin


def test_the_coarse_first_search_finds_lines_wherever_the_full_one_does(mnist_test):
    """find_lines first searches a copy half as big; a picture where that
    finds nothing is done. It says "lines" on ruled and squared notebook
    pages, "none" on plain paper, on a blank page and on a plain digit,
    and never changes what find_lines finds."""
    x, _ = mnist_test
    nothing = np.zeros((28, 28), np.uint8)
    pages = {"lined": [pictures.lined(x[i], np.random.default_rng([5, i])) for i in range(8)],
             "plain paper": [pictures.pen(x[i], np.random.default_rng([6, i])) for i in range(8)],
             "blank": [pictures.on_paper(nothing, np.random.default_rng([7, i]), 500, 250)
                       for i in range(4)],
             "plain digit": [pictures.encode(".png", cv2.resize(255 - x[i], (300, 300)))
                             for i in range(4)]}
    for kind, made in pages.items():
        for data in made:
            ink, noise, thin = ink_for_lines(data)
            assert preprocessing.lines._blocks(ink.shape, preprocessing.lines.SCREEN) > 1
            first = preprocessing.lines._search(ink, noise, thin, None, preprocessing.lines.SCREEN)
            assert (first is not None) == (kind == "lined"), kind
            screened = preprocessing.find_lines(ink, noise, thin)
            full = preprocessing.find_lines(ink, noise, thin, expected=True)
            assert (screened is None and full is None) or np.array_equal(screened, full), kind


def test_a_familys_lines_fitted_pointing_opposite_ways_are_still_one_family():
    """cv2.fitLine points an upright line up or down at random: the missing
    lines of a squared page are drawn upright whichever way the found ones
    point (their median direction was nearly nothing, and NaN)."""
    from preprocessing.lines import _the_rest
    upright = (np.arange(300)[None, :] % 40 < 2) & np.ones((200, 1), bool)  # every 40 pixels
    ys, xs = (a.astype(np.float32) for a in np.nonzero(upright))
    drawn = np.zeros((200, 300), np.uint8)
    _the_rest(drawn, [(0.0, 1.0, 0.5, 100.0, 3), (0.0, -1.0, 40.5, 100.0, 3)], (ys, xs), (200, 300))
    columns = np.flatnonzero(drawn.any(axis=0))
    assert drawn.any(axis=1).all()  # upright: every row
    assert set(columns // 40) >= set(range(2, 8))  # the lines not found, each drawn
    assert all(c % 40 <= 3 or c % 40 >= 38 for c in columns)  # on the page's lines

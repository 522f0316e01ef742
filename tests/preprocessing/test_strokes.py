"""preprocessing.strokes: the digit's strokes picked out from what else is
on the page (specks, a pen lying beside it, a notebook's margin), and found
when faint; a digit's own straight strokes kept.
"""
import cv2
import numpy as np

import preprocessing
from bench import pictures
from helpers import correlation, ink_rows_and_columns, likeness_scores, on_a_page, on_paper


def test_specks_are_dropped(digits):
    clean = on_paper(digits[0][7], 200)
    specks = clean.copy()
    rng = np.random.default_rng(4)
    for y, x in rng.integers(0, 200, (25, 2)):
        cv2.circle(specks, (int(x), int(y)), 1, 90, -1)
    assert correlation(preprocessing.mnist(specks), preprocessing.mnist(clean)) > 0.95


def test_a_faint_pencil_digit_is_found(digits):
    """A pencil taking an eighth of the paper's light away stands out of
    the paper's grain only 6 to 8 times, as the darkest grain of a blank
    page does; but its edges are sharp, theirs soft. All 40 of these gave
    "no digit found" before."""
    def make(i, digit, rng):
        cover = pictures.place(pictures.strokes(digit, 350, rng, 0.1), 400, 500, 25, 75)
        page = pictures.paper(400, 500, rng)[:, :, 0] * (1 + 0.15 * pictures.smooth_noise(400, 500, rng, 3))
        noise = rng.normal(0, 2, page.shape)

        def photo(fade):  # the pencil takes `fade` of the paper's light away
            img = np.clip(page * (1 - fade * cover) + noise, 0, 255).astype(np.uint8)
            return cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])[1], 0)

        return photo(0.8), photo(0.12)

    scores = [s for s in likeness_scores(digits[0], make, missing=None) if s is not None]
    assert len(scores) >= 32  # found: 35 of 40
    assert np.median(scores) > 0.8  # its grain breaks a faint stroke here and there


# Straight lines beside the digit ----------------------------------------------------

def test_a_pen_lying_beside_the_digit_is_not_part_of_it(digits):
    """A pen on the paper, or a notebook's margin, is a long straight line
    apart from the digit: it outweighed the digit or was joined to it."""
    def make(i, digit, rng):
        page = on_a_page(digit)
        # A fat pen, or a thin margin line, left or right of the digit,
        # from near the top of the picture to near the bottom.
        width, colour = ((16, 30), (3, 150))[i % 2]
        left = (50, 320)[i // 2 % 2]
        img = cv2.line(page.copy(), (left, 30), (left + 15, 270), colour, width)
        return page, cv2.GaussianBlur(img, (0, 0), 0.8)

    scores = likeness_scores(digits[0], make)
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 4


def test_a_pen_reaching_past_one_end_of_the_digit_is_not_part_of_it(digits):
    """A pen is seldom centred on the digit: this one starts level with the
    digit's top, or ends level with its bottom, and lies closer than the
    pen above. It was joined to the digit in 12 of these 40 pictures."""
    def make(i, digit, rng):
        page = on_a_page(digit)
        rows, cols = ink_rows_and_columns(page)
        width, colour = ((16, 30), (3, 150))[i % 2]
        left = (cols[0] - 55 - width, cols[-1] + 40 + width)[i // 2 % 2]
        top, bottom = (rows[0] - 5, 290) if i // 4 % 2 else (10, rows[-1] + 5)
        img = cv2.line(page.copy(), (left, top), (left + 15, bottom), colour, width)
        return page, cv2.GaussianBlur(img, (0, 0), 0.8)

    scores = likeness_scores(digits[0], make)
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 2


def test_a_margin_close_to_the_digit_is_not_part_of_it(digits):
    """A notebook's margin runs from edge to edge, and the digit is often
    written right beside it; a pen may lie as close along the digit. Either
    reaches far past both ends of the digit, which the stem of a 4 written
    in two strokes does not. Closer than a fifth of the digit's size, it
    was kept: 21 of these 40 pictures came out unlike the digit alone. (A
    few pixels away it joins the digit's ink and is kept still: two here.)"""
    def make(i, digit, rng):
        page = on_a_page(digit)
        _, cols = ink_rows_and_columns(page)
        # A thin margin from the top edge to the bottom one, or a fat pen
        # from near the top to near the bottom; 8 to 20 pixels clear of the
        # ink, one end tilted 4 pixels nearer or further.
        (top, bottom), width, colour = (((0, 299), 3, 150), ((40, 260), 14, 30))[i % 2]
        gap = 8 + i % 5 * 3 + width // 2
        left = (int(cols[0]) - gap, int(cols[-1]) + gap)[i // 2 % 2]
        img = cv2.line(page.copy(), (left, top), (left + (i % 3 - 1) * 4, bottom), colour, width)
        return page, cv2.GaussianBlur(img, (0, 0), 0.8)

    scores = likeness_scores(digits[0], make)
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 2


def test_a_4_written_in_two_strokes_keeps_its_stem():
    """The stem of a 4 is a straight line apart from the rest, but close to
    it, where a pen beside the digit lies clear of it."""
    apart = np.full((280, 280), 255, np.uint8)
    cv2.polylines(apart, [np.array([[90, 60], [80, 170], [170, 170]])], False, 0, 10)
    cv2.line(apart, (195, 50), (195, 250), 0, 10)  # 15 pixels clear of the bar
    joined = apart.copy()
    cv2.line(joined, (170, 170), (195, 170), 0, 10)
    assert correlation(preprocessing.mnist(apart), preprocessing.mnist(joined)) > 0.95


def test_find_digit_names_what_it_found(digits):
    """The Search holds the ink map, the same map with ruled lines erased,
    and the digit's strokes: inside the picture, on the ink."""
    page = on_a_page(digits[0][0])
    search = preprocessing.find_digit(page)
    assert search.ink.shape == search.without_lines.shape == search.found.shape == page.shape
    rows, cols = ink_rows_and_columns(page)
    ys, xs = np.nonzero(search.found)
    assert rows[0] - 3 <= ys.min() and ys.max() <= rows[-1] + 3
    assert cols[0] - 3 <= xs.min() and xs.max() <= cols[-1] + 3
    assert search.ink[search.found > 0].mean() > 0.5  # dark strokes on light paper

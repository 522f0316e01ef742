"""preprocessing.crop: the digit cut out of the full-resolution picture,
without a thumb holding the page, its grey levels kept.
"""
import cv2
import numpy as np

import preprocessing
from helpers import ink_rows_and_columns, likeness_scores, on_a_page, on_paper


def blur(a):
    """A soft edge, as in a photo."""
    return cv2.GaussianBlur(a, (0, 0), 2)


def test_a_thumb_at_the_edge_is_not_part_of_the_digit(digits):
    """A thumb holding the page is a filled blot at the picture's border,
    as dark as a pale pen. Near the digit it was taken in with it: 9 of
    these 40 pictures came out unlike the digit alone."""
    def make(i, digit, rng):
        page = on_a_page(digit)
        _, cols = ink_rows_and_columns(page)
        img = page.copy()
        # Left of the digit, right of it, or above or below its middle.
        where = (int(cols[0]) - 20, int(cols[-1]) + 20, 200)[i % 3], (0, 299)[i % 2]
        cv2.ellipse(img, where, (40, 70), (i * 7) % 40 - 20, 0, 360, 130, -1)
        return blur(page), blur(img)

    scores = likeness_scores(digits[0], make)
    assert np.median(scores) > 0.99
    assert sum(s < 0.95 for s in scores) <= 1


def test_a_thumb_touching_the_digit_is_not_part_of_it(digits):
    """A thumb holding the page can reach onto the digit, and is then
    joined to it; but it is far wider than the strokes, paler, and runs off
    the picture. (Before: 34 of these 40 came out unlike the digit alone.)"""
    def make(i, digit, rng):
        page = on_a_page(digit)
        rows, cols = ink_rows_and_columns(page)
        # From the top edge or the bottom one, 8 pixels onto the digit's ink.
        x_at = int(cols[i * 7 % len(cols)])
        centre, reach = ((x_at, 0), int(rows[0]) + 8) if i % 2 == 0 else ((x_at, 299), 307 - int(rows[-1]))
        img = cv2.ellipse(page.copy(), centre, (40, reach), i * 7 % 30 - 15, 0, 360, 130, -1)
        return blur(page), blur(img)

    scores = likeness_scores(digits[0], make)
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 8


def test_grey_levels_are_kept(digits):
    x = preprocessing.mnist(on_paper(digits[0][0]))
    ink = x[x > 0.05]  # visible ink: placing between pixels leaves a fainter fringe
    assert (ink < 0.95).mean() > 0.1  # anti-aliased edges
    assert (ink >= 0.95).mean() > 0.15  # solid strokes


def test_a_digit_is_cut_from_the_full_size_picture(digits):
    """In a picture bigger than the working copy, the Cut's box is where the
    digit is in the picture itself (not in the shrunk copy), with a margin,
    and the digit comes out at about DIGIT_SIZE, ink on zero."""
    page = np.full((1500, 2000), 235, np.uint8)
    page[600:1000, 1200:1600] = on_paper(digits[0][0], 400) * (235 / 255)
    rows, cols = ink_rows_and_columns(page)
    work, scale = preprocessing.resize_longest(page, preprocessing.MIN_WORK_SIZE, preprocessing.WORK_SIZE)
    assert scale < 1
    ground = preprocessing.find_ground(work)
    assert ground.dark_ink and ground.around is None and ground.shadow is None
    page_of_ink = preprocessing.quieten(ground.picture)
    search = preprocessing.find_digit(page_of_ink.picture)
    cut = preprocessing.cut_out(page, scale, ground, page_of_ink, search)
    top, bottom, left, right = cut.box
    assert top < rows[0] and bottom > rows[-1] and left < cols[0] and right > cols[-1]
    assert max(bottom - top, right - left) < 1.6 * max(rows[-1] - rows[0], cols[-1] - cols[0])
    ys, xs = np.nonzero(cut.digit)
    longest = max(np.ptp(ys), np.ptp(xs)) + 1
    assert abs(longest - preprocessing.DIGIT_SIZE) <= 0.1 * preprocessing.DIGIT_SIZE
    assert cut.digit.min() == 0 and cut.digit.max() <= 1 and cut.width > 0

"""preprocessing.ground: a frame cut off, a sheet on a table or a board on a
wall painted over, a hard shadow lit up; and what only looks like one of
them (a 7's bar, a bold 1, a marker stroke, a tightly cropped digit) left
alone.

Most tests draw each digit twice, plainly and with the thing the stage is
about, and ask that mnist() make the same input of both.
"""
import cv2
import numpy as np
import pytest

import preprocessing
from bench import pictures
from helpers import (correlation, likeness_scores, likeness_to_plain_paper, mnist_or_nothing,
                     on_paper, working_copy)
from preprocessing import NoDigitFound


# A frame round the picture --------------------------------------------------------

def test_a_line_round_a_drawings_canvas_is_cut_off(digits):
    """A screenshot of a drawing app often shows the canvas's dark border.
    Along the picture's edge it was taken for the paper (so the ink for
    light) or it swamped the measure of the paper's grain."""
    def make(i, digit, rng):
        canvas = on_paper(digit, 280)
        width = (2, 4, 6)[i % 3]
        return canvas, cv2.copyMakeBorder(canvas, width, width, width, width,
                                          cv2.BORDER_CONSTANT, value=0)

    scores = likeness_scores(digits[0], make)
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 2


def test_a_scanners_black_border_is_cut_off(digits):
    """A scan with black bands along two sides, 2% of the page wide: too
    narrow to be found as a table beyond a sheet's edge."""
    def make(i, digit, rng):
        page = np.full((400, 500), 235, np.uint8)
        page[100:300, 150:350] = on_paper(digit, 200) * (235 / 255)
        page = cv2.GaussianBlur(page, (0, 0), 0.8)
        scan = page.copy()
        scan[:8], scan[:, :8] = 10, 10
        return page, scan

    scores = likeness_scores(digits[0], make)
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 2


def test_a_7_cropped_to_its_bar_keeps_it():
    """A tightly cropped 7's bar runs along the whole top row, as a frame
    would; but a frame runs along two sides or more."""
    img = np.full((300, 240), 255, np.uint8)
    cv2.rectangle(img, (0, 0), (239, 7), 0, -1)
    cv2.line(img, (232, 4), (100, 299), 0, 8)
    assert preprocessing.find_frame(working_copy(img)) is None


# A sheet on a table, a board on a wall -----------------------------------------------

def test_a_sheet_on_a_table_comes_out_like_the_digit_on_plain_paper(mnist_test):
    """40 photos of a sheet lying on a darker table (all of it in the
    picture, or the table along one or two edges) give nearly the input the
    same digit gives drawn plainly: the table is neither the ink nor the
    digit."""
    scores = likeness_to_plain_paper(mnist_test, "table")
    assert np.median(scores) > 0.93  # pens on plain paper: 0.95
    assert sum(s < 0.8 for s in scores) <= 2


def test_a_blank_sheet_on_a_table_gives_no_digit():
    """The table's edges along the sheet and the picture's border are not a
    digit."""
    nothing = np.zeros((28, 28), np.uint8)
    claimed = 0
    for n in range(30):
        data = pictures.table(nothing, np.random.default_rng([11, n]))
        try:
            preprocessing.mnist(preprocessing.decode_image(data))
            claimed += 1
        except NoDigitFound:
            pass
    assert claimed <= 3


def test_a_sticky_note_on_a_desk_comes_out_like_the_digit_on_plain_paper(digits):
    """A sticky note an eighth of the picture, on a darker desk, its digit
    filling most of it: the desk is neither the ink nor the digit."""
    def make(i, digit, rng):
        img = np.full((480, 640), (120, 150, 165)[i % 3], np.uint8)
        img[140:340, 220:420] = 225
        img[150:330, 230:410] = on_paper(digit, 180) * (225 / 255)
        return on_paper(digit), cv2.GaussianBlur(img, (0, 0), 1.0)

    scores = likeness_scores(digits[0][:30], make)
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 3  # 23 of these 30 before


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_shadow_on_the_table_beside_the_sheet_is_still_table(digits, index):
    """A shadow falling on the table is much darker than the table, as a
    digit in a shadow is; but it is wide, where strokes are narrow."""
    x, _ = digits
    img = np.full((480, 640), 90, np.uint8)
    img[80:400, 120:520] = 230
    img[140:340, 220:420] = on_paper(x[index], 200) * (230 / 255)
    img[:, 560:] //= 2  # on the table only, 40 px right of the sheet
    img = cv2.GaussianBlur(img, (0, 0), 1.0)
    assert correlation(mnist_or_nothing(img), preprocessing.mnist(on_paper(x[index]))) > 0.95


def test_a_board_beside_a_lighter_wall_comes_out_as_the_board_alone(mnist_test):
    """Chalk pictures from bench.pictures with a light wall along one or
    two sides give nearly the input the board alone gives: the wall is
    neither the ground nor the digit."""
    x, y = mnist_test
    boards = [preprocessing.decode_image(data)
              for _, data, _ in pictures.make_images(x, y, 30, seed=4, kinds=("chalk",))]

    def make(i, board, rng):
        h, w = board.shape
        walled = board.copy()
        wall = int(rng.integers(150, 220))
        walled[:, :int(w * rng.uniform(0.05, 0.12))] = wall
        if rng.random() < 0.5:
            walled[:int(h * rng.uniform(0.05, 0.12))] = wall
        return board, walled

    scores = likeness_scores(boards, make, seed=4)
    assert np.median(scores) > 0.95
    assert sum(s < 0.8 for s in scores) <= 2


def test_a_board_in_a_darker_frame_keeps_its_light_ink(digits):
    """A board in a darker frame has a sheet's shape on a table; its chalk
    is still light ink."""
    x, _ = digits
    board = np.full((480, 640), 70, np.uint8)
    board[100:380, 180:460] = np.maximum(70, cv2.resize(x[0], (280, 280), interpolation=cv2.INTER_CUBIC))
    framed = np.full((480, 640), 20, np.uint8)
    framed[40:440, 50:590] = board[40:440, 50:590]
    assert correlation(preprocessing.mnist(framed), preprocessing.mnist(board)) > 0.95


def test_a_marker_digit_cropped_to_its_picture_is_not_a_board(digits):
    """A fat marker digit filling its picture has long, straight-ish edges
    with lighter paper beyond, as a board beside a wall has; but much of its
    "board" is paper too."""
    x, _ = digits
    walls = 0
    for digit in x:
        big = cv2.GaussianBlur(cv2.resize(digit, (280, 280), interpolation=cv2.INTER_CUBIC), (0, 0), 3)
        marker = cv2.dilate((big > 100).astype(np.uint8),
                            cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (25, 25)))
        ys, xs = np.nonzero(marker)
        img = np.pad(np.where(marker, 80, 200).astype(np.uint8), 10, constant_values=200)
        img = cv2.GaussianBlur(img[ys.min():ys.max() + 21, xs.min():xs.max() + 21], (0, 0), 1.5)
        walls += preprocessing.find_ground(working_copy(img)).around is not None
    assert walls <= 4  # 11 of these 40 before boards had to be mostly board


def test_light_strokes_on_a_dark_ground_are_not_a_table(mnist_test):
    """A light stroke's straight edge on a dark ground looks like a sheet's
    edge: chalk and drawing-app pictures must not lose their strokes to it."""
    x, y = mnist_test
    for kind, data, _ in pictures.make_images(x, y, 60, seed=3, kinds=("chalk", "transparent")):
        work = working_copy(preprocessing.decode_image(data))
        small, _ = preprocessing.resize_longest(work, preprocessing.EDGE_SIZE, preprocessing.EDGE_SIZE)
        assert preprocessing.ground._find_table(small).table is None, kind
        assert preprocessing.find_ground(work).around is None, kind  # nothing painted over


@pytest.mark.parametrize("index", [1909, 2705, 3175])
def test_a_1_in_mnists_own_colours_is_not_a_sheet_on_a_table(mnist_test, index):
    """Learners save MNIST's digits, white on black, and enlarge them. A bold
    1 is then a light strip with straight edges on a dark ground, like a
    sheet on a table; but a sheet is wider."""
    x, _ = mnist_test
    big = cv2.resize(x[index], (280, 280), interpolation=cv2.INTER_NEAREST)
    assert correlation(mnist_or_nothing(big), preprocessing.mnist(x[index])) > 0.9


def test_a_digit_cropped_to_its_strokes_is_read_as_with_a_margin(digits):
    """People crop their digit tightly: a bold digit then fills most of the
    picture, and its strokes run along the border."""
    def make(i, digit, rng):
        ys, xs = np.nonzero(digit > 30)
        tight = 255 - digit[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
        tight = cv2.resize(tight, (10 * tight.shape[1], 10 * tight.shape[0]),
                           interpolation=cv2.INTER_CUBIC)
        return on_paper(digit, 280), tight

    scores = likeness_scores(digits[0], make)
    assert np.median(scores) > 0.9
    assert sum(s < 0.8 for s in scores) <= 6


# Hard shadows ------------------------------------------------------------------

@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_digit_in_a_hard_shadow_is_not_painted_over_as_a_table(digits, index):
    """A hard, straight shadow reaching the border looks like a table beyond
    a sheet's edge; but it holds the digit, which a table does not."""
    x, _ = digits
    img = np.full((300, 400), 230, np.uint8)
    img[90:230, 220:360] = on_paper(x[index])
    shadowed = img.copy()
    shadowed[:, 180:] = (shadowed[:, 180:] * 0.7).astype(np.uint8)  # edge 40 px left of the digit
    assert correlation(preprocessing.mnist(shadowed), preprocessing.mnist(img)) > 0.9


def test_a_digit_in_a_big_hard_shadow_comes_out_as_without_it(digits):
    """A hard shadow (a phone's, in sunlight) over much of the page, the
    digit in it: neither the lit paper nor the shadow's edge is ink."""
    ys, xs = np.mgrid[0:480, 0:640]

    def make(i, digit, rng):
        img = np.full((480, 640), 225, np.float32) + rng.normal(0, 3, (480, 640))
        size = int(rng.integers(40, 200))
        top, left = int(rng.integers(0, 480 - size)), int(rng.integers(0, 640 - size))
        ink = cv2.resize(digit, (size, size), interpolation=cv2.INTER_CUBIC) / 255
        img[top:top + size, left:left + size] = img[top:top + size, left:left + size] * (1 - ink) + 40 * ink
        angle = rng.uniform(0, 2 * np.pi)
        inside = (np.cos(angle) * (xs - left - size / 2) + np.sin(angle) * (ys - top - size / 2)
                  > -rng.uniform(0.6, 1.5) * size)
        shade = 1 - rng.uniform(0.22, 0.5) * cv2.GaussianBlur(inside.astype(np.float32), (0, 0),
                                                               rng.uniform(0.5, 2))
        return (np.clip(img, 0, 255).astype(np.uint8),
                np.clip(img * shade, 0, 255).astype(np.uint8))

    scores = likeness_scores(digits[0], make, seed=0)
    assert sum(s < 0.85 for s in scores) <= 5  # 13 of these 40 before shadows were lit up


@pytest.mark.parametrize("darkness", [0.55, 0.3])
def test_a_digit_across_a_hard_shadows_edge_comes_out_as_without_it(digits, darkness):
    """The shadow's edge runs through the digit: both halves are kept, and
    the edge itself leaves no line (a shadow as dark as 0.3 of the paper
    still holds strokes)."""
    ys, xs = np.mgrid[0:900, 0:1200]
    edge = cv2.GaussianBlur(((xs - 600) * np.cos(0.3) + (ys - 450) * np.sin(0.3) > 0).astype(np.float32),
                            (0, 0), 1.0)

    def make(i, digit, rng):
        img = np.full((900, 1200), 225, np.float32)
        ink = cv2.resize(digit, (400, 400), interpolation=cv2.INTER_CUBIC) / 255
        img[250:650, 400:800] = img[250:650, 400:800] * (1 - ink) + 40 * ink
        return img.astype(np.uint8), np.clip(img * (1 - (1 - darkness) * edge), 0, 255).astype(np.uint8)

    # Not a 1, which could lie right along the edge.
    assert min(likeness_scores(digits[0][[0, 1, 3, 4]], make)) > 0.95

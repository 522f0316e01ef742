"""preprocessing.frames: a closed frame of any shape round the writing (a
plate's rim, a ring drawn round a number) and a house number's plate taken
for ink are found, and the number inside is read; a bold digit is neither.
Pictures are drawn from clear MNIST test digits by bench/numbers.py's
makers (its "plate" kind).
"""
import os
import warnings

import cv2
import matplotlib
import numpy as np

import main
import preprocessing
from bench import numbers
from helpers import typical
from preprocessing import frames, pipeline


def number_cover(mnist_test, text, rng, height=90, gap=1 / 3):
    """The number's ink coverage, its digits `gap` of their height apart."""
    covers = [numbers.digit_cover(typical(mnist_test, int(c)), height, rng) for c in text]
    cover, _ = numbers.line_of_digits(covers, [int(gap * height)] * (len(text) - 1), rng)
    ys, xs = np.nonzero(cover > 0.05)
    return cover[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def read(model, data):
    """main.py's reading of a picture's bytes: the number, and the result."""
    result = main.Result("picture")
    main.prepare(result, preprocessing.decode_image(data), "mnist")
    main.read_results(model, [result])
    return result.number


def test_a_house_number_on_a_dark_plate_reads_right(model, mnist_test):
    """Light digits on a dark plate on a lighter wall: the plate stands out
    of the wall as ink would, and the digits are its holes."""
    for n, (text, turn) in enumerate((("27", 0), ("140", 4), ("36", -3))):
        rng = np.random.default_rng(n)
        data = numbers.on_a_plate(number_cover(mnist_test, text, rng), rng, numbers.PLATES[0],
                                  rim=True, turn=turn)
        assert read(model, data) == text, (text, turn)


def test_a_house_number_on_a_light_plate_reads_right(model, mnist_test):
    """Dark digits on a white plate on a darker wall: the plate is a sheet
    on a table. With a rim inset, the sheet's edge may take the rim's top
    and bottom; its two sides are then a frame of their own (they read as
    1s: 1581, 19031)."""
    for n, (text, turn) in enumerate((("58", 0), ("903", 3))):
        for rim, seed in ((False, 10 + n), (True, (110, 11)[n])):
            rng = np.random.default_rng(seed)
            data = numbers.on_a_plate(number_cover(mnist_test, text, rng), rng, numbers.PLATES[1],
                                      rim=rim, turn=turn)
            assert read(model, data) == text, (text, turn, rim)


def printed_plate(font, seed):
    """A house number printed in one of matplotlib's own fonts on a plate
    with a rim (colours, number and turn drawn from the seed): the number
    and the photo's bytes."""
    path = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", font)
    rng = np.random.default_rng([7, seed])
    text = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(1, 5))))
    height = int(rng.integers(60, 110))
    covers = [numbers.font_cover(c, height, path) for c in text]
    cover, _ = numbers.line_of_digits(covers, rng.uniform(0.1, 0.3, len(text)) * height, rng)
    ys, xs = np.nonzero(cover > 0.05)
    return text, numbers.on_a_plate(cover[ys.min():ys.max() + 1, xs.min():xs.max() + 1], rng, rim=True)


def test_a_printed_house_number_on_a_dark_plate_with_a_rim_reads_right(model):
    """Bold digits on a dark plate, a light rim inside its edge: the digits
    come within two of their (bold) strokes of the plate's edge inside the
    rim, as a bold digit's counters come within two of its own edge. Two
    holes side by side, as tall as each other, are digits all the same
    (read 0: the plate was read as one digit)."""
    text, data = printed_plate("DejaVuSans-Bold.ttf", 5)
    assert (text, read(model, data)) == ("096", "096")


def test_tall_1s_at_a_numbers_ends_are_no_frame(model, mnist_test):
    """Two 1s a third taller than the digits between them are not the sides
    of a rim: straight and thin as they are, they stand on the writing's
    line, where a rim's sides reach past it ("151" read 5 before that was
    asked)."""
    for text in ("151", "101"):
        for seed in range(4):
            rng = np.random.default_rng(seed)
            covers = [numbers.digit_cover(typical(mnist_test, int(c)), 120 if c == "1" else 90, rng)
                      for c in text]
            cover, _ = numbers.line_of_digits(covers, [36] * (len(text) - 1), rng)
            data = numbers.photograph(cover, rng, (cover.shape[0] + 200, cover.shape[1] + 200), light=0.3)
            assert read(model, data) == text, (text, seed)


def test_one_digit_on_a_plate_with_a_rim_is_read_without_the_rim(model, mnist_test):
    """A plate's edge found as a box, its rim inside it: the digit is cut
    from inside the rim, not from inside the edge, rim and all."""
    for digit, seed in ((1, 3), (4, 0), (7, 1)):
        rng = np.random.default_rng(seed)
        cover = numbers.digit_cover(typical(mnist_test, digit), 90, rng)
        data = numbers.on_a_plate(cover, rng, numbers.PLATES[1], rim=True, turn=(-1) ** seed * 4)
        assert read(model, data) == str(digit), (digit, seed)


def test_an_open_rim_round_a_number_is_taken_out(mnist_test):
    """A rim open on one side (cut where it met a plate's edge) is a frame
    too: its ink lies along its turned rectangle's edges."""
    rng = np.random.default_rng(5)
    cover = number_cover(mnist_test, "35", rng)
    h, w = cover.shape
    page = np.zeros((h + 160, w + 200), np.float32)
    page[80:80 + h, 100:100 + w] = cover
    right, bottom = page.shape[1] - 20, page.shape[0] - 20
    cv2.polylines(page, [np.int32([[20, 20], [right, 20], [right, bottom], [20, bottom]])],
                  False, 1.0, 6)  # top, right side and bottom: no left side
    spin = cv2.getRotationMatrix2D((page.shape[1] / 2, page.shape[0] / 2), 4, 1.0)
    page = cv2.warpAffine(page, spin, page.shape[::-1])
    data = numbers.photograph(page, np.random.default_rng(6), (page.shape[0] + 200, page.shape[1] + 200),
                              light=0.3)
    found = pipeline._find(preprocessing.decode_image(data), {}, coarse=False)
    frame = frames.frame_round(found.search.mask, found.search.stroke)
    assert frame is not None
    x, y, cw, ch = frame.cells[0]
    ys, xs = np.nonzero(found.search.mask & ~frame.lines)  # the digits, inside the frame
    assert x <= xs.min() and xs.max() < x + cw and y <= ys.min() and ys.max() < y + ch


def test_a_ring_drawn_round_a_number_is_taken_out(model, mnist_test):
    """A pen's oval round a number on paper is no part of its digits."""
    rng = np.random.default_rng(3)
    cover = number_cover(mnist_test, "42", rng)
    h, w = cover.shape
    ring = np.zeros((h + 160, w + 200), np.float32)
    ring[80:80 + h, 100:100 + w] = cover
    cv2.ellipse(ring, (ring.shape[1] // 2, ring.shape[0] // 2),
                (ring.shape[1] // 2 - 10, ring.shape[0] // 2 - 10), 0, 0, 360, 1.0, 7)
    data = numbers.photograph(ring, rng, (ring.shape[0] + 200, ring.shape[1] + 200), light=0.3)
    img = preprocessing.decode_image(data)
    found = pipeline._find(img, {}, coarse=False)
    assert frames.frame_round(found.search.mask, found.search.stroke) is not None
    assert read(model, data) == "42"


def test_two_digits_in_one_printed_box_read_as_a_number(model, mnist_test):
    """A box holding "17", written close, is a number in a box, not one
    wide digit: the writing is no wider than a digit may be."""
    rng = np.random.default_rng(4)
    cover = number_cover(mnist_test, "17", rng, gap=0.05)
    h, w = cover.shape
    box = np.zeros((h + 100, w + 100), np.float32)
    box[50:50 + h, 50:50 + w] = cover
    form = np.zeros(box.shape, np.float32)
    cv2.rectangle(form, (10, 10), (box.shape[1] - 11, box.shape[0] - 11), 1.0, 3)
    data = numbers.photograph(box, rng, (box.shape[0] + 200, box.shape[1] + 260), light=0.3,
                              form=form)
    assert read(model, data) == "17"


def test_a_bold_digit_is_neither_a_plate_nor_a_frame(mnist_test):
    """A bold 0, 8 or 6 has a loop as tall as a digit's hole: it stays a digit."""
    for digit in (0, 8, 6, 9):
        rng = np.random.default_rng(digit)
        cover = numbers.digit_cover(typical(mnist_test, digit), 150, rng, width=0.1)
        data = numbers.photograph(cover, rng, (400, 360), light=0.3)
        img = preprocessing.decode_image(data)
        found = pipeline._find(img, {}, coarse=False)
        assert frames.plate_round(found.search.found) is None, digit
        assert frames.frame_round(found.search.mask, found.search.stroke) is None, digit


def block_digit(counters):
    """A bold block digit alone on paper (a stencil's, a seven-segment
    display's): a filled rectangle with its counters cut out."""
    img = np.full((300, 300), 235, np.uint8)
    cv2.rectangle(img, (100, 60), (200, 240), 20, cv2.FILLED)
    for top, bottom in counters:
        cv2.rectangle(img, (125, top), (175, bottom), 235, cv2.FILLED)
    return img


def test_a_bold_block_digit_is_no_plate(model):
    """Its counters are holes near a rectangle's edge, as a plate's digits
    are; but they come within a stroke or two of it, and are no digit's
    shape."""
    for img, digit in ((block_digit([(85, 137), (163, 215)]), 8), (block_digit([(95, 205)]), 0)):
        assert frames.plate_round(img < 128) is None
        result = main.Result("picture")
        main.prepare(result, img, "mnist")
        main.read_results(model, [result])
        assert result.number == str(digit)


def test_a_tiny_loop_is_no_plate_and_warns_of_nothing():
    """A few pixels' square in a big picture: no plate is painted from an
    empty inside (the median of nothing)."""
    img = np.full((500, 500), 230, np.uint8)
    cv2.rectangle(img, (250, 250), (257, 257), 20, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            preprocessing.read_number(img)
        except preprocessing.NoDigitFound:
            pass


def test_frame_round_takes_any_mask_of_ink():
    """A mask of 0 and 1, or 0 and 255, as well as one of booleans."""
    mask = np.zeros((100, 100), bool)
    mask[10:90, 10:14] = mask[10:90, 86:90] = mask[10:14, 10:90] = mask[86:90, 10:90] = True
    mask[30:70, 45:52] = True  # a 1 inside the frame
    found = [frames.frame_round(m, 4) for m in (mask, mask.astype(np.uint8), mask * np.uint8(255))]
    assert all(f is not None and f.cells == found[0].cells for f in found)

"""forms.py: a printed box or a comb of boxes found, taken out, read a cell at a time."""
import cv2
import numpy as np
import pytest

import main
import preprocessing
from bench import numbers
from bench.pictures import PENS, make_images
from helpers import typical


def comb(mnist_test, text, rng, closed=False, tall=85, on_base=False):
    """A comb (or a row of boxes) of len(text) cells, a digit `tall` pixels
    high in each cell whose character is not a space (standing on the base
    line if on_base); photographed."""
    size = 130
    form, line = numbers.form_boxes(len(text), size, rng, comb=not closed)
    cover = np.zeros(form.shape, np.float32)
    for cell, char in enumerate(text):
        if char == " ":
            continue
        digit = numbers.digit_cover(typical(mnist_test, int(char)), tall, rng)
        h, w = digit.shape
        top, left = line + (size - h) // 2, line + cell * size + (size - w) // 2
        if on_base:
            top = line + size - h  # its lowest stroke on the base line's upper edge
        cover[top:top + h, left:left + w] = digit
    page = (form.shape[0] + 240, form.shape[1] + 200)
    return numbers.photograph(cover, rng, page, form=form, light=0.3, pens=PENS[:1])


def read(model, data):
    result = main.Result("form")
    main.prepare(result, preprocessing.decode_image(data), "mnist")
    main.read_results(model, [result])
    return result


def test_a_comb_is_read_a_cell_at_a_time_and_empty_cells_are_skipped(model, mnist_test):
    rng = np.random.default_rng(0)
    data = comb(mnist_test, "30 52 ", rng)
    img = preprocessing.decode_image(data)
    result = read(model, data)
    assert result.number == "3052"
    # Each digit's box lies in its own cell: cells 0, 1, 3 and 4 of six.
    form_left = np.flatnonzero((img < 128).any(axis=0))[0]
    cells = [(d.box[0] + d.box[2] / 2 - form_left) // 130 for d in result.digits]
    assert cells == [0, 1, 3, 4]


def test_a_digit_in_a_printed_box_is_read_without_the_box(model, mnist_test):
    """A box round one digit reads as the digit (the box used to go into
    the 28x28 input with it)."""
    rng = np.random.default_rng(1)
    right = 0
    for digit in range(10):
        result = read(model, comb(mnist_test, str(digit), rng, closed=True))
        right += result.number == str(digit)
    assert right >= 9


def test_a_digit_in_one_cell_of_a_comb_is_read_without_it(model, mnist_test):
    """A comb of one cell, a U: a base and an upright at each end, none
    between. Its ends are printed (as thin as a printed line), as high as
    each other and at the base's very ends, so it is no line to write on
    with a 1 standing at each end: the digit is read without it (4 of
    these 10 before). Not the 1: as thin as the printed lines, upright in
    the middle, it stands where a comb of two cells has its tooth, and the
    two cells read empty; the 9 here touches the base, and the U is missed.
    (8 of 10 when this was written.)"""
    rng = np.random.default_rng(5)
    right = 0
    for digit in range(10):
        right += read(model, comb(mnist_test, str(digit), rng)).number == str(digit)
    assert right >= 7


def bench_picture(mnist_test, kind, n):
    x, y = mnist_test
    return numbers.make_number(kind, x, y, np.random.default_rng([0, numbers.KINDS.index(kind), n]))


def test_a_box_in_a_narrow_picture_is_no_ruled_page(model, mnist_test):
    """A box whose sides run most of the way across a narrow picture (bench
    picture 4 of `box`): with the paper's grain measured on its lower side
    only, the grain stood out as ink all along the box's sides, which were
    taken for a ruled page's lines, and read as 1s either side of the 2
    ("121"). That measure is kept for pages that lines spread."""
    data, number = bench_picture(mnist_test, "box", 4)
    assert read(model, data).number == number == "2"


def test_a_wide_digit_in_a_box_is_one_digit(model, mnist_test):
    """A 0 and a 2 written wide in a printed box: one piece, wider than
    1.1 of its height, which outside a box may be two touching digits
    (the 0 read 67). In a box it is one digit unless far wider."""
    rng = np.random.default_rng(56)
    for digit in (0, 2):
        cover = numbers.digit_cover(typical(mnist_test, digit), 70, rng)
        cover = cv2.resize(cover, (int(1.35 * cover.shape[0]), cover.shape[0]))
        form, line = numbers.form_boxes(1, 130, rng)
        ink = np.zeros(form.shape, np.float32)
        h, w = cover.shape
        top, left = line + (130 - h) // 2, line + (130 - w) // 2
        ink[top:top + h, left:left + w] = cover
        data = numbers.photograph(ink, rng, (form.shape[0] + 200, form.shape[1] + 200), form=form,
                                  light=0.4, pens=PENS[:1])
        assert read(model, data).number == str(digit)


def test_a_digit_filling_its_box_splits_no_box(model, mnist_test):
    """Digits nearly as tall as their box (bench pictures): Hough runs their
    upright strokes on to the box's top and bottom lines, which must not
    make them sides of narrower boxes; and no scrap of a side is left in."""
    for n in (6, 9, 13):  # a 5, a 1 and an 8
        data, number = bench_picture(mnist_test, "box", n)
        assert read(model, data).number == number


def test_digits_on_a_combs_base_keep_their_lowest_stroke(model, mnist_test):
    """A comb whose digits reach down to the base line (bench pictures):
    the line is taken out as wide as it is printed, not with a bite of each
    digit (a 3 read as a 2); and upright strokes standing on it are no teeth
    (the comb keeps its cells, not twice as many)."""
    for n in (0, 8):
        data, number = bench_picture(mnist_test, "comb", n)
        assert read(model, data).number == number


def test_a_digit_written_through_its_boxs_base_is_read_whole(model, mnist_test):
    """MNIST test digits written low in their box, their lower strokes
    running on through the base line and below it: erasing the line cut
    them off there, and the digit was read from what stood inside (a 3
    read 2, an 8 read 9 or 0: none of these 6 right). The pen's strokes are
    kept where they cross a printed line."""
    x, y = mnist_test
    right = 0
    for n in (0, 3, 14, 26, 30, 34):
        rng = np.random.default_rng([55, n])
        i = rng.integers(len(x))
        form, line = numbers.form_boxes(1, 130, rng)
        form = np.pad(form, ((0, 80), (0, 0)))  # room below the box
        cover = numbers.digit_cover(x[i], 100, rng)
        h, w = cover.shape
        ink = np.zeros(form.shape, np.float32)
        top = line + 130 - h + int(rng.integers(20, 45))
        left = line + (130 - w) // 2 + int(rng.integers(-30, 30))
        top, left = min(top, ink.shape[0] - h), max(0, min(left, ink.shape[1] - w))
        ink[top:top + h, left:left + w] = cover
        page = (form.shape[0] + int(rng.integers(100, 400)), form.shape[1] + int(rng.integers(100, 400)))
        data = numbers.photograph(ink, rng, page, form=form, light=0.4, pens=PENS[:3])
        right += read(model, data).number == str(y[i])
    assert right >= 5


def test_a_number_written_through_its_fields_base_is_read_whole(model, mnist_test):
    """Two MNIST test digits in one wide box, written low, running on
    through its base line: each digit was cut off at the line (38 read
    253, 22 read 527: none of these 4 right)."""
    x, y = mnist_test
    right = 0
    for n in (0, 1, 2, 6):
        rng = np.random.default_rng([56, n])
        i, j = rng.integers(len(x), size=2)
        a, b = numbers.digit_cover(x[i], 90, rng), numbers.digit_cover(x[j], 90, rng)
        h = max(a.shape[0], b.shape[0])
        pair = np.zeros((h, a.shape[1] + b.shape[1] + 20), np.float32)
        pair[h - a.shape[0]:, :a.shape[1]] = a
        pair[h - b.shape[0]:, a.shape[1] + 20:] = b
        form, line = numbers.form_boxes(2, 130, rng)  # as wide as two boxes...
        form = np.zeros((form.shape[0] + 80, form.shape[1]), np.float32)  # ...but one
        cv2.rectangle(form, (line, line), (line + 260, line + 130), 1.0, 3)
        ink = np.zeros(form.shape, np.float32)
        top, left = line + 130 - h + int(rng.integers(20, 40)), line + (260 - pair.shape[1]) // 2
        ink[top:top + h, left:left + pair.shape[1]] = pair
        data = numbers.photograph(ink, rng, (form.shape[0] + 200, form.shape[1] + 200), form=form,
                                  light=0.4, pens=PENS[:3])
        right += read(model, data).number == f"{y[i]}{y[j]}"
    assert right >= 3


def test_a_digit_drawn_along_its_boxs_lines_keeps_those_strokes(model, mnist_test):
    """MNIST test digits as tall as 118/130 of their printed box (my
    drawings): a 0's side, a 2's foot lie on the box's lines and were
    erased with them (a 0 read 5, a 2 read 5, a 4 read 2). Where the ink
    across a line is thicker than the bare line, the digit is read with
    those pixels too, and the network's surer reading chosen (40 such
    drawings: 32 right, now 35)."""
    x, y = mnist_test
    right = 0
    for n in (2, 21, 28, 32):
        rng = np.random.default_rng([55, n])
        i = rng.integers(len(x))
        form, line = numbers.form_boxes(1, 130, rng)
        digit = numbers.digit_cover(x[i], 118, rng)[:130, :130]
        h, w = digit.shape
        ink = np.zeros(form.shape, np.float32)
        ink[line + (130 - h) // 2:line + (130 - h) // 2 + h, line + (130 - w) // 2:line + (130 - w) // 2 + w] = digit
        page = (form.shape[0] + int(rng.integers(100, 400)), form.shape[1] + int(rng.integers(100, 400)))
        data = numbers.photograph(ink, rng, page, form=form, light=0.4, pens=PENS[:3])
        right += read(model, data).number == str(y[i])
    assert right >= 3


def thin_comb(mnist_test, n):
    """A colour photo of a comb printed in thin black lines, its teeth a
    third of a cell high, and MNIST test digits written in it with a thick
    blue pen: (file bytes, the number)."""
    x, y = mnist_test
    rng = np.random.default_rng([57, n])
    count = int(rng.integers(1, 7))
    chosen = rng.integers(len(x), size=count)
    size, thick = int(rng.integers(90, 140)), int(rng.integers(2, 5))
    shape = (size * 3, size * (count + 3))
    lines, cover = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
    cv2.line(lines, (size, 2 * size), ((count + 1) * size, 2 * size), 1.0, thick)
    for cell in range(count + 1):
        top = size if cell in (0, count) else size + size * 2 // 3
        cv2.line(lines, (size + cell * size, top), (size + cell * size, 2 * size), 1.0, thick)
    for cell, i in enumerate(chosen):
        digit = numbers.digit_cover(x[i], int(size * rng.uniform(0.55, 0.8)), rng)
        h, w = digit.shape[0], min(digit.shape[1], size - 10)
        top = size + (size - h) // 2 + int(rng.integers(-8, 8))
        left = size + cell * size + (size - w) // 2
        cover[top:top + h, left:left + w] = np.maximum(cover[top:top + h, left:left + w], digit[:, :w])
    page = np.full(shape + (3,), 245, np.float32)
    for channel, (form_ink, pen_ink) in enumerate(zip((40, 40, 40), (140, 50, 20))):
        page[:, :, channel] = page[:, :, channel] * (1 - lines) + form_ink * lines
        page[:, :, channel] = page[:, :, channel] * (1 - cover) + pen_ink * cover
    page = cv2.GaussianBlur(page, (0, 0), 0.8) + rng.normal(0, 4, page.shape)
    page *= np.linspace(1.0, 0.8, shape[1])[None, :, None]
    data = cv2.imencode(".jpg", np.clip(page, 0, 255).astype(np.uint8))[1].tobytes()
    return data, "".join(str(y[i]) for i in chosen)


def test_a_thin_comb_written_in_with_a_thick_pen_is_found(model, mnist_test):
    """A comb's lines far thinner than the pen (my drawings): its two tall
    ends were taken for teeth too, and digits' stems standing on the base
    for teeth, so no regular spacing was found, the comb was read as
    writing, and its ends as 1s ("89" read 189, "97" read 1171; of 40
    such drawings 31 read right, now 33). A comb's teeth lie between its
    ends, and are thin."""
    for n in (25, 39):
        data, number = thin_comb(mnist_test, n)
        assert read(model, data).number == number


def test_find_form_finds_the_cells_of_a_row_of_boxes():
    """Three printed boxes in a row, a 1 in the first and a 7 in the last,
    a little tilted: three cells, evenly spaced, and the
    lines' mask covers the lines and not the digits."""
    mask = np.zeros((300, 600), np.uint8)
    for n in range(4):
        cv2.line(mask, (100 + 130 * n, 80), (100 + 130 * n + 3, 210), 1, 3)
    cv2.line(mask, (100, 80), (490, 82), 1, 3)
    cv2.line(mask, (100, 210), (493, 212), 1, 3)
    cv2.line(mask, (165, 105), (160, 190), 1, 8)  # a 1
    cv2.line(mask, (400, 110), (460, 110), 1, 8)  # a 7
    cv2.line(mask, (460, 110), (420, 190), 1, 8)
    form = preprocessing.find_form(mask > 0, stroke=8)
    assert form is not None and len(form.cells) == 3
    widths = [w for _, _, w, _ in form.cells]
    assert max(widths) - min(widths) <= 6  # evenly spaced, as printed
    assert form.lines[82, 300] and form.lines[150, 101] and not form.lines[150, 163]


def test_ruled_paper_is_not_a_form(mnist_test):
    """Squared paper is a grid of boxes, but its lines cross the page."""
    x, y = mnist_test
    for _, data, _ in numbers.make_numbers(x, y, 4, seed=3, kinds=("ruled",)):
        img = preprocessing.decode_image(data)
        try:
            writing = preprocessing.read_number(img)
        except preprocessing.NoDigitFound:
            continue
        assert writing.skips is not None  # read as writing, not cell by cell


def test_a_digits_own_strokes_make_no_comb(mnist_test):
    """A 6 (a realworld bench picture, thin pen): its bottom stroke is
    straight enough for a base line and its loop's sides stand on it like a
    comb's teeth, but lines as thick as the pen's make no printed form."""
    x, y = mnist_test
    kind, data, label = make_images(x, y, 60, seed=0, kinds=("thin",))[1]
    assert label == 6
    writing = preprocessing.read_number(preprocessing.decode_image(data))
    assert writing.atoms == 1  # read as mnist() reads one digit, not cell by cell


def test_a_number_written_in_one_box_is_read_digit_by_digit(model, mnist_test):
    """A whole number in one printed box (an amount; bench pictures): the
    box is taken out and the writing read as any other, not as one digit.
    The first two have a printed label beside the box ("Total:",
    "Amount:"), which is no part of the number; in the third, the box's
    long lines also looked like a ruled page's."""
    for n in (2, 7, 6):
        data, number = bench_picture(mnist_test, "field", n)
        result = read(model, data)
        assert result.number == number


def test_a_fields_label_is_no_part_of_its_number(model, mnist_test):
    """A label printed as high as the writing, level with it, left of the
    box ('Amount:'): only the ink inside the box is read."""
    rng = np.random.default_rng(13)
    covers = [numbers.digit_cover(typical(mnist_test, d), 80, rng) for d in (9, 2, 8, 6)]
    cover, _ = numbers.line_of_digits(covers, [25, 30, 20, 0], rng)
    ink, page, form = numbers.in_a_field(cover, 80, np.random.default_rng(2))  # (draws no label)
    label = numbers.printed("Amount:", 90, form.shape[0])
    form, ink = np.hstack([label, form]), np.hstack([np.zeros_like(label), ink])
    data = numbers.photograph(ink, rng, (page[0], int(form.shape[1] * 1.2)), form=form, light=0.3,
                              pens=PENS[:1])
    assert read(model, data).number == "9286"


def test_a_form_photographed_a_little_turned_is_turned_level(model, mnist_test):
    """Fields photographed a little from one side (bench pictures at
    --form-angle 0.03: turned up to 3 degrees, corners moved 3%): the form
    is looked for turned level, its sides may lean, and each digit's box is
    turned back into the picture."""
    for n in (2, 3):
        assert_read_at_an_angle(model, mnist_test, "field", n, 0.03)


def assert_read_at_an_angle(model, mnist_test, kind, n, angle):
    """Bench picture n of `kind` (seed 0), its form photographed `angle`
    from square-on, is read right, each digit's box on ink in the picture."""
    x, y = mnist_test
    rng = np.random.default_rng([0, numbers.KINDS.index(kind), n])
    data, number = numbers.make_number(kind, x, y, rng, form_angle=angle)
    result = read(model, data)
    assert result.number == number
    img = preprocessing.decode_image(data)
    for digit in result.digits:  # each box holds ink, in the picture's pixels
        bx, by, bw, bh = digit.box
        assert (img[by:by + bh, bx:bx + bw] < 128).mean() > 0.05


def test_a_turned_forms_cell_is_turned_back_into_the_picture():
    """A box turned 4 degrees: it is found turned level, and its cell,
    turned back, is the box round the turned cell in the mask's pixels."""
    mask = np.zeros((400, 700), np.uint8)
    corners = cv2.boxPoints(((350, 200), (420, 160), 4.0))  # turned 4 degrees
    cv2.polylines(mask, [np.round(corners).astype(np.int32)], True, 1, 3)
    cv2.line(mask, (300, 160), (310, 240), 1, 8)  # a 1 in it
    form = preprocessing.find_form(mask > 0, stroke=8)
    assert form is not None and form.turn is not None and len(form.cells) == 1
    x, y, w, h = form.back(form.cells[0])
    bx, by, bw, bh = cv2.boundingRect(np.round(corners).astype(np.int32))
    # The cell lies just inside the printed lines: within a few pixels of them.
    assert abs(x - bx) <= 12 and abs(y - by) <= 12
    assert abs(x + w - (bx + bw)) <= 12 and abs(y + h - (by + bh)) <= 12


def test_empty_printed_boxes_are_no_digits():
    """A form with nothing written in it: 'no digit found', not its lines read as digits."""
    img = np.full((600, 800), 235, np.uint8)
    cv2.rectangle(img, (150, 200), (650, 300), 30, 3)
    for x in range(250, 650, 100):
        cv2.line(img, (x, 200), (x, 300), 30, 3)
    with pytest.raises(preprocessing.NoDigitFound, match="empty"):
        preprocessing.read_number(img)


def on_a_line(mnist_test, text, rng, label=None):
    """Clear test digits written on a form's printed line that reaches
    past them (and a printed label before it, if given); photographed."""
    covers = [numbers.digit_cover(typical(mnist_test, int(c)), 70, rng) for c in text]
    cover, boxes = numbers.line_of_digits(covers, np.full(len(text), 0.35 * 70), rng)
    ink, page, form = numbers.on_a_line(cover, boxes, 70, np.random.default_rng(0))  # (draws no label)
    if label:
        printed = numbers.printed(label, 40, form.shape[0])
        form, ink = np.hstack([printed, form]), np.hstack([np.zeros_like(printed), ink])
        page = (page[0], int(form.shape[1] * 1.2))
    return numbers.photograph(ink, rng, page, form=form, light=0.3, pens=PENS[:1])


def test_a_number_written_on_a_printed_line_is_read_without_it(model, mnist_test):
    """A form's "Amount: ______": the printed line the digits stand on used
    to go into every digit's input (such numbers read 1 in 10 right on the
    bench's `line` pictures); it is taken out, and the label left out."""
    for seed, text, label in ((0, "4368", None), (1, "60214", "Amount:"), (2, "92250", "Total:")):
        data = on_a_line(mnist_test, text, np.random.default_rng([43, seed]), label)
        result = read(model, data)
        assert result.number == text
        img = preprocessing.decode_image(data)
        line = np.flatnonzero((img < 128).mean(axis=1) > 0.3).max()  # the printed line's row
        assert all(d.box[1] + d.box[3] <= line + 3 for d in result.digits)  # no box takes it in


def test_a_number_underlined_by_pen_is_read_without_the_line(model, mnist_test):
    """A line drawn with the pen under the writing, touching its digits'
    feet (it joined every digit into one piece, and "2024" read 612021):
    twice as long as the writing is high, it is taken out as a form's line."""
    for seed, text in enumerate(("2024", "517", "90")):
        rng = np.random.default_rng([45, seed])
        covers = [numbers.digit_cover(typical(mnist_test, int(c)), 90, rng) for c in text]
        cover, _ = numbers.line_of_digits(covers, np.full(len(text), 0.3 * 90), rng)
        ys, xs = np.nonzero(cover > 0.05)
        cv2.line(cover, (xs.min() - 20, ys.max() + 4), (xs.max() + 20, ys.max() + 7), 1.0, 7)
        data = numbers.photograph(cover, rng, (cover.shape[0] + 200, cover.shape[1] + 200),
                                  pens=PENS[1:2], light=0.3)
        assert read(model, data).number == text


def test_a_missed_boxs_base_is_no_underline(model, mnist_test):
    """A field photographed a little turned whose box is not found: its
    base is twice as long as the writing is high, but the box's top lies
    over the writing, so it is no underline (taken for one, the box's top
    and sides went into the digits: 465907 read 54853077)."""
    assert_read_at_an_angle(model, mnist_test, "field", 35, 0.03)


@pytest.mark.parametrize("foot", [False, True])
def test_a_pens_own_straight_stroke_is_no_line_to_write_on(foot):
    """A 7's long bar (the stem hangs from it), or two 2s' joined feet
    (drawn as thick as the pen, ending where the writing ends), are the
    writing's own strokes: no form."""
    mask = np.zeros((300, 400), np.uint8)
    if foot:  # two 2s' necks and their joined foot, a pen 9 pixels wide
        for left in (60, 190):
            cv2.ellipse(mask, (left + 60, 110), (55, 50), 0, 180, 360, 1, 9)
            cv2.line(mask, (left + 115, 110), (left, 230), 1, 9)
        cv2.line(mask, (60, 230), (320, 230), 1, 9)
    else:  # a 7 written large with a thin pen: a tick, its bar and its stem
        cv2.line(mask, (40, 15), (40, 40), 1, 3)
        cv2.line(mask, (40, 40), (360, 40), 1, 3)
        cv2.line(mask, (360, 40), (200, 280), 1, 3)
    stroke = preprocessing.stroke_width(mask > 0)
    assert preprocessing.find_form(mask > 0, stroke) is None


@pytest.mark.parametrize("count", [3, 4])
def test_many_2s_joined_feet_are_no_underline(count):
    """Three or four 2s whose feet join in one straight stroke, their tops
    uneven: the foot is twice as long as they are high, but a 2's stroke
    comes down at its end, as none does at an underline's."""
    mask = np.zeros((300, 120 * count + 120), np.uint8)
    for k in range(count):
        left, top = 60 + 120 * k, 110 + (k % 2) * 25
        cv2.ellipse(mask, (left + 55, top), (50, 45), 0, 180, 360, 1, 9)
        cv2.line(mask, (left + 105, top), (left, 230), 1, 9)
    cv2.line(mask, (60, 230), (60 + 120 * count, 230), 1, 9)
    stroke = preprocessing.stroke_width(mask > 0)
    assert preprocessing.find_form(mask > 0, stroke) is None


def test_a_form_photographed_from_one_side_is_squared_up(model, mnist_test):
    """Combs and a field photographed further from one side (bench pictures
    at --form-angle 0.06: corners moved 6%, turned up to 6 degrees): their
    ends lean up to 20 degrees and their cells shrink along them. The
    perspective that makes the base and the two ends a rectangle is undone
    before the cells are looked for (these read 1345739161 and 51263463
    before). (Comb 4, which read 127221, is found square-on since a
    comb's ends are no teeth, and reads 8263: its 7 read 2, 55% to 45%.)
    Comb 1's right end came from
    Hough in pieces, the lowest a fraction of its height, and the
    perspective made of it squashed the comb: the end is carried up
    through them (it read 4 for 80203389; field 14 read 622083 for 000071)."""
    for kind, n in (("comb", 12), ("field", 16), ("comb", 1), ("field", 14)):
        assert_read_at_an_angle(model, mnist_test, kind, n, 0.06)


def test_a_bold_comb_written_in_with_a_fine_pen_is_squared_up(model, mnist_test):
    """Bench comb 15 at --form-angle 0.06: its lines are nearly as thick as
    the pen's strokes (4.0 pixels to 4.8). A frame's base may be up to 1.2
    times as thick as the pen's stroke: the comb is found, squared up, and
    its digits read (12336420 for 58967686 before: none right; one digit
    here is read only 60% sure, so seven of eight are asked for)."""
    x, y = mnist_test
    rng = np.random.default_rng([0, numbers.KINDS.index("comb"), 15])
    data, number = numbers.make_number("comb", x, y, rng, form_angle=0.06)
    assert numbers.digits_right(read(model, data).number or "", number) >= 7


def test_a_form_squared_up_maps_its_cells_back_through_the_perspective():
    """A box whose right side leans 20 degrees (a photo from one side): it
    is found through a perspective, and a cell maps back to the picture
    between the leaning sides."""
    mask = np.zeros((300, 500), bool)
    corners = np.int32([[60, 250], [440, 250], [390, 110], [60, 110]])  # the right side leans in
    cv2.polylines(mask.view(np.uint8), [corners], True, 1, 2)
    cv2.line(mask.view(np.uint8), (200, 150), (230, 235), 1, 6)  # a pen's stroke inside
    form = preprocessing.find_form(mask, 6.0)
    assert form is not None and form.turn.shape == (3, 3)
    x, y, w, h = form.back(form.cells[-1])
    assert 60 <= x and x + w <= 445 and 105 <= y and y + h <= 255


def test_two_narrow_digits_on_a_line_are_read_as_two(model, mnist_test):
    """"11" on a form's line (a short line: not much longer than the two
    digits are high) is as narrow as one digit; in a form's cell the
    network decides, and two 1s it is sure of beat one 4 (it was read 4)."""
    for seed in range(2):
        data = on_a_line(mnist_test, "11", np.random.default_rng([44, seed]))
        assert read(model, data).number == "11"


def test_the_top_of_a_combs_leaning_end_is_no_stroke_of_the_first_digit(model, mnist_test):
    """Bench combs 18 and 29 at --form-angle 0.06: the comb is turned level
    but not squared up, and its left end leans out of the line drawn for
    it. Its top stood in the first cell beside the digit (1572 read 7572,
    9832333 read 7832333); a thin upright at the form's very end, its foot
    well above the base, is taken out with the lines. Comb 20's last 1,
    thin and upright by the comb's right end, stands on the base: a digit."""
    for n in (18, 29, 20):
        assert_read_at_an_angle(model, mnist_test, "comb", n, 0.06)

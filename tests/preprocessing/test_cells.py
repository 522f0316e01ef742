"""cells.py: a form's cells read one candidate digit each, empty ones skipped."""
import cv2
import numpy as np

from preprocessing.cells import digits_in_cells, reaching_in
from preprocessing.forms import Form


def three_cells():
    """A comb of three 60x80 cells, its lines already taken out."""
    return Form([(10, 10, 60, 80), (74, 10, 60, 80), (138, 10, 60, 80)], np.zeros((100, 210), bool))


def test_each_cell_with_a_digit_gives_one_candidate_and_an_empty_cell_none():
    mask = np.zeros((100, 210), np.uint8)
    cv2.ellipse(mask, (40, 50), (18, 30), 0, 0, 360, 1, 5)  # a 0 in the first cell
    cv2.line(mask, (168, 22), (168, 80), 1, 5)  # a 1 in the third
    cv2.circle(mask, (104, 50), 2, 1, -1)  # a speck in the second
    writing = digits_in_cells(three_cells(), mask > 0, mask.astype(np.float32), lambda box: box)
    assert writing.atoms == 2 and len(writing.candidates) == 2
    first, last = writing.candidates
    assert (first.first, last.first) == (0, 1)
    assert first.box[0] < 60 < 140 < last.box[0] + last.box[2]
    assert first.x.shape == (28, 28) and first.x.max() > 0.5


def test_no_digit_in_any_cell_is_no_form():
    mask = np.zeros((100, 210), bool)
    assert digits_in_cells(three_cells(), mask, mask.astype(np.float32), lambda box: box) is None


def test_writing_running_on_through_a_boxs_line_is_gathered_whole():
    inside = np.zeros((100, 210), bool)
    inside[20:80, 20:190] = True
    mask = np.zeros((100, 210), bool)
    mask[50:53, 100:200] = True  # a 7's bar reaching out through the box's side
    mask[5:8, 5:15] = True  # a speck outside the box
    kept = reaching_in(mask, inside)
    assert kept[51, 195] and kept[51, 100] and not kept[6, 10]

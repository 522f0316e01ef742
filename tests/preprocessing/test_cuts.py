"""cuts.py: where a piece of touching digits is cut apart."""
import cv2
import numpy as np

from preprocessing.cuts import cut_paths


def test_a_piece_far_wider_than_a_digit_is_cut_between_its_digits():
    """Two 0s joined by a short bar: a cut through the bar, from top to
    bottom, inside the piece (and others: the network undoes a cut too
    many)."""
    local = np.zeros((100, 150), np.uint8)
    cv2.ellipse(local, (35, 50), (28, 45), 0, 0, 360, 1, 6)
    cv2.ellipse(local, (115, 50), (28, 45), 0, 0, 360, 1, 6)
    cv2.line(local, (63, 50), (87, 50), 1, 6)
    paths = cut_paths(local > 0, 100, 130)
    assert all(len(p) == 100 and (0 <= p).all() and (p <= 150).all() for p in paths)
    assert any(63 <= p[50] <= 87 for p in paths)


def test_a_leaning_1_touching_its_neighbour_is_cut_off_along_its_slant():
    """A 1 leaning a fifth of a column a row, touching a 0 at one point: a
    piece narrower than `widest`, never cut for its width; the cut beside
    the 1 leans with it and leaves the whole 1 on its side."""
    local = np.zeros((100, 110), np.uint8)
    cv2.line(local, (20, 95), (40, 5), 1, 6)  # the 1, leaning right
    cv2.ellipse(local, (75, 50), (28, 45), 0, 0, 360, 1, 6)
    cv2.line(local, (34, 35), (47, 38), 1, 4)  # where they touch
    one = np.zeros_like(local)
    cv2.line(one, (20, 95), (40, 5), 1, 6)
    paths = cut_paths(local > 0, 100, 130)
    assert len(paths) == 1
    left = np.arange(110)[None, :] < paths[0][:, None]
    assert (left | ~(one > 0)).all()  # all of the 1 left of the cut
    assert np.count_nonzero(left & (local > 0) & ~(one > 0)) < 0.1 * np.count_nonzero(local)


def test_a_lone_digit_narrower_than_widest_with_no_upright_is_not_cut():
    local = np.zeros((100, 70), np.uint8)
    cv2.ellipse(local, (35, 50), (28, 45), 0, 0, 360, 1, 6)
    assert cut_paths(local > 0, 100, 130) == []

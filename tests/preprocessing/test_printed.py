"""printed.py: a form's printed lines, joined from Hough's pieces and measured."""
import cv2
import numpy as np

from preprocessing.printed import Line, joined, line_pieces, middle_of, straight_length, thickness_of


def a_line_with_a_digit_on_it():
    """A printed line 5 pixels thick (OpenCV's thickness 3), y=150,
    x=18..382, and a pen's stroke 12 pixels wide standing on it and
    crossing it."""
    mask = np.zeros((240, 400), np.uint8)
    cv2.line(mask, (20, 150), (380, 150), 1, 3)
    cv2.line(mask, (200, 60), (215, 170), 1, 12)
    return mask > 0


def test_a_lines_thickness_is_measured_where_no_digit_crosses_it():
    mask = a_line_with_a_digit_on_it()
    line = joined([Line(s) for s in line_pieces(mask, 12.0) if abs(s[3] - s[1]) < abs(s[2] - s[0])],
                  4.5)[0]
    assert 340 <= line.length <= 366
    assert thickness_of(mask, line) == 5  # (the crossing stroke's runs are 30 pixels)


def test_a_lines_middle_is_fitted_to_the_line_alone():
    mask = a_line_with_a_digit_on_it()
    line = joined([Line(s) for s in line_pieces(mask, 12.0) if abs(s[3] - s[1]) < abs(s[2] - s[0])],
                  4.5)[0]
    printed = middle_of(mask, line, 5.0)
    assert abs(printed.start[1] - 150) <= 1 and abs(printed.end[1] - 150) <= 1
    assert printed.width == 5


def test_a_hand_drawn_curve_is_straight_only_in_its_middle():
    """A loop's flat bottom drawn by hand (rising 16 pixels at its ends):
    its pieces join into one level line, but only its middle lies on one
    straight line; a printed line lies on one all along."""
    xs = np.arange(40, 360)
    ys = (150 - ((xs - 200) / 160.0) ** 4 * 16).astype(np.int32)
    curve = cv2.polylines(np.zeros((200, 400), np.uint8), [np.column_stack([xs, ys])], False, 1, 3)
    printed = cv2.line(np.zeros((200, 400), np.uint8), (40, 150), (359, 150), 1, 3)
    shares = []
    for mask in (curve, printed):
        line = joined([Line(s) for s in line_pieces(mask > 0, 8.0)], 12.0)[0]
        assert line.length >= 315  # one line, end to end
        shares.append(straight_length(line, 4.0) / line.length)
    assert shares[0] < 0.85 < 0.95 < shares[1]

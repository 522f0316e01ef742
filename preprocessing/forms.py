"""Forms: a printed box round a digit, or a comb of boxes, found and taken out.

A form's lines are printed: long, straight, thin, and square to each other.
A box is a base line with an upright line at each end and a top line; a
comb (for postcodes and account numbers) is a base line with short teeth
between its cells, at regular spacing. The digits written in it are read
one a cell, in the cells' order, and empty cells are skipped. Left in, the
box would go into the 28x28 input with the digit (a 7 in a box reads as
anything but a 7).
"""
from dataclasses import dataclass

import cv2
import numpy as np

SQUARE = np.tan(np.radians(12))  # a form's lines are within 12 degrees of level or upright


@dataclass
class Form:
    """Printed boxes: each cell as (x, y, w, h) in the picture's pixels, in
    order along the form, and the mask of the printed lines."""
    cells: list
    lines: np.ndarray


def find_form(mask, stroke):
    """The printed box or comb in an ink mask (the strokes `stroke` pixels
    wide), or None."""
    h, w = mask.shape
    found = cv2.HoughLinesP(mask.astype(np.uint8) * 255, 1, np.pi / 180, threshold=20,
                            minLineLength=max(12, max(h, w) // 40),
                            maxLineGap=max(2, round(stroke / 2)))
    if found is None:
        return None
    segments = found.reshape(-1, 4).astype(np.float32)
    dx, dy = segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1]
    levels = [_Line(s) for s in segments[np.abs(dy) <= SQUARE * np.abs(dx)]]
    uprights = segments[np.abs(dx) <= SQUARE * np.abs(dy)]
    reach = max(3.0, 1.5 * stroke)  # how far apart two pieces of one printed line may lie
    lines = _joined(levels, reach)
    for base in lines:
        form = _form_on(base, lines, uprights, reach, mask.shape)
        if form is not None:
            return form
    return None


class _Line:
    """A level line: its pieces (Hough's segments), its ends and its slope."""

    def __init__(self, segment):
        x0, y0, x1, y1 = segment if segment[0] <= segment[2] else segment[[2, 3, 0, 1]]
        self.pieces = [segment]
        self.x0, self.x1 = x0, x1
        self.slope = (y1 - y0) / max(x1 - x0, 1.0)
        self.y_at0 = y0 - self.slope * x0

    def y(self, x):
        return self.y_at0 + self.slope * x

    @property
    def length(self):
        return self.x1 - self.x0

    def join(self, other, reach):
        """Take in `other` if it lies on this line (within `reach`) and
        meets it or nearly; say whether it did."""
        middle = (other.x0 + other.x1) / 2
        if abs(other.y(middle) - self.y(middle)) > reach:
            return False
        if other.x0 > self.x1 + 4 * reach or other.x1 < self.x0 - 4 * reach:
            return False
        self.pieces += other.pieces
        self.x0, self.x1 = min(self.x0, other.x0), max(self.x1, other.x1)
        return True


def _joined(levels, reach):
    """Level segments joined into lines, longest first."""
    lines = []
    for line in sorted(levels, key=lambda line: -line.length):
        if not any(kept.join(line, reach) for kept in lines):
            lines.append(line)
    return sorted(lines, key=lambda line: -line.length)


def _form_on(base, lines, uprights, reach, shape):
    """The box or comb whose base line is `base`, if uprights stand on it at
    both ends (and, for a comb, between them, at regular spacing)."""
    length = base.length
    if length < 30:
        return None
    # Upright lines standing on the base (their lower end on it), inside its span.
    teeth = []
    for segment in uprights:
        ux0, uy0, ux1, uy1 = segment
        low, high, x = max(uy0, uy1), min(uy0, uy1), (ux0 + ux1) / 2
        if (abs(low - base.y(x)) <= 2 * reach and base.x0 - reach <= x <= base.x1 + reach
                and base.y(x) - high >= 0.15 * length / 8):
            teeth.append((x, high, segment))
    teeth.sort(key=lambda tooth: tooth[0])
    xs, tops, pieces = [], [], []
    for x, top, segment in teeth:  # pieces of one upright: the same x
        if xs and x - xs[-1] <= reach:
            tops[-1] = min(tops[-1], top)
            pieces[-1].append(segment)
        else:
            xs.append(x)
            tops.append(top)
            pieces.append([segment])
    if len(xs) < 2 or xs[0] - base.x0 > 0.1 * length + reach or base.x1 - xs[-1] > 0.1 * length + reach:
        return None  # no upright at each end: not a box
    # The uprights at both ends stand as high as the box; a cell is about
    # as high as it is wide (a comb's may be wider).
    height = base.y(xs[0]) - min(tops[0], tops[-1])
    cell = float(np.median(np.diff(xs)))
    if height < 0.3 * cell or height > 3 * cell:
        return None
    # A comb's teeth stand at regular spacing; a stroke of a digit standing
    # on the base line does not fit it, and is left to the digit.
    keep = [0]
    for n in range(1, len(xs)):
        if xs[n] - xs[keep[-1]] >= 0.6 * cell:
            keep.append(n)
        elif n == len(xs) - 1:
            keep[-1] = n  # the end upright, not a stray one just before it
    xs, tops = [xs[n] for n in keep], [tops[n] for n in keep]
    pieces = [segment for n in keep for segment in pieces[n]]
    # A top line over the whole span makes it a row of boxes; without one, a comb.
    top = [line for line in lines if line is not base and line.length >= 0.8 * length
           and abs(line.y(xs[0]) - (base.y(xs[0]) - height)) <= 2 * reach]
    cells = []
    for a, b in zip(xs[:-1], xs[1:]):
        bottom = base.y((a + b) / 2)
        ceiling = top[0].y((a + b) / 2) if top else bottom - 1.2 * height
        if b - a > 2 * reach:
            cells.append((int(a + reach), int(ceiling + (reach if top else 0)),
                          int(b - a - 2 * reach), int(bottom - ceiling - (2 if top else 1) * reach)))
    if not cells:
        return None
    mask = np.zeros(shape, np.uint8)
    thick = max(3, int(round(2 * reach)))
    for x0, y0, x1, y1 in base.pieces + pieces + (top[0].pieces if top else []):
        cv2.line(mask, (int(x0), int(y0)), (int(x1), int(y1)), 1, thick)
    return Form(cells, mask > 0)

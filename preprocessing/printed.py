"""Printed lines: Hough's straight pieces of an ink mask, joined into level
lines, and measured as printed.

A printed line is straight all along, as thick everywhere, and has paper
above and below it where nothing is written across it; a pen's stroke is
none of these for long. These are the measures forms.py builds boxes,
combs and lines to write on from: a line's thickness where no digit
crosses it, how much of it is straight, its middle and width as printed,
how much of it lies alone; and a picture turned level or squared up.
"""
from typing import NamedTuple

import cv2
import numpy as np

SQUARE = np.tan(np.radians(12))  # a form's lines are within 12 degrees of level or upright


def line_pieces(mask, stroke):
    """Hough's straight pieces in an ink mask, as rows of x0, y0, x1, y1
    (short pieces too: a comb's teeth may be a third of a cell high)."""
    h, w = mask.shape
    found = cv2.HoughLinesP(mask.astype(np.uint8) * 255, 1, np.pi / 180, threshold=10,
                            minLineLength=max(8, max(h, w) // 80),
                            maxLineGap=max(2, round(stroke / 2)))
    return None if found is None else found.reshape(-1, 4).astype(np.float32)


def level_angle(segments, size):
    """The angle in degrees of the long, nearly level pieces (a quarter of
    the picture long and more), each counted by its length: how far a form
    is turned. 0 if there are none."""
    dx, dy = segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1]
    length = np.hypot(dx, dy)
    long = (np.abs(dy) <= SQUARE * np.abs(dx)) & (length >= size / 4)
    if not long.any():
        return 0.0
    angles = np.degrees(np.arctan(dy[long] / dx[long]))
    order = np.argsort(angles)
    weight = np.cumsum(length[long][order])
    return float(angles[order][np.searchsorted(weight, weight[-1] / 2)])


def turned(img, turn):
    """A mask or a map of ink turned by `turn` (2x3 affine, or a 3x3
    perspective), smoothly: a mask is then thresholded, so that a thin
    slanting line stays whole."""
    h, w = img.shape
    warp = cv2.warpPerspective if turn.shape == (3, 3) else cv2.warpAffine
    if img.dtype == bool:
        return warp(img.astype(np.float32), turn, (w, h), flags=cv2.INTER_LINEAR) >= 0.4
    return warp(img, turn, (w, h), flags=cv2.INTER_LINEAR)


def thickness_of(mask, line):
    """A level line's thickness in pixels: the run of ink across it, where
    no digit's stroke crosses it (a low quartile: crossings only lengthen runs)."""
    h = mask.shape[0]
    runs = []
    for x in np.linspace(line.x0, line.x1, 33)[1:-1].astype(int):
        y = int(round(line.y(x)))
        if not 0 <= y < h or not mask[y, x]:
            continue
        column = mask[:, x]
        top, bottom = y, y
        while top > 0 and column[top - 1]:
            top -= 1
        while bottom < h - 1 and column[bottom + 1]:
            bottom += 1
        runs.append(bottom - top + 1)
    return float(np.percentile(runs, 25)) if runs else 3.0


class Line:
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


def joined(levels, reach):
    """Level segments joined into lines, longest first."""
    lines = []
    for line in sorted(levels, key=lambda line: -line.length):
        if not any(kept.join(line, reach) for kept in lines):
            lines.append(line)
    return sorted(lines, key=lambda line: -line.length)


def alone(mask, printed):
    """The share of a printed line's length where it is all the ink across
    it (ink on the line, none just above or below)."""
    (x0, y0), (x1, y1) = printed.start, printed.end
    half = printed.width / 2
    alone = []
    for t in np.linspace(0, 1, 41)[1:-1]:
        x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        column = mask[:, min(max(int(x), 0), mask.shape[1] - 1)]
        on = column[int(np.clip(y, 0, len(column) - 1))]
        lo, hi = int(y - half - 3), int(y + half + 4)
        beside = column[max(lo - 4, 0):max(lo, 0)].any() or column[hi:hi + 4].any()
        alone.append(on and not beside)
    return float(np.mean(alone))


class Printed(NamedTuple):
    """A printed line as drawn: its middle's two ends (x, y), and its width."""
    start: tuple
    end: tuple
    width: float


def _ends(x0, y0, x1, y1, width):
    return Printed((int(round(x0)), int(round(y0))), (int(round(x1)), int(round(y1))), width)


def middle_of(ink, line, thickness):
    """A level line as printed: its middle (the centres of the ink runs
    across it, fitted by a straight line) and its width."""
    xs, ys, widths = [], [], []
    for x in np.linspace(line.x0, line.x1, 33)[1:-1]:
        y = line.y(x)
        lo, hi = int(y - 2 * thickness) - 1, int(y + 2 * thickness) + 2
        column = ink[max(lo, 0):min(hi, ink.shape[0]), int(x)]
        rows = np.flatnonzero(column)
        if rows.size and rows[-1] - rows[0] <= 2 * thickness + 2:  # the line alone here
            xs.append(x)
            ys.append(max(lo, 0) + (rows[0] + rows[-1]) / 2)
            widths.append(rows[-1] - rows[0] + 1)
    if len(xs) < 4:
        return _ends(line.x0, line.y(line.x0), line.x1, line.y(line.x1), thickness)
    slope, at0 = np.polyfit(xs, ys, 1)
    return _ends(line.x0, at0 + slope * line.x0, line.x1, at0 + slope * line.x1,
                 float(np.median(widths)))


def centre_across(ink, upright, bottom, thickness):
    """An upright as printed, from its foot on the base (at `bottom`) to
    its top: its middle (the centre of the ink across it, halfway up) and
    its width there."""
    x0, y0, x1, y1 = max(upright.pieces, key=lambda p: abs(p[3] - p[1]))
    lean = (x1 - x0) / (y1 - y0) if y1 != y0 else 0.0
    y = int((bottom + upright.top) / 2)
    x = upright.x + lean * (y - bottom)
    lo, hi = int(x - 2 * thickness) - 1, int(x + 2 * thickness) + 2
    row = ink[min(max(y, 0), ink.shape[0] - 1), max(lo, 0):min(hi, ink.shape[1])]
    cols = np.flatnonzero(row)
    shift, width = 0.0, thickness
    if cols.size and cols[-1] - cols[0] <= 2 * thickness + 2:
        shift = max(lo, 0) + (cols[0] + cols[-1]) / 2 - x
        width = cols[-1] - cols[0] + 1
    return _ends(upright.x + shift, bottom, upright.x + shift + lean * (upright.top - bottom),
                 upright.top, width)


def straight_length(line, tolerance):
    """How much of its length across the line's pieces cover that lie on
    one straight line (within `tolerance`): all of a printed line; of a
    loop's flat bottom drawn by hand, only the middle, as it curves away."""
    ends = np.float32([np.reshape(p, (2, 2)) for p in line.pieces]).reshape(-1, 2)
    # The line through its longest piece (a digit's stroke joined to it is
    # shorter, and would pull a fit off the line).
    x0, y0, x1, y1 = max(line.pieces, key=lambda p: np.hypot(p[2] - p[0], p[3] - p[1]))
    length = max(float(np.hypot(x1 - x0, y1 - y0)), 1.0)
    vx, vy = (x1 - x0) / length, (y1 - y0) / length
    off = np.abs((ends[:, 1] - y0) * vx - (ends[:, 0] - x0) * vy).reshape(-1, 2).max(axis=1)
    return _covered([p for p, d in zip(line.pieces, off) if d <= tolerance])


def _covered(pieces):
    """How much of its length across a line's pieces cover, overlaps once."""
    spans = sorted((min(p[0], p[2]), max(p[0], p[2])) for p in pieces)
    covered, reached = 0.0, -np.inf
    for a, b in spans:
        covered += max(0.0, b - max(a, reached))
        reached = max(reached, b)
    return covered


def drawn(printed, shape):
    """The mask of printed lines drawn as printed, and two pixels each side
    (their blurred edges): what is taken out of the ink."""
    mask = np.zeros(shape, np.uint8)
    for line in printed:
        cv2.line(mask, line.start, line.end, 1, int(round(line.width)) + 4)
    return mask > 0


def runs_off(line, width):
    """Whether a level line runs from edge to edge of a picture `width`
    across: a ruled page's line does; a box's, a comb's, ends at its sides."""
    return line.x0 <= 0.02 * width and line.x1 >= 0.98 * width


def standing(segment, base):
    """An upright piece (x0, y0, x1, y1) over a level line: where it meets
    the line, carried down along its lean; its lean (across per pixel, as
    y falls); its lower end's y; and its upper end (x, y)."""
    x0, y0, x1, y1 = segment if segment[1] >= segment[3] else segment[[2, 3, 0, 1]]
    lean = (x1 - x0) / min(y1 - y0, -1.0)
    return x0 + lean * (base.y(x0) - y0), lean, y0, x1, y1

"""Forms: a printed box round a digit, or a comb of boxes, found and taken out.

A form's lines are printed: long, straight, thin, and square to each other.
A box is a base line with an upright line at each end and a top line; a
comb (for postcodes and account numbers) is a base line with short teeth
between its cells, at regular spacing. The digits written in it are read
one a cell, in the cells' order, and empty cells are skipped (cells.py). Left in, the
box would go into the 28x28 input with the digit (a 7 in a box reads as
anything but a 7). A form's line to write on ("Amount: ______") is a
form of one cell, the space over the line: thinner than the pen, and far
longer than the writing standing on it is high; or, drawn with the pen or
printed, twice as long as the writing is high (the number underlined).
"""
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from ._shared import components_with_stats
from .printed import (SQUARE, Line, alone, centre_across, drawn, joined, level_angle, line_pieces,
                      middle_of, runs_off, standing, straight_length, thickness_of, turned)

SQUARE_TO_BASE = np.tan(np.radians(4))  # a form's uprights are within 4 degrees of square to its base
SQUARE_AT_ENDS = np.tan(np.radians(12))  # (its two ends, within 12)
PRINTED_RUN = 15  # a printed line runs straight at least this far (pixels)
ALONG = 0.5  # a pen's stroke along a printed line makes the ink across it this share of a stroke thicker
PEN_PAST = 0.25  # the pen crossing a line runs on past both its edges by this share of a stroke
END_PART = 0.3  # the top of a comb's end left standing is this share of a cell high, and more
END_FOOT = 0.75  # ...and stops this far down the cell
END_THIN = 2.0  # ...and is this many strokes wide at most, however it leans
END_NEAR = 3.0  # ...within this many strokes of the form's end


@dataclass
class Form:
    """Printed boxes: each cell as (x, y, w, h), in order along the form,
    and the mask of the printed lines, both in the pixels of the mask the
    form was found in, or, if `turn` is set, of that mask turned level
    (`level` turns a map so; `back` turns a box back)."""
    cells: list
    lines: np.ndarray
    turn: Optional[np.ndarray] = None  # found turned square by this (2x3 affine, 3x3 perspective), if at all
    line: bool = False  # a line to write on: its one cell holds writing, not one digit

    def inside(self):
        """The mask of what lies inside the cells, less the printed lines."""
        inside = np.zeros(self.lines.shape, bool)
        for x, y, w, h in self.cells:
            inside[max(0, y):y + h, max(0, x):x + w] = True
        return inside & ~self.lines

    def end_tops(self, mask, stroke):
        """The pieces of an ink mask (turned as the form was found) that
        are the top of a comb's end, photographed from one side, leaning
        out of the line drawn for it: thin uprights at the form's very
        ends, from high in the cell, their feet well above the base (a 1
        written there stands on it). None for a form of one cell: a digit
        alone in its box may stand right by its side."""
        tops = np.zeros(mask.shape, bool)
        if len(self.cells) < 2:
            return tops
        n, labels, stats, _ = components_with_stats(mask.astype(np.uint8))
        (x0, y, _, h), (x1, _, w1, _) = self.cells[0], self.cells[-1]
        for i in range(1, n):
            px, py, pw, ph = (int(v) for v in stats[i, :4])
            if (ph < END_PART * h or py > y + h / 2 or py + ph > y + END_FOOT * h or ph < 2 * pw
                    or min(px - x0, x1 + w1 - px - pw) > END_NEAR * stroke):
                continue
            ys, xs = np.nonzero(labels[py:py + ph, px:px + pw] == i)
            _, (a, b), _ = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))
            if min(a, b) <= END_THIN * stroke:
                tops |= labels == i
        return tops

    def pen_on_lines(self, mask, stroke):
        """Where the pen's strokes lie on the printed lines, in an ink mask
        turned as the form was found: (crossing, along).

        crossing: where the ink runs on across a line past both its edges
        (a 7's stem through the box's base, a 4 written over a lone box's
        side), that run is the pen's, and is kept when the lines are taken
        out. along: where the ink across a line is thicker than a bare
        line by half a stroke, a stroke lies along it or touches it (a 0's
        side on the box's side, a 2's foot on its base); whether it is the
        pen's, the network's reading tells (digits_in_cells)."""
        past = max(1.0, PEN_PAST * stroke)
        crossing, along = np.zeros_like(mask), np.zeros_like(mask)
        for lines, others, axis in self._across():
            on = lines & ~others & mask
            if not on.any():
                continue
            ink_from, ink_to = _run_ends(mask & ~others, axis)
            across = ink_to - ink_from + 1
            along |= on & (across >= np.median(across[on]) + max(2.0, ALONG * stroke))
            if axis == 1 and len(self.cells) > 1:
                continue  # (across a side two cells share, two digits touching it would join)
            line_from, line_to = _run_ends(lines, axis)
            crossing |= on & (ink_from <= line_from - past) & (ink_to >= line_to + past)
        return crossing, along

    def _across(self):
        """The level lines, the upright ones, and the axis across each:
        (level, upright, 0) and (upright, level, 1). A line is what runs
        straight a third of a cell's side, far longer than the lines are
        thick; where two cross (a box's corner), neither is the pen's."""
        run = max(PRINTED_RUN, min(min(w, h) for _, _, w, h in self.cells) // 3)
        lines = self.lines.astype(np.uint8)
        level = cv2.morphologyEx(lines, cv2.MORPH_OPEN, np.ones((1, run), np.uint8)) > 0
        upright = cv2.morphologyEx(lines, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8)) > 0
        return (level, upright, 0), (upright, level, 1)

    def empty(self, mask):
        """Whether an ink mask (turned as the form was found) holds nothing
        but the form's own lines (scraps of their blurred edges aside)."""
        return np.count_nonzero(mask & ~self.lines) <= 0.02 * np.count_nonzero(self.lines)

    def level(self, img):
        """A map of the picture (a mask or the ink) turned as the form was
        found: its cells and lines are where they are in it."""
        if self.turn is None:
            return img
        return turned(img, self.turn)

    def back(self, box):
        """A box (x, y, w, h) in the levelled form, in the picture as given:
        the box round its turned corners."""
        if self.turn is None:
            return box
        x, y, w, h = box
        corners = np.float32([[x, y], [x + w, y], [x, y + h], [x + w, y + h]])
        if self.turn.shape == (3, 3):
            corners = cv2.perspectiveTransform(corners[None], np.linalg.inv(self.turn))[0]
        else:
            corners = cv2.transform(corners[None], cv2.invertAffineTransform(self.turn))[0]
        h, w = self.lines.shape
        x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int), (w, h))
        return (int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0)))


LEVEL = 1.0  # a form turned more than this many degrees is turned level first


def find_form(mask, stroke, ruled=False):
    """The printed box or comb in an ink mask (the strokes `stroke` pixels
    wide), or None. ruled: the paper has ruled lines, which are no form's.

    A form photographed turned a little is looked for turned level (its
    long lines' angle taken away), and one photographed from one side is
    looked for squared up (its base and leaning ends made a rectangle): its
    Form says how (`turn`). With no box, a line to write on is one."""
    segments = line_pieces(mask, stroke)
    if segments is None:
        return None
    angle = level_angle(segments, max(mask.shape))
    levelled = None  # the mask turned level, the turn, and its level lines
    if abs(angle) > LEVEL:
        turn = cv2.getRotationMatrix2D((mask.shape[1] / 2, mask.shape[0] / 2), angle, 1.0)
        form, levelled = _find_form_turned(mask, turn, stroke, ruled)
        if form is not None:
            return form
    # Square-on, or the long lines that looked turned were no form's (an
    # underline, a table's edge).
    form, lines = _find_form(mask, segments, stroke, ruled)
    if form is not None:
        return form
    for turn in _squared(mask, segments, lines, stroke):  # photographed from one side
        form, _ = _find_form_turned(mask, turn, stroke, ruled, FORESHORTENED)
        if form is not None:
            return form
    # No box: a line to write on, perhaps, looked for as it lies level first.
    if levelled is not None:
        level, turn, level_lines = levelled
        form = _line_to_write_on(level, level_lines, stroke, ruled)
        if form is not None:
            form.turn = turn
            return form
    return _line_to_write_on(mask, lines, stroke, ruled)


FROM_A_SIDE = np.tan(np.radians(35))  # a form's ends may lean this far in a photo taken from one side
FRAME_THICKER = 1.2  # a frame's base may be this many times as thick as the pen (a bold comb, a fine pen)


def _squared(mask, segments, lines, stroke):
    """Perspectives that would square up a form photographed from one side:
    for each of the longest level lines with an upright at each end (the
    ends may lean up to 35 degrees, converging or leaning together), the
    one that makes the four corners a rectangle, its base and height kept."""
    dx, dy = segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1]
    uprights = segments[np.abs(dx) <= FROM_A_SIDE * np.abs(dy)]
    for base in lines[:3]:
        length, thickness = base.length, thickness_of(mask, base)
        reach = max(3.0, 1.5 * thickness)
        if (length < 30 or thickness > FRAME_THICKER * stroke
                or straight_length(base, reach) < 0.85 * length):
            continue  # (a big 0's bottom is thicker than a printed line)
        ends = []
        for end in (base.x0, base.x1):
            best = None
            for segment in uprights:
                foot, _, uy0, ux1, uy1 = standing(segment, base)
                if (abs(foot - end) <= 0.05 * length + reach and abs(uy0 - base.y(foot)) <= 2 * reach
                        and (best is None or uy1 < best[3])):
                    best = (foot, base.y(foot), ux1, uy1)
            if best is None:
                break
            ends.append(_upright_top(best, uprights, reach))
        if len(ends) < 2:
            continue
        (lx, ly, ltx, lty), (rx, ry, rtx, rty) = ends
        height = (ly - lty + ry - rty) / 2
        if min(ly - lty, ry - rty) < 0.06 * length or abs(ltx - lx) + abs(rtx - rx) < 0.05 * height:
            continue  # no frame, or square already
        if rx - lx < 0.5 * length or rtx - ltx < 0.5 * length:
            continue  # one upright at both ends, or tops crossed: no frame
        corners = np.float32([[lx, ly], [rx, ry], [rtx, rty], [ltx, lty]])
        square = np.float32([[lx, ly], [lx + np.hypot(rx - lx, ry - ly), ly],
                             [lx + np.hypot(rx - lx, ry - ly), ly - height], [lx, ly - height]])
        yield cv2.getPerspectiveTransform(corners, square)


def _upright_top(end, uprights, reach):
    """An end's upright (foot x, foot y, top x, top y) carried on up through
    the pieces Hough found of it: a long line, drawn leaning, comes in
    pieces, and the lowest alone would make the end look short."""
    foot_x, foot_y, top_x, top_y = end
    lean = (top_x - foot_x) / min(top_y - foot_y, -1.0)  # across per pixel up
    for _ in range(len(uprights)):
        above = None
        for segment in uprights:
            x0, y0, x1, y1 = segment if segment[1] >= segment[3] else segment[[2, 3, 0, 1]]
            along = abs((x1 - x0) / min(y1 - y0, -1.0) - lean) <= SQUARE  # about the same lean: the same line
            if along and abs(x0 - top_x) <= reach and abs(y0 - top_y) <= 2 * reach and y1 < top_y - 1:
                if above is None or y1 < above[1]:
                    above = (x1, y1)
        if above is None:
            break
        top_x, top_y = above
    return foot_x, foot_y, top_x, top_y


def _find_form_turned(mask, turn, stroke, ruled, shrinking=(1.0,)):
    """The form in the mask turned by `turn` (2x3 affine or 3x3
    perspective), if any, its Form knowing the turn; and the turned mask,
    the turn and the level lines it was looked for on."""
    level = turned(mask, turn)
    found = line_pieces(level, stroke)
    form, lines = (None, []) if found is None else _find_form(level, found, stroke, ruled, shrinking)
    if form is not None:
        form.turn = turn
    return form, (level, turn, lines)


def _find_form(mask, segments, stroke, ruled, shrinking=(1.0,)):
    """find_form on a mask whose form, if any, lies level, and the level
    lines it was looked for on."""
    h, w = mask.shape
    dx, dy = segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1]
    levels = [Line(s) for s in segments[np.abs(dy) <= SQUARE * np.abs(dx)]]
    uprights = segments[np.abs(dx) <= SQUARE * np.abs(dy)]
    lines = joined(levels, max(3.0, 1.5 * stroke))
    for base in lines:
        if ruled and runs_off(base, w):
            continue  # a ruled page's line, not a box's
        # How far apart two pieces of one printed line may lie: its own
        # thickness, and a little more.
        reach = max(3.0, 1.5 * thickness_of(mask, base))
        form = _form_on(base, lines, uprights, reach, mask, shrinking)
        if form is not None:
            return form, lines
    return None, lines


WRITTEN_ON = 1.2  # a printed line is this many times as long as the writing on it, and more
THINNER = 0.8  # ...and thinner than the pen, this share of its stroke at most
ALONE = 0.3  # ...and has nothing else across it over this share of its length
UNDERLINED = 2.0  # ...or this many times as long, however thick


def _line_to_write_on(mask, lines, stroke, ruled):
    """A form's line to write on (\"Amount: ______\"), as a Form of one cell:
    the space over the line, along it. The longest level line, if it is
    straight and far longer than the writing standing on it is high (a
    7's bar, a 2's foot, are not). None if there is none."""
    if not lines:
        return None
    line = lines[0]
    h, w = mask.shape
    if line.length < 30 or (ruled and runs_off(line, w)):
        return None
    thickness = thickness_of(mask, line)
    # As thick as the pen, it is a stroke of the writing, unless it is long
    # enough to underline it (below).
    thick = thickness > THINNER * stroke
    if straight_length(line, max(3.0, thickness) + 1) < 0.85 * line.length:
        return None
    printed = middle_of(mask, line, thickness)
    if alone(mask, printed) < ALONE:
        return None  # the writing's own foot: digits stand on it all along
    lines_mask = drawn([printed], (h, w))
    # The writing: the pieces over the line, along it (not a label before it).
    n, _, stats, _ = components_with_stats((mask & ~lines_mask).astype(np.uint8))
    x, y, pw, ph = (stats[1:, i] for i in range(4))
    middle = x + pw / 2
    along = (middle >= line.x0) & (middle <= line.x1)
    over = along & (y + ph <= line.y(middle) + 0.5 * ph)
    area = stats[1:, 4]
    if not over.any() or area[over].sum() < 2 * area[along & ~over].sum():
        return None  # nothing written on it, or what hangs from it (a 7's bar)
    tall = ph[over] >= 0.5 * ph[over].max()
    height = float(np.median(ph[over][tall]))
    if line.length < WRITTEN_ON * height or height < 4 * thickness:
        return None
    # Printed first, it reaches past the writing (two 2s' joined feet do
    # not); a line twice as long as the writing is high is the writing
    # underlined, by pen or printed, however far it reaches, unless a line
    # as long lies over the writing (a box's top: the box was missed).
    middle_x = (line.x0 + line.x1) / 2
    boxed = any(other.length >= 0.8 * line.length and other.x0 <= middle_x <= other.x1
                and 0.5 * height <= line.y(middle_x) - other.y(middle_x) <= 3 * height
                for other in lines[1:4])
    if line.length < UNDERLINED * height or boxed or not _free_ends(mask, line, thickness, stroke):
        reach = max(line.x1 - (x + pw)[over].max(), x[over].min() - line.x0)
        if thick or reach < 0.25 * height:
            return None
    bottom = line.y((line.x0 + line.x1) / 2)
    top = max(0.0, bottom - 3 * height)
    cell = (int(max(0, line.x0 - 0.25 * height)), int(top),
            int(line.length + 0.5 * height), int(bottom + 0.5 * height - top))
    return Form([cell], lines_mask, line=True)


def _free_ends(mask, line, thickness, stroke):
    """Whether no stroke rises from either end of a line: an underline's
    ends are its own; three 2s' joined feet begin where the first 2's
    stroke comes down."""
    h, w = mask.shape
    for x in (line.x0, line.x1):
        top = int(line.y(x) - thickness - 2 * stroke)  # (clear of the line's own blurred edge)
        bottom = int(line.y(x) - thickness)
        left, right = int(x - 1.5 * stroke), int(x + 1.5 * stroke) + 1
        if mask[max(0, top):max(0, bottom), max(0, left):min(w, right)].any():
            return False
    return True


def _form_on(base, lines, uprights, reach, ink, shrinking=(1.0,)):
    """The box or comb whose base line is `base`, if uprights stand on it at
    both ends (and, for a comb, between them, at regular spacing)."""
    length = base.length
    if length < 30:
        return None
    # Upright lines standing on the base (their lower end on it), square to
    # it (a printed line, not a pen's stroke; a short piece of a thick line
    # may lean across its width), inside its span.
    found = []
    for segment in uprights:
        ux0, uy0, ux1, uy1 = segment if segment[1] >= segment[3] else segment[[2, 3, 0, 1]]
        lean = (ux1 - ux0) / min(uy1 - uy0, -1.0)  # across per pixel up
        # Where it meets the base. (Carried the wrong way along its lean:
        # `standing` carries it right, but that moved square-on combs; the
        # uprights kept stand within two line widths of the base.)
        x = ux0 + lean * (uy0 - base.y(ux0))
        # A form's ends may lean further: photographed a little from one
        # side, its sides converge or lean together.
        end = min(x - base.x0, base.x1 - x) <= 0.1 * length + reach
        square = SQUARE_AT_ENDS if end else SQUARE_TO_BASE
        if (abs(uy0 - base.y(x)) <= 2 * reach and base.x0 - reach <= x <= base.x1 + reach
                and abs(lean + base.slope) <= square + reach / (uy0 - uy1 + 1)
                and base.y(x) - uy1 >= length / 60):
            found.append(_Upright(x, uy1, [segment]))
    uprights = []
    for upright in sorted(found, key=lambda u: u.x):  # pieces of one upright: the same x
        if uprights and upright.x - uprights[-1].x <= reach:
            uprights[-1].top = min(uprights[-1].top, upright.top)
            uprights[-1].pieces += upright.pieces
        else:
            uprights.append(upright)
    if (len(uprights) < 2 or uprights[0].x - base.x0 > 0.1 * length + reach
            or base.x1 - uprights[-1].x > 0.1 * length + reach):
        return None  # no upright at each end: not a box
    first, last = uprights[0], uprights[-1]
    height = base.y(first.x) - min(first.top, last.top)
    # (A comb of twelve cells is this flat; a comb of one cell, a U, has
    # ends at least five printed lines high.)
    if height < 0.06 * length or height < (8 if len(uprights) > 2 else 5) * reach / 1.5:
        return None
    # A top line over the whole span makes a row of boxes, whose inner sides
    # stand as high as the ends; without one, a comb, whose teeth between
    # cells stand as high as each other, at regular spacing. An upright that
    # does neither is a stroke of a digit written on the line.
    top = [line for line in lines if line is not base and line.length >= 0.8 * length
           and abs(line.y(first.x) - (base.y(first.x) - height)) <= 2 * reach]
    inner = uprights[1:-1]
    if not top:  # a comb's short teeth, which Hough's pieces may miss
        teeth = _teeth(ink, base, reach / 1.5, height, first.x, last.x)
        # (Not the comb's two ends again: tall, they would make the short
        # teeth look like a digit's strokes standing on the line.)
        inner = sorted([u for u in inner + teeth if first.x + reach < u.x < last.x - reach
                        and not _pen_thick(ink, u, base, reach / 1.5)], key=lambda u: u.x)
    if top:
        inner = [u for u in inner if base.y(u.x) - u.top >= 0.85 * height]
    elif inner:
        tall = np.median([base.y(u.x) - u.top for u in inner])
        inner = [u for u in inner if abs(base.y(u.x) - u.top - tall) <= 0.3 * tall]
    # Boxes are wide enough for a digit: a digit's stroke that Hough ran on
    # to both lines splits no box.
    most = int((last.x - first.x) / (0.6 * height)) if top else 12
    xs = _regular(first.x, last.x, [u.x for u in inner], reach, max(most, 1), shrinking)
    if xs is None or (not top and len(xs) == 2 and not _one_cell(base, first, last, reach, height, ink)):
        return None  # a line with a stroke at each end, or uprights at random
    # The cells' sides (a digit's stroke standing on the base is none).
    near = max(reach, 0.08 * (xs[-1] - xs[0]) / (len(xs) - 1))
    uprights = [first] + [u for u in inner if min(abs(u.x - side) for side in xs) <= near] + [last]
    # Printed lines are straight all along: a pen's loop has a flat bit, not
    # a base line under the whole span.
    span = xs[-1] - xs[0]
    thickness = reach / 1.5
    for line in [base] + top[:1]:
        if straight_length(line, max(3.0, thickness) + 1) < 0.85 * span:
            return None
    least = max(12, 7 * thickness, 0.04 * max(ink.shape))
    if min(np.diff(xs)) < least or height < least:
        return None  # cells too small to write a digit in, or lines as thick as a pen's (a loop)
    cells = []
    edge = thickness / 2 + 1  # half the line's thickness, and a pixel
    for a, b in zip(xs[:-1], xs[1:]):
        bottom = base.y((a + b) / 2)
        ceiling = top[0].y((a + b) / 2) if top else bottom - 1.2 * max(height, b - a)
        if b - a > 2 * edge:
            cells.append((int(a + edge), int(ceiling + (edge if top else 0)),
                          int(b - a - 2 * edge), int(bottom - ceiling - (2 if top else 1) * edge)))
    if not cells:
        return None
    # The printed lines, each drawn as wide as it is printed along its
    # middle (not Hough's pieces, which may run along one edge of a thick
    # line and would take a bite out of a digit standing on it).
    for u in uprights:
        if top:  # a box's side reaches its top line (Hough may have found less of it)
            u.top = min(u.top, top[0].y(u.x))
    printed = ([middle_of(ink, line, thickness) for line in [base] + top[:1]]
               + [centre_across(ink, u, base.y(u.x), thickness) for u in uprights])
    return Form(cells, drawn(printed, ink.shape))


def _one_cell(base, first, last, reach, height, ink):
    """Whether a base with an upright at each end and none between is a
    comb of one cell (a U), not a line to write on with a stroke standing
    at each end (1991 written on it): its ends are printed, as thin as a
    printed line, as high as each other, at the base's very ends, and at
    least a quarter as high as it is long (a whole comb whose teeth were
    missed, photographed from one side, is flatter)."""
    thickness = reach / 1.5
    tall = [base.y(u.x) - u.top for u in (first, last)]
    return (first.x - base.x0 <= 2 * reach and base.x1 - last.x <= 2 * reach
            and abs(tall[0] - tall[1]) <= 0.2 * height and min(tall) >= 0.25 * base.length
            and not any(_pen_thick(ink, u, base, thickness) for u in (first, last)))


def _teeth(ink, base, thickness, height, first, last):
    """A comb's teeth: the columns solid with ink just above the base line,
    as thin as a printed line, between its two ends."""
    xs = np.arange(int(first) + 1, int(last))
    if not xs.size:
        return []
    band = max(3, int(0.12 * height))
    above = base.y(xs) - thickness / 2 - 1  # the base line's upper edge
    rows = np.round(above[None, :] - np.arange(1, band + 1)[:, None]).astype(int)
    solid = (ink[np.clip(rows, 0, ink.shape[0] - 1), xs] & (rows >= 0)).mean(axis=0) >= 0.8
    teeth = []
    starts = np.flatnonzero(solid & ~np.r_[False, solid[:-1]])
    ends = np.flatnonzero(solid & ~np.r_[solid[1:], False])
    for a, b in zip(starts, ends):
        if b - a + 1 <= _printed_width(thickness):
            x = float(xs[(a + b) // 2])
            column = ink[:int(above[(a + b) // 2]), int(x)]
            gaps = np.flatnonzero(~column[::-1])
            tall = int(gaps[0]) if gaps.size else column.size
            y = base.y(x)
            teeth.append(_Upright(x, y - tall, [np.float32([x, y, x, y - tall])]))
    return teeth


def _printed_width(thickness):
    """The widest a printed line `thickness` thick looks, blurred: a pen's
    stroke, or a blob of a digit, is wider."""
    return max(2 * thickness, thickness + 3)


def _pen_thick(ink, upright, base, thickness):
    """Whether an upright standing on a comb's base is thicker than a
    printed line wherever it is inked a quarter, half and three quarters
    up: a digit's stroke, drawn with a thicker pen. (A tooth a digit
    touches is thick only there.)"""
    x = int(round(upright.x))
    runs = []
    for share in (0.25, 0.5, 0.75):
        y = int(round(base.y(upright.x) + share * (upright.top - base.y(upright.x))))
        if not (0 <= y < ink.shape[0] and 0 <= x < ink.shape[1]) or not ink[y, x]:
            continue  # (a curved stroke leaves the line Hough fitted)
        row = ink[y]
        left, right = np.flatnonzero(~row[:x][::-1]), np.flatnonzero(~row[x:])
        runs.append((left[0] if left.size else x) + (right[0] if right.size else row.size - x))
    return bool(runs) and min(runs) > _printed_width(thickness)


FORESHORTENED = (1.0, 0.95, 1.05, 0.9, 1.1, 0.85, 1.18, 0.8, 1.25)  # even steps first


def _regular(first, last, inner, reach, most=12, shrinking=(1.0,)):
    """The cells' sides from `first` to `last`, at most `most` cells: the
    regular spacing that most of the inner uprights found stand on (a tooth
    may be missed, and a digit's stroke may stand on the line too); None if
    they fit none. shrinking: how the cells may shrink along the form
    (FORESHORTENED, in a form squared up from a photo taken from one side)."""
    inner = np.asarray(inner, np.float64)
    best, score = None, -np.inf
    for cells, q in ((cells, q) for cells in range(1, most + 1) for q in shrinking):
        # Seen from one side, the cells shrink along the form: their sides
        # are a projective map of even steps (the first cell about the
        # mean width over q, the last about q times it).
        t = np.linspace(0, 1, cells + 1)
        sides = first + (last - first) * t / (t + q * (1 - t))
        if cells > 1 and (last - first) / cells < 4 * reach:
            break
        near = (np.abs(inner[:, None] - sides[None, 1:-1]) <= max(reach, 0.08 * (last - first) / cells)
                if len(inner) and cells > 1 else np.zeros((len(inner), cells - 1), bool))
        hit = int(near.any(axis=0).sum())
        stray = int((~near.any(axis=1)).sum())
        # Most of the sides found, few uprights off them; each side missed
        # counts against a spacing (digits' strokes standing on the base
        # line fit one twice as fine, in part).
        missed = cells - 1 - hit
        if (hit >= 0.6 * (cells - 1) and (stray <= max(hit, 1) or cells == 1)
                and hit - missed > score):
            best, score = sides, hit - missed
    return None if best is None else list(best)


@dataclass
class _Upright:
    x: float  # where it meets the base line
    top: float  # its upper end
    pieces: list  # Hough's segments along it


def _run_ends(mask, axis):
    """Each pixel of a mask: where the run of set pixels through it starts
    and ends (inclusive), down the columns (axis 0) or along the rows
    (axis 1), as a row or column number; 0 where unset."""
    size = mask.shape[axis]
    lines = np.pad(mask.T if axis == 0 else mask, ((0, 0), (0, 1))).ravel()
    at = np.arange(lines.size) % (size + 1)
    starts = lines & ~np.r_[False, lines[:-1]]
    ids = np.cumsum(starts) * lines
    first = np.r_[0, at[starts]]
    last = first + np.bincount(ids, minlength=first.size) - 1
    ends = [(e[ids] * lines).reshape(-1, size + 1)[:, :-1] for e in (first, last)]
    return [e.T if axis == 0 else e for e in ends]

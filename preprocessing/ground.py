"""The ground: the paper or board the digit is on, made plain.

A frame along the picture's edges (a scanner's black border, the line round
a drawing app's canvas) is cut off. In a photo of a sheet lying on a table
(a sticky note on a desk, a board on a wall) the sheet's straight edges are
found and the table is painted over with the paper's level. A hard,
straight-edged shadow over the digit is lit up to the paper beside it.
Each of these would otherwise be taken for the paper or for a huge stroke.
A house number's plate, once the search has taken it for ink
(frames.plate_round), becomes the ground the same way (`on_plate`).
"""
from dataclasses import dataclass
from typing import NamedTuple, Optional

import cv2
import numpy as np

from ._shared import canny, resize_longest
from .colour import ink_is_dark


class Frame(NamedTuple):
    """A frame's width in pixels along each side (0: none there)."""
    top: int
    bottom: int
    left: int
    right: int


class ShadowEdge(NamedTuple):
    """A hard shadow's straight edge, as found in the small copy: the line
    (rho as a share of the longest side, theta), the side the shadow lies
    on (+1 or -1) and how much darker it is (the paper's level over the
    shadow's)."""
    rho: float
    theta: float
    side: int
    gain: float


class Shadow(NamedTuple):
    """A shadow ready to light up (see relight): its edge, fitted in the
    working copy, and the gain at each distance across it (distances as
    shares of the picture's longest side)."""
    rho: float
    theta: float
    side: int
    across: np.ndarray
    gains: np.ndarray


class _Table(NamedTuple):
    table: Optional[np.ndarray]  # the table beyond the sheet's edges, or None
    shadow: Optional[ShadowEdge]  # a hard shadow's edge with ink in it, or None


class _TableSide(NamedTuple):
    side: int  # +1 or -1: the table lies on this side of the line
    paper: float  # the paper's grey level beside the edge...
    table: float  # ...and the table's


@dataclass
class Ground:
    """The sheet or board the digit is on.

    picture: the working copy with what lies around the sheet painted over
    and a hard shadow lit up; dark_ink: True for pen on paper, False for
    chalk on a board; around: the mask painted over (None if nothing);
    shadow: the shadow lit up (None if none).
    """
    picture: np.ndarray
    dark_ink: bool
    around: Optional[np.ndarray] = None
    shadow: Optional[Shadow] = None


# A frame round the picture --------------------------------------------------------

FRAME_MAX = 0.08  # a frame is at most this wide, relative to the picture's side


def find_frame(work):
    """The widths in pixels (top, bottom, left, right) of a frame along the
    picture's sides, 0 where there is none; or None if there is none at all.

    A frame is a band of rows (or columns) from the border in, all of one
    level and empty (each row keeps to its own smooth course), far from the
    level that most of the empty rows share, and meeting it sharply (a
    shadow's edge is soft). It is narrow, so it is not a table: under
    FRAME_MAX, and fewer rows than the empty ones inside it.
    """
    widths = []
    for strip in (work, work[::-1], work.T, work.T[::-1]):  # top, bottom, left, right
        depth, length = int(FRAME_MAX * strip.shape[0]) + 1, strip.shape[1]
        # The rows' middles, clear of the frame along the other sides.
        cut = int(FRAME_MAX * length)
        strip = strip[:depth, cut:length - cut].astype(np.float32)
        # Empty: nearly all of the row within a few grey levels of its own
        # smooth course, which follows uneven light but not strokes.
        course = cv2.blur(strip, (max(1, strip.shape[1] // 4), 1))
        empty = np.mean(np.abs(strip - course) <= 16, axis=1) >= 0.9
        marked = np.flatnonzero(~empty)
        end = marked[0] if marked.size else depth  # rows before this one are empty
        if end < 3:
            widths.append(0)
            continue
        level = np.median(strip[:end, ::4], axis=1)  # every 4th pixel: fast, and plenty
        ground = np.median(level)  # most empty rows are the ground
        far = np.abs(level - ground) >= 48
        band = int(np.argmin(far))  # the rows from the border that are far from it
        sharp = band + 1 < end and abs(level[band + 1] - ground) <= 16
        flat = band and np.ptp(level[:band]) <= 24
        widths.append(band + 1 if sharp and flat else 0)  # and the blurred row after it
    # A frame runs along two sides or more: along one, a band could be a
    # tightly cropped digit's bar (the top of a 7).
    return Frame(*widths) if np.count_nonzero(widths) >= 2 else None


# A sheet of paper photographed on a table --------------------------------------
#
# The table around the sheet is darker than the paper and reaches the
# picture's border, so it looks like a huge stroke: it hides the digit and
# swamps the measure of the paper's grain. We find the sheet's straight edges
# and paint the table over with the paper's level. A board on a lighter wall
# is the same the other way round.

EDGE_SIZE = 160  # longest side of the copy the sheet's edges are looked for in
TABLE_DARKNESS = 0.75  # a table is at most this bright, relative to the sheet


def find_ground(work):
    """The sheet or board the digit is on, and which way round its ink is.

    Returns a Ground: the picture with anything around the sheet or board
    painted over (and a hard shadow lit up), which way round its ink is,
    what was painted over and the shadow.
    """
    small, _ = resize_longest(work, EDGE_SIZE, EDGE_SIZE)
    table, shadow = _find_table(small, resize_longest(work, 2 * EDGE_SIZE, 2 * EDGE_SIZE)[0])
    if shadow is not None and table is None:
        # A hard shadow across the page, with ink in it: light it up to the
        # paper beside it, or its darkness would be taken for ink or ground.
        # (Beside a sheet on a table, marks beyond an edge are more likely
        # things lying on the table: left as they are.)
        shadow = _shadow_profile(work, shadow, max(small.shape))
        work = relight(work, shadow)  # (small is looked at no more: no table, no wall)
    else:
        shadow = None
    if table is not None:
        # A sheet on a darker table: paper, so dark ink. (A board in a
        # darker frame looks the same, but both ways of looking at it see
        # light ink.)
        painted, table = _paint_over(work, small, table)
        return Ground(painted, ink_is_dark(painted) or ink_is_dark(work), table, shadow)
    # A board on a lighter wall. A board fills most of its photo and holds
    # light ink; a big marker stroke beside lit paper can look like one, but
    # then much of the "board" is paper, as light as the wall.
    wall = None if shadow is not None else _find_table(255 - small).table
    if wall is not None and wall.mean() <= 0.4 and _few_light_marks(small, wall):
        board, wall = _paint_over(255 - work, 255 - small, wall)
        if not ink_is_dark(255 - board):
            return Ground(255 - board, False, wall, None)
    return Ground(work, ink_is_dark(work), None, shadow)


def on_plate(work, plate, plate_was_dark):
    """The ground of a plate (its mask in `work`) taken for ink: the wall
    round it painted over in the plate's own level, two pixels in from its
    edge (past its blurred rim), and its ink the other way round from the
    plate. None if nothing is left of the plate inside that."""
    inner = cv2.erode(plate.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if not inner.any():
        return None
    painted = work.copy()
    painted[~inner] = np.uint8(np.median(work[inner]))
    return Ground(painted, not plate_was_dark, ~inner, None)


def as_it_is(work):
    """The ground of a picture taken as it is: nothing painted over, no
    shadow lit up (what looked like a table was a stroke of the digit)."""
    return Ground(work, ink_is_dark(work), None, None)


def _few_light_marks(small, wall):
    """Whether marks nearer the wall's level than the board's cover at most
    a quarter of the board: chalk strokes do, lit paper beside a marker
    stroke does not."""
    board = small[~wall]
    middle = (float(np.median(small[wall])) + float(np.median(board))) / 2
    return np.mean(board > middle) <= 0.25


def _find_table(small, fine=None):
    """Where the picture (`small`: at most EDGE_SIZE across) shows the table
    beyond the sheet's edges, and the edge of a hard shadow with ink in it:
    a _Table of a mask (or None) and a ShadowEdge (or None).

    fine: a copy about twice as big, to see strokes in a shadow by.

    A sheet's edge is a long, straight, sharp step from the paper down to a
    darker table; the table stays dark out to the picture's border and the
    paper stays light well into the sheet. Most shadows' edges are soft, a
    stroke's far side is paper again, and chalk on a board leaves light marks
    on the "table": none of them is taken for a sheet's edge.
    """
    grey = cv2.GaussianBlur(small, (0, 0), 1.0).astype(np.float32)
    longest = max(small.shape)
    found = cv2.HoughLines(canny(small, 40, 100), 1, np.pi / 360, longest // 5)
    if found is None:
        return _Table(None, None)
    lines = found[:30, 0]
    edges = _table_sides(grey, lines)
    if not any(edges):  # most pictures: no edge to look at closely
        return _Table(None, None)
    ys, xs = np.indices(small.shape)
    # Closing fills marks narrower than about 7 pixels of `small` (strokes)
    # with their surroundings: how far a pixel lies below it is how deep a
    # mark it is. Measured on the finer copy, where small digits' strokes
    # show.
    fine = small if fine is None else fine
    f = max(fine.shape) / longest
    fine = cv2.GaussianBlur(fine, (0, 0), 1.0).astype(np.float32)
    size = 2 * round(3.5 * f) + 1
    depth = cv2.morphologyEx(fine, cv2.MORPH_CLOSE,
                             cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))) - fine
    fys, fxs = np.indices(fine.shape) / f
    shadow = None
    table = np.zeros(small.shape, bool)
    table_dark = np.zeros(small.shape, bool)  # as dark as a table, near its edge
    middles = []  # between paper and table, for each edge found
    for (rho, theta), edge in zip(lines, edges):
        if edge is None:
            continue
        side, paper, dark = edge.side, edge.paper, edge.table
        across = (xs * np.cos(theta) + ys * np.sin(theta) - rho) * side
        middle = (paper + dark) / 2
        # Chalk on a board whose frame looked like a sheet's edge: the
        # "table" holds marks as light as paper.
        beyond = across > 6
        if np.count_nonzero(grey[beyond] > middle) > 0.002 * grey.size:
            continue
        # A hard shadow's edge with the digit in the shadow: it holds deep,
        # narrow marks, strokes. (A table's grain is shallow, and a shadow
        # on the table is wide.) A stroke is at most as deep as its ground
        # is bright.
        deep = max(min(0.5 * (paper - dark), 0.4 * dark), 20)
        far = (fxs * np.cos(theta) + fys * np.sin(theta) - rho) * side > 6
        if np.count_nonzero(far & (depth > deep)) > 0.0005 * fine.size:
            if shadow is None:
                shadow = ShadowEdge(rho / longest, theta, side, paper / max(dark, 1.0))
            continue
        table |= across > -2  # from a little inside the sheet: the edge's blur
        table_dark |= (grey < middle) & (across > -6)
        middles.append(middle)
    # What is left must be the sheet, a tenth of the picture or more (a
    # sticky note) and a quarter of it wide: mostly paper. (A light stroke
    # on a dark ground has straight edges too: a 1 in MNIST's own colours.)
    if (not middles or table.mean() > 0.9 or np.median(grey[~table]) < np.median(middles)
            or cv2.distanceTransform((~table).astype(np.uint8), cv2.DIST_L2, 3).max() < longest / 8):
        return _Table(None, shadow)
    # The lines are straight to a pixel or two: take in the table's dark
    # pixels just beyond them, along the sheet's edges and the border.
    for _ in range(4):
        table |= (cv2.dilate(table.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & table_dark
    return _Table(table, shadow)


def _shadow_profile(work, edge, small_size):
    """How much to brighten each distance across a hard shadow's edge:
    the edge as it is in `work`, its median along the whole line (which a
    digit crossing it does not move). small_size: the longest side of the
    copy the edge was found in, whose pixel is the unit of _table_sides.

    Returns the Shadow that relight takes.
    """
    rho, theta, side, gain = edge
    longest = max(work.shape)
    across = np.linspace(-4, 4, 65) / small_size  # table_side's paper and table, and between

    def profile(rho, theta):  # levels across, where all of them lie in the picture
        points, steps = _chord(work.shape, rho * longest, theta, 2.0)
        levels = _levels_across(work, points, theta, side * across * longest).T
        inside = ~np.isnan(levels).any(axis=1)
        return levels[inside], steps[inside]

    for _ in range(2):  # find the edge's profile; fit the line to it; again
        levels, steps = profile(rho, theta)
        if len(steps) < 32:  # a line through a corner: fade in over the same width
            return Shadow(rho, theta, side, across[[0, -1]], np.array([1.0, gain]))
        # Where each stretch of 16 samples (32 pixels) crosses halfway
        # from paper to shadow: the edge's true place along the line.
        n = len(steps) // 16
        stretches = np.median(levels[:n * 16].reshape(n, 16, -1), axis=1)
        half = (np.median(levels[:, 0]) + np.median(levels[:, -1])) / 2
        below = stretches < half
        crossed = below.any(axis=1) & ~below[:, 0]
        first = np.argmax(below, axis=1)[crossed]
        before, after = stretches[crossed, first - 1], stretches[crossed, first]
        where = across[first - 1] + (across[first] - across[first - 1]) * (before - half) / (before - after)
        at = steps[:n * 16].reshape(n, 16).mean(axis=1)[crossed] / longest
        if len(at) < 3:
            break
        fit = np.polyfit(at, where, 1)
        good = np.abs(np.polyval(fit, at) - where) < 1 / small_size  # not where a stroke crosses
        if good.sum() >= 3:
            fit = np.polyfit(at[good], where[good], 1)
        # The edge lies fit[1] + fit[0] * t beyond the old line, t along
        # it: move the line by fit[1] and turn it by atan(fit[0]).
        turn = -side * np.arctan(fit[0])
        rho, theta = (rho + side * fit[1]) * np.cos(turn), theta + turn
    level = np.median(profile(rho, theta)[0], axis=0)  # on the fitted line
    return Shadow(rho, theta, side, across, np.clip(level[0] / np.maximum(level, 1.0), 1.0, gain))


def _chord(shape, rho, theta, step):
    """Points `step` pixels apart along the line (rho, theta), where it
    crosses a picture of `shape` (with a few pixels' margin), and how far
    along the line each lies."""
    h, w = shape
    along = np.arange(-(h + w), h + w, step)
    points = rho * np.array([np.cos(theta), np.sin(theta)]) + along[:, None] * np.array(
        [-np.sin(theta), np.cos(theta)])
    keep = (points[:, 0] >= -4) & (points[:, 0] <= w + 3) & (points[:, 1] >= -4) & (points[:, 1] <= h + 3)
    return points[keep], along[keep]


def _levels_across(grey, points, theta, offsets):
    """The grey level at each distance in `offsets` across the line of
    angle theta through `points`: one row per offset, NaN outside."""
    h, w = grey.shape
    normal = np.array([np.cos(theta), np.sin(theta)])
    x, y = (points[None] + offsets[:, None, None] * normal).transpose(2, 0, 1)
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    level = np.full(x.shape, np.nan, np.float32)
    level[inside] = grey[np.round(y[inside]).astype(int), np.round(x[inside]).astype(int)]
    return level


def relight(img, shadow, corner=(0, 0), longest=None):
    """Brighten the shadowed side of a hard shadow's edge to the paper's
    level, by _shadow_profile's gain at each distance across the edge.

    img may be a window of a bigger picture: its top left `corner`, that
    picture's `longest` side.
    """
    rho, theta, side, across, gains = shadow
    longest = longest or max(img.shape)
    ys, xs = np.ogrid[corner[0]:corner[0] + img.shape[0], corner[1]:corner[1] + img.shape[1]]
    distance = ((xs * np.cos(theta) + ys * np.sin(theta)) / longest - rho) * side
    lift = np.interp(distance, across, gains).astype(np.float32)
    return np.clip(img * lift, 0, 255).astype(np.uint8)


def _table_sides(grey, lines):
    """For each line (rho, theta), where a table lies beyond a sheet's edge
    along it: its side (+1 or -1), the paper's and the table's grey levels
    (a _TableSide); or None when the line is not a sheet's edge.

    All the lines at once, each along the same points as _chord's and
    _levels_across's (in their number types: HoughLines gives float32), in
    rows padded where a line is outside the picture: a Python loop over
    lines took a tenth of a picture's time.
    """
    h, w = grey.shape
    stretch = max(h, w) // 4
    rho, theta = lines[:, :1], lines[:, 1:]
    cos, sin = np.cos(theta), np.sin(theta)
    along = np.arange(-(h + w), h + w, 1.0)
    px, py = rho * cos + along * -sin, rho * sin + along * cos
    on = (px >= -4) & (px <= w + 3) & (py >= -4) & (py <= h + 3)  # the chord's points
    cos, sin = cos.astype(np.float64), sin.astype(np.float64)

    def levels(offset):  # the grey level `offset` across each line, NaN outside
        x, y = px + offset * cos, py + offset * sin
        inside = on & (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
        values = np.full(x.shape, np.nan, np.float32)
        values[inside] = grey[np.round(y[inside]).astype(int), np.round(x[inside]).astype(int)]
        return values

    # Distances in pixels of the EDGE_SIZE copy: 4 is 2.5% of the picture.
    # Most lines (grain, strokes) have no step this big: done.
    near = {d: levels(d) for d in (-4.0, 4.0)}
    with np.errstate(invalid="ignore"):
        steps = (near[4] < TABLE_DARKNESS * near[-4]) | (near[-4] < TABLE_DARKNESS * near[4])
    stepped = (on.sum(axis=1) >= stretch) & (np.count_nonzero(steps, axis=1) >= 0.8 * stretch)
    sides = [None] * len(lines)
    if not stepped.any():
        return sides
    px, py, on, cos, sin = px[stepped], py[stepped], on[stepped], cos[stepped], sin[stepped]
    away = np.array([1.5, 4, 10, 16, 24, 36, 54, 80, 120, 180, 270])
    at = {d: levels(d) for d in np.concatenate((-away, away))}
    found = {}
    for side in (1, -1):  # the table on this side, the sheet on the other
        with np.errstate(invalid="ignore"):
            paper, table = at[-4 * side], at[4 * side]
            edge = (table < TABLE_DARKNESS * paper) & (
                at[-1.5 * side] - at[1.5 * side] > 0.5 * (paper - table))
            for offset in away[2:]:  # dark out to the border
                far = at[offset * side]
                edge &= np.isnan(far) | (far < TABLE_DARKNESS * paper)
            # Light well into the sheet, at two of three depths, along most
            # of the edge: a stroke's far side is dark again all along it,
            # while a digit filling a small note crosses only part of it.
            count = np.count_nonzero(edge, axis=1)
            light = sum(np.count_nonzero(edge & (table < TABLE_DARKNESS * at[-offset * side]), axis=1)
                        > 0.5 * count for offset in (10, 16, 24))
        # Most of a stretch a quarter of the picture long (a knot in the
        # wood, a speck on the paper may break it here and there); off the
        # chord nothing is an edge, so padding adds nothing to a stretch.
        running = np.concatenate((np.zeros((len(edge), 1)), np.cumsum(edge, axis=1)), axis=1)
        longest = (running[:, stretch:] - running[:, :-stretch]).max(axis=1)
        found[side] = (light >= 2) & (longest >= 0.8 * stretch), paper, table, edge
    for row, line in enumerate(np.flatnonzero(stepped)):
        for side in (1, -1):
            ok, paper, table, edge = found[side]
            if ok[row]:
                sides[line] = _TableSide(side, float(np.median(paper[row][edge[row]])),
                                         float(np.median(table[row][edge[row]])))
                break
    return sides


def runs_along(found, around):
    """Whether the digit's strokes touch the table or wall painted over, as
    a stroke cut in two by the painting would (a digit on a sheet stays
    clear of its edge)."""
    near = cv2.dilate(around.astype(np.uint8), np.ones((5, 5), np.uint8))
    return bool((found & (near > 0)).any())


def _paint_over(work, small, hidden):
    """Paint what `hidden` marks (a mask at the size of `small`, a shrunk
    copy of work) with the level of the paper next to it. Returns the
    painted picture and the mask at its size."""
    level = cv2.inpaint(cv2.medianBlur(small, 5), hidden.astype(np.uint8), 5, cv2.INPAINT_TELEA)
    size = work.shape[::-1]
    level = cv2.resize(level, size, interpolation=cv2.INTER_LINEAR)
    hidden = cv2.resize(hidden.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    return np.where(hidden, level, work), hidden


class Framed(NamedTuple):
    """A picture without its frame, and where it lies in the picture with it."""
    img: np.ndarray
    top: int
    left: int


def cut_frame(img, work, scale):
    """The picture without the frame that find_frame sees in `work`, its
    working copy at `scale`, and the frame's width above and to the left."""
    frame = find_frame(work)
    if frame is None:
        return Framed(img, 0, 0)
    h, w = img.shape
    top, bottom, left, right = (int(np.ceil(k / scale)) for k in frame)
    return Framed(img[top:h - bottom, left:w - right], top, left)

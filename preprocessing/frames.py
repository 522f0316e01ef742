"""Frames and plates: what a house number is mounted on, taken out.

A house number's plate has a rim with rounded corners; a number on a page
may have a ring drawn round it; a box photographed askew may have corners
Hough's straight pieces miss. None of these is a form's straight lines,
but each is one piece of ink round the writing, holding it in its hole,
or, open on one side, along its edges. Left in, the frame goes into the
28x28 input with the digits ("400" on a plate read as one 0). Found, it
is a Form of one cell, the frame's inside, read as a box's is.

A plate darker than its wall, or lighter and taken for ink, is found as
the biggest piece of ink, nearly a rectangle, its holes the digits: the
pipeline then makes it the ground (ground.on_plate) and looks again.
"""
import cv2
import numpy as np

from ._shared import components_with_stats, stroke_width
from .forms import Form

RING = 0.4  # a closed frame's hole is this share of its box, and more: a ring, not a blob
BORDER = 0.12  # an open frame's ink lies within this share of its rectangle's shorter side from its edge
ALONG = 0.95  # ...this share of it, at least
HOLDS = 0.3  # the writing inside is this share of the frame's height, and more
OPEN = 1.5  # a frame open on two sides is this many times as tall as what it holds, and more
CANDIDATES = 3  # the largest pieces of ink are looked at, no more


def frame_round(mask, stroke):
    """The frame round the writing in an ink mask (the strokes `stroke`
    pixels wide), as a Form of one cell, or None.

    A frame is one of the largest pieces of ink, wider and taller than a
    few strokes, that holds other pieces in it, the tallest of them a good
    share of its height (a 0 with a speck inside is no frame), clear of
    it by a stroke (a 0's slash is no digit in a frame). It holds them in
    its largest hole, most of its box (a ring, a rim), or, open on a side
    (a plate's rim cut where it meets the plate's edge), along the edges
    of its turned bounding rectangle, all its ink there, along three
    sides, or two if it is half as tall again as what it holds."""
    mask = np.asarray(mask, bool)
    n, labels, stats, _ = components_with_stats(mask.astype(np.uint8))
    if n < 3:
        return None  # a frame and something in it are two pieces at least
    area = stats[1:, 2].astype(np.int64) * stats[1:, 3]
    for i in np.argsort(-area)[:CANDIDATES] + 1:
        x, y, w, h = (int(v) for v in stats[i, :4])
        if min(w, h) < 4 * stroke:
            continue
        piece = labels == i
        inside, sides = _hole(piece, x, y, w, h), 4
        if inside is None:
            inside, sides = _along_edges(piece, stroke)
        if inside is None:
            continue
        # The pieces inside it: all their ink there.
        held = np.bincount(labels[inside & mask], minlength=n)
        whole = (held > 0) & (held >= stats[:, cv2.CC_STAT_AREA])
        whole[0] = whole[i] = False
        hx, hy, hw, hh = cv2.boundingRect(inside.astype(np.uint8))
        tallest = stats[whole, cv2.CC_STAT_HEIGHT].max() if whole.any() else 0
        if tallest < HOLDS * hh:
            continue  # empty, or specks in a loop
        if sides < 3 and h < OPEN * tallest:
            continue  # two sides, no taller than what they hold: a 7's bar and stem
        # What a frame holds keeps clear of it by a stroke (a 0's slash,
        # which nearly meets the 0 at both ends, does not).
        clear = cv2.distanceTransform((~piece).astype(np.uint8), cv2.DIST_L2, 3)
        if clear[np.isin(labels, np.flatnonzero(whole))].min() < stroke:
            continue
        rim = cv2.dilate(piece.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        return Form([(hx, hy, hw, hh)], rim)
    return _between_uprights(mask, labels, stats, stroke)


PAIR = 1.25  # two uprights flanking the writing are this many times as tall as it, and more
PAIR_THIN = 2.5  # ...and this many strokes wide at most, and a tenth of their height for a lean
PAST = 0.08  # ...and reach this share of their height past the writing, above it and below (1s stand on its line)


def _between_uprights(mask, labels, stats, stroke):
    """A frame of which only the sides are left, as a Form of one cell, or
    None: a plate's rim whose top and bottom went with the plate's edge
    (the plate taken for a sheet of paper, its edge cut off). Two thin
    uprights as tall as each other, all the other ink between them, much
    taller than any of it, and reaching past it above and below: two tall
    1s at a number's ends stand on its line."""
    order = np.argsort(stats[1:, cv2.CC_STAT_LEFT]) + 1
    if len(order) < 3:
        return None
    (lx, ly, lw, lh), (rx, ry, rw, rh) = (stats[i, :4].astype(int) for i in (order[0], order[-1]))
    rest = stats[order[1:-1]]
    left_end, right_end = rest[:, 0].min(), (rest[:, 0] + rest[:, 2]).max()
    tallest = rest[:, cv2.CC_STAT_HEIGHT].max()
    top, bottom = max(ly, ry), min(ly + lh, ry + rh)
    if (max(lw, rw) > PAIR_THIN * stroke + 0.1 * max(lh, rh)  # (a lean is width too)
            or min(lh, rh) < PAIR * tallest or min(lh, rh) < 0.85 * max(lh, rh)
            or bottom - top < 0.85 * min(lh, rh)
            or left_end < lx + lw + stroke or right_end > rx - stroke
            or rest[:, 1].min() < top or (rest[:, 1] + rest[:, 3]).max() > bottom):
        return None
    # Each reaches past the writing beside it, above and below (measured
    # beside it: the plate may be turned).
    for (_, y, _, h), beside in (((lx, ly, lw, lh), rest[np.argmin(rest[:, 0])]),
                                 ((rx, ry, rw, rh), rest[np.argmax(rest[:, 0] + rest[:, 2])])):
        if beside[1] < y + PAST * h or beside[1] + beside[3] > y + h - PAST * h:
            return None
    sides = np.isin(labels, [order[0], order[-1]])
    lines = cv2.dilate(sides.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return Form([(int(lx + lw), int(top), int(rx - lx - lw), int(bottom - top))], lines)


def _hole(piece, x, y, w, h):
    """The mask of a piece's largest hole if it is most of the piece's box
    (a ring, not a blob), else None."""
    box = piece[y:y + h, x:x + w].astype(np.uint8)
    contours, hierarchy = cv2.findContours(box, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    holes = [c for c, link in zip(contours, hierarchy[0]) if link[3] >= 0] if contours else []
    if not holes:
        return None
    filled = np.zeros(piece.shape, np.uint8)
    cv2.drawContours(filled, [max(holes, key=cv2.contourArea)], -1, 1, cv2.FILLED, offset=(x, y))
    hole = (filled > 0) & ~piece
    return hole if np.count_nonzero(hole) >= RING * w * h else None


def _along_edges(piece, stroke):
    """The inside of a piece's turned bounding rectangle, a band in from
    its edges, if all the piece's ink lies in that band along two of its
    sides at least, else None; and how many sides it runs along."""
    ys, xs = np.nonzero(piece)
    (cx, cy), (w, h), angle = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))
    band = max(2 * stroke, BORDER * min(w, h))
    if min(w, h) < 3 * band:
        return None, 0
    inner = np.zeros(piece.shape, np.uint8)
    corners = cv2.boxPoints(((cx, cy), (w - 2 * band, h - 2 * band), angle))
    cv2.fillPoly(inner, [np.round(corners).astype(np.int32)], 1)
    inner = inner > 0
    if np.count_nonzero(piece & inner) > (1 - ALONG) * len(xs):
        return None, 0  # ink across its middle
    # Which sides it runs along: each side's band, cut in ten along it,
    # has ink in most of its tenths.
    t = np.radians(angle)
    u = (xs - cx) * np.cos(t) + (ys - cy) * np.sin(t)  # along the rectangle's w side
    v = -(xs - cx) * np.sin(t) + (ys - cy) * np.cos(t)  # along its h side
    sides = 0
    for across, along, half, length in ((u, v, w / 2, h), (-u, v, w / 2, h),
                                        (v, u, h / 2, w), (-v, u, h / 2, w)):
        near = across >= half - band
        tenths = np.unique(np.clip(((along[near] + length / 2) / length * 10).astype(int), 0, 9))
        sides += len(tenths) >= 7
    return (inner, sides) if sides >= 2 else (None, sides)


# A plate: the ground is a piece of the picture, the digits its holes ----------------

SQUARE_FILL = 0.9  # a plate fills its turned bounding rectangle this well (an oval 0: 0.79)
SOLID = 0.3  # ...and its holes are at most this share of it (a bold digit in a box: 43-46%)
MARGIN = 2.5  # ...and keep this many of their strokes from its edge (plates 2.8-8, bold digits 0.9-2.2),
TIGHT = 1.2  # ...or this many, if a hole is a digit's shape (bold fonts on tight plates: 1.5-3)


def plate_round(found):
    """The mask of a plate the digits are on, in the search's mask of ink
    (`found`), or None: a house number's plate, darker than the wall or
    lighter, taken for ink because it stands out of the wall; the digits
    are then its holes.

    A plate is the biggest piece of ink, clear of the picture's edges,
    nearly a rectangle (turned or not, its corners rounded or not), with
    holes as tall as a digit in it, a few of their strokes in from its
    edge. Its mask is its outline filled, holes and all."""
    n, labels, stats, _ = components_with_stats(found.astype(np.uint8))
    if n < 2:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = (int(v) for v in stats[i, :4])
    if x == 0 or y == 0 or x + w == found.shape[1] or y + h == found.shape[0]:
        return None  # a board or a sheet: the ground's own business
    piece = (labels == i).astype(np.uint8)
    contours, _ = cv2.findContours(piece, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    outline = max(contours, key=cv2.contourArea)
    (_, _), (rw, rh), _ = cv2.minAreaRect(outline)
    if cv2.contourArea(outline) < SQUARE_FILL * rw * rh:
        return None
    filled = np.zeros(found.shape, np.uint8)
    cv2.drawContours(filled, [outline], -1, 1, cv2.FILLED)
    holes = (filled > 0) & (piece == 0)
    if np.count_nonzero(holes) > SOLID * np.count_nonzero(filled):
        return None  # a frame round the digits, or a digit in a box (a plate's holes: 8-21%)
    m, _, hole_stats, _ = components_with_stats(holes.astype(np.uint8))
    if m < 2 or hole_stats[1:, cv2.CC_STAT_HEIGHT].max() < HOLDS * min(rw, rh):
        return None
    # A plate's digits keep clear of its edge by a few of their strokes; a
    # bold digit's counters (a block 0, a stencil 8) come within one or two.
    edge = cv2.distanceTransform(filled, cv2.DIST_L2, 5)
    margin = edge[holes].min() / stroke_width(holes)
    if margin < MARGIN and not (margin >= TIGHT and (_digit_shaped(holes) or _side_by_side(hole_stats[1:]))):
        return None
    return filled > 0


def _side_by_side(stats):
    """Whether two holes as tall as each other stand side by side: two
    digits, as on a plate; a bold digit's counters stand one over the
    other (an 8), if there are two."""
    tall = [s for s in stats if s[cv2.CC_STAT_HEIGHT] >= 0.5 * stats[:, cv2.CC_STAT_HEIGHT].max()]
    for n, (x0, y0, w0, h0) in enumerate(s[:4] for s in tall):
        for x1, y1, w1, h1 in (s[:4] for s in tall[n + 1:]):
            apart = x0 + w0 <= x1 or x1 + w1 <= x0
            level = min(y0 + h0, y1 + h1) - max(y0, y1) >= 0.5 * max(h0, h1)
            if apart and level and min(h0, h1) >= 0.75 * max(h0, h1):
                return True
    return False


def _digit_shaped(holes):
    """Whether a hole is a digit's shape, as a plate's are, not a bold
    digit's counter (a block 0's oval, a stencil 8's two): it bends (fills
    under 0.8 of its convex hull: a 2, a 7) or has an island (a 0, a 6)."""
    contours, hierarchy = cv2.findContours(holes.astype(np.uint8), cv2.RETR_CCOMP,
                                           cv2.CHAIN_APPROX_SIMPLE)
    for contour, link in zip(contours, hierarchy[0]):
        if link[3] >= 0:
            return True  # an island in a hole
        hull = cv2.contourArea(cv2.convexHull(contour))
        if hull > 0 and cv2.contourArea(contour) < 0.8 * hull:
            return True
    return False

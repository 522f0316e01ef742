"""Lines: ruled and squared paper's lines, found and erased.

A paper's line is straight, thin, dark with paper on both sides, and runs
from edge to edge, which no digit does. Where the pen crosses a line, the
pen is darker than the line: those pixels stay.
"""
import cv2
import numpy as np

from ._shared import components_with_stats
from .ink import threshold_ink


SEARCH = 320  # the Hough search runs on a copy at most this many pixels across
SCREEN = 160  # ...after a first search on a coarser copy, which most pictures end at


def find_lines(ink, noise, thin, sides=None, expected=False):
    """The lines of ruled or squared paper: straight, at most `thin` pixels
    wide, and running from edge to edge, which no digit does. Returns how
    many lines cover each pixel (0 off the lines), or None.

    sides: an ink map in which to compare the two sides of each line
    (default `ink`); one with a coarse paper level shows shadows and wide
    strokes whole. expected: lines were found already (in the working
    copy), so the coarse first search would only add its time.
    """
    if not expected and _blocks(ink.shape, SCREEN) > _blocks(ink.shape, SEARCH):
        # The same search on a copy half as big finds lines wherever this
        # one does (on every bench picture with lines), in about half the
        # time: a picture without lines, most of them, costs that alone;
        # one with lines, only the search up to its first line.
        if _search(ink, noise, thin, sides, SCREEN, first=True) is None:
            return None
    return _search(ink, noise, thin, sides, SEARCH)


def _blocks(shape, size):
    """The side of the blocks that shrink a picture to at most `size` across."""
    return int(np.ceil(max(shape) / size))


def _pieces(small):
    """Hough's pieces of lines a quarter of the picture long, as rows of
    x0, y0, x1, y1, or None."""
    sh, sw = small.shape
    segments = cv2.HoughLinesP(small, 1, np.pi / 360, threshold=min(sh, sw) // 4,
                               minLineLength=min(sh, sw) // 4, maxLineGap=max(sh, sw) // 40)
    return None if segments is None else segments.reshape(-1, 4)


def _search(ink, noise, thin, sides, size, first=False):
    """find_lines' search, its pieces looked for on a copy at most `size`
    pixels across; with `first`, only until a line is found."""
    sides = ink if sides is None else sides
    h, w = ink.shape
    mask = (ink >= max(3 * noise, 0.03)).astype(np.uint8)
    # Search a copy at most `size` pixels across (a block is ink if any of
    # its pixels is): the Hough transform's time grows with the pixels. A
    # line crossed by the digit comes out in pieces: we look for pieces,
    # then carry each across the picture and check it there.
    k = _blocks((h, w), size)
    small = (cv2.resize(mask * 255, (-(-w // k), -(-h // k)), interpolation=cv2.INTER_AREA) > 0
             ).astype(np.uint8)
    sh, sw = small.shape
    segments = _pieces(small)
    if segments is None:
        return None
    upright = np.abs(segments[:, 2] - segments[:, 0]) < np.abs(segments[:, 3] - segments[:, 1])
    if upright.mean() < 0.05 and np.count_nonzero(small.mean(axis=0) >= 0.6) >= 3:
        # Dense squared paper: on its lattice the Hough transform may find
        # the level family (and diagonals) only, though whole columns are
        # ink. The lattice turned a quarter shows it the upright family.
        turned = _pieces(np.ascontiguousarray(small.T))
        if turned is not None:
            segments = np.concatenate([segments, turned[:, [1, 0, 3, 2]]])
    near_ink = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    peak = side_peak = None  # made when a piece first runs from edge to edge
    # The ink's pixels, by row and by column, to pick those near each piece.
    marked = mask.view(bool)  # (np.nonzero is faster on booleans)
    by_row = [a.astype(np.float32) for a in np.nonzero(marked)]
    by_column = [a.astype(np.float32) for a in np.nonzero(marked.T)[::-1]]
    share_of_ink = cv2.countNonZero(mask) / mask.size
    sets = [np.zeros((h, w), np.uint8), np.zeros((h, w), np.uint8)]
    found = ([], [])  # each line's direction, a point on it and its drawn width, by family
    ends = np.minimum(segments.reshape(-1, 4) * k + k // 2, [w - 1, h - 1, w - 1, h - 1])
    # Dense squared paper gives hundreds of pieces: the longest first, a
    # hundred of each family (the longer family's would crowd out the other's).
    ends = ends[np.argsort(-np.hypot(ends[:, 2] - ends[:, 0], ends[:, 3] - ends[:, 1]))]
    level = np.abs(ends[:, 2] - ends[:, 0]) >= np.abs(ends[:, 3] - ends[:, 1])
    ends = np.concatenate([ends[level][:100], ends[~level][:100]])
    for x0, y0, x1, y1 in ends.tolist():
        horizontal = abs(x1 - x0) >= abs(y1 - y0)
        if sets[horizontal][(y0 + y1) // 2, (x0 + x1) // 2]:
            continue  # found already
        length = np.hypot(x1 - x0, y1 - y0)
        if length < 2:
            continue
        # Fit the line to the ink within a few pixels of the piece (the
        # piece is placed to within k pixels; a wider band would let a bold
        # digit crossing it pull the fit off the line), at full resolution.
        ys, xs = by_row if horizontal else by_column
        key, low, high = (ys, y0, y1) if horizontal else (xs, x0, x1)
        start, stop = np.searchsorted(key, [min(low, high) - thin, max(low, high) + thin + 1])
        ys, xs = ys[start:stop], xs[start:stop]
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        along = (xs - x0) * ux + (ys - y0) * uy
        across = (ys - y0) * ux - (xs - x0) * uy
        near = (np.abs(across) <= max(2, k)) & (along >= 0) & (along <= length)
        if near.sum() < 2:
            continue
        every = max(1, int(near.sum()) // 500)  # 500 points place a line well enough
        points = np.column_stack([xs[near][::every], ys[near][::every]])
        # A paper's line has ink nearly all along it, from edge to edge (not
        # just across a corner); a straight stroke of the digit does not.
        # A least-squares fit is quick enough to try every piece; the pieces
        # that pass are fitted again, giving less weight to strokes crossing.
        for distance in (cv2.DIST_L2, cv2.DIST_HUBER):
            vx, vy, cx, cy = cv2.fitLine(points, distance, 0, 0.01, 0.01).ravel()
            on, chord = _points_along((h, w), (cx, cy), (vx, vy))
            edge_to_edge = len(on[0]) >= min(h, w) / 2 and near_ink[on].mean() >= 0.85
            if not edge_to_edge:
                break
        if not edge_to_edge:
            continue
        # It is thin and dark, with paper on both sides: a stroke's edge, or
        # a shadow's, has ink on one side only; a line along a wide stroke
        # has the stroke on both sides. Most of the way, as the digit may
        # cross it.
        if peak is None:
            peak = cv2.dilate(ink, np.ones((3, 3), np.uint8))  # a fitted line may be a pixel off
            side_peak = peak if sides is ink else cv2.dilate(sides, np.ones((3, 3), np.uint8))
        contrast = float(np.median(peak[on]))
        tolerance = max(3 * noise, 0.5 * contrast)
        # (Its sides are looked at `thin` away, and nearer: on dense
        # squared paper, `thin` away may be the next line.)
        valley = 0.0
        for offset in sorted({thin, min(thin, max(3, thin // 3))}, reverse=True):
            side_a, side_b = _beside((h, w), chord, (vx, vy), offset)
            a, b = sides[side_a], sides[side_b]
            valley = max(valley, float(np.mean((np.abs(a - b) <= tolerance)
                                               & (side_peak[on] - np.maximum(a, b) >= tolerance))))
        if contrast < 3 * noise or valley < 0.3:
            continue
        # Its width: the ink in a band around it, less the band's share of
        # the picture's other ink (grain, the digit, crossing lines).
        line = _across((h, w), (cx, cy), (vx, vy))
        band = cv2.line(np.zeros((h, w), np.uint8), *line, 1, 2 * thin + 1)
        width = (cv2.countNonZero(band & mask) / (cv2.countNonZero(band) / (2 * thin + 1))
                 - share_of_ink * (2 * thin + 1))
        if width <= thin:  # the line itself, and its blurred edges
            # Hough finds a line more than once: the horizontal ones and the
            # vertical ones each count once per pixel.
            cv2.line(sets[horizontal], *line, 1, max(1, round(width)) + 2)
            found[horizontal].append((vx, vy, cx, cy, max(1, round(width)) + 2))
            if first:
                break
    if not first:
        for family in (0, 1):
            _the_rest(sets[family], found[family], by_row, (h, w))
    lines = sets[0] + sets[1]
    return lines if lines.any() else None


def _the_rest(drawn, family, ink, shape):
    """A page's other lines of a family of which some were found (in
    `drawn`): Hough misses some of a squared page's lines, and what is left
    of them is read as strokes. Each line of the family runs at the same
    angle, so the ink's profile across them shows every one as a peak: a
    line has ink nearly all along it, as the lines found have.
    ink: the ink's pixels (ys, xs)."""
    if len(family) < 2:
        return
    family = np.array(family, np.float32)
    along = family[:, :2]  # each line's direction, all pointing the same way (fitLine's may not)
    along[np.where(np.abs(along[:, 0]) >= np.abs(along[:, 1]), along[:, 0], along[:, 1]) < 0] *= -1
    vx, vy = along[0]  # the first line found: the longest piece's
    thickness = np.median(family[:, 4])
    norm = np.hypot(vx, vy)
    vx, vy = vx / norm, vy / norm
    ys, xs = ink
    across = xs * -vy + ys * vx  # each pixel's place across the lines
    low = int(np.floor(across.min()))
    profile = np.bincount(np.round(across - low).astype(int))
    # What share of its length each place across has ink, over three pixels
    # (a line a pixel thick, a little tilted, falls in two).
    h, w = shape
    length = w / max(abs(vx), 1e-3) if abs(vx) >= abs(vy) else h / max(abs(vy), 1e-3)
    share = np.convolve(profile, np.ones(3), "same") / min(length, np.hypot(h, w))
    known = [int(round(cx * -vy + cy * vx)) - low for _, _, cx, cy, _ in family]
    least = 0.8 * np.median(share[np.clip(known, 0, len(share) - 1)])
    # A line is a sharp peak, with paper halfway to the next line on both
    # sides (not the writing's row, whose strokes reach across).
    apart = np.diff(np.unique(known))
    apart = apart[apart > 2 * thickness]
    if not apart.size:
        return
    step = max(int(apart.min()) // 2, 1)
    beside = np.maximum(np.r_[np.zeros(step), share[:-step]], np.r_[share[step:], np.zeros(step)])
    peaks = np.flatnonzero((share >= max(least, 0.5)) & (share >= np.r_[0, share[:-1]])
                           & (share > np.r_[share[1:], 0]) & (beside <= 0.5 * share))
    for place in peaks:
        if min(abs(place - k) for k in known) > thickness:
            point = ((place + low) * -vy, (place + low) * vx)
            cv2.line(drawn, *_across(shape, point, (vx, vy)), 1, int(thickness))


def _across(shape, point, direction):
    """The two ends, beyond the picture, of the line through `point` in
    `direction`: drawn, it runs from edge to edge."""
    (cx, cy), (vx, vy), far = point, direction, 2 * max(shape)
    return ((round(cx - far * vx), round(cy - far * vy)), (round(cx + far * vx), round(cy + far * vy)))


def _one_line(lines):
    """Whether find_lines found a single line (no crossings, one piece)."""
    if lines is None or lines.max() > 1:
        return False
    return cv2.connectedComponents((lines > 0).astype(np.uint8))[0] == 2


def _points_along(shape, centre, direction):
    """Pixels along a line through `centre`, a pixel apart, where it is
    inside the picture: a (ys, xs) index pair, and the points' exact
    places (ys, xs) for _beside. Most pieces go no further than this."""
    h, w = shape
    (cx, cy), (vx, vy) = centre, direction
    # Steps along the line, only those (and a step more) that fall inside.
    first, last = -(h + w), h + w
    for c, v, size in ((cx, vx, w), (cy, vy, h)):
        if abs(v) > 1e-9:
            a, b = sorted(((-1 - c) / v, (size - c) / v))
            first, last = max(first, int(np.floor(a)) - 1), min(last, int(np.ceil(b)) + 2)
    t = np.arange(first, max(first, last), 1.0)
    xs, ys = cx + t * vx, cy + t * vy
    y, x = np.round(ys).astype(int), np.round(xs).astype(int)
    inside = (y >= 0) & (y < h) & (x >= 0) & (x < w)
    return (y[inside], x[inside]), (ys[inside], xs[inside])


def _beside(shape, chord, direction, offset):
    """The pixels `offset` to either side of each point of a chord from
    _points_along: two (ys, xs) index pairs. A side beyond the border is
    moved onto it, so that a line close to the border is still seen
    between its sides."""
    h, w = shape
    ys, xs = chord
    vx, vy = direction
    nx, ny = -vy * offset, vx * offset
    return [(np.clip(np.round(ys + s * ny).astype(int), 0, h - 1),
             np.clip(np.round(xs + s * nx).astype(int), 0, w - 1)) for s in (-1, 1)]


def without_lines(ink, lines, noise, digit=None):
    """Remove ruled lines from an ink map, keeping the pen's strokes where
    they cross them (the pen is darker than the line there).

    digit: where the digit is, if known; the lines' darkness is then
    measured away from it.
    """
    if lines is None:
        return ink
    count = lines  # how many lines cover each pixel: where they cross, their inks add up
    single = (count == 1) & (ink >= max(3 * noise, 0.03))
    if digit is not None and (single & ~digit).sum() >= 20:
        single &= ~digit
    on_line = ink[single]
    if not on_line.size:
        return ink
    level = float(np.median(on_line))
    # A fitted line may lie a pixel off, and its blurred edges reach beyond
    # it: if left, they form slivers, which were taken for a digit on blank
    # ruled pages.
    count = cv2.dilate(count, np.ones((5, 5), np.uint8))
    return np.where((count > 0) & (ink < 1.6 * level * count), 0, ink).astype(np.float32)


# Writing on ruled paper ---------------------------------------------------------

def ruled_paper(lines):
    """Whether find_lines found a ruled or squared page, not a box's two
    sides: three lines or more apart, or lines over a tenth of the page."""
    if lines is None:
        return False
    return ((lines > 0).mean() > 0.1
            or cv2.connectedComponents((lines == 1).astype(np.uint8))[0] - 1 >= 3)


def pen_on_lines(ink, lines, noise, pen):
    """On ruled or squared paper, the pen's ink: a mask and an ink map of
    what is clearly darker than the page's lines, the strokes left whole
    where they cross a line. pen: how dark the digit's strokes are."""
    on_line = (lines == 1) & (ink > 3 * noise)
    level = float(np.median(ink[on_line])) if on_line.any() else 0.0
    # Where lines cross, their inks add up; a fitted line may lie a pixel off.
    count = cv2.dilate(lines, np.ones((5, 5), np.uint8)).astype(np.float32)
    level = max(level, 0.35 * pen)  # a line's blurred edges pull its median down
    mask = threshold_ink(ink, noise) & (ink >= 1.4 * level * count)
    # Keep the pen's anti-aliased edges, not the lines beside them.
    near = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return mask, np.where(near, ink, 0).astype(np.float32)


def without_scraps(mask, stroke, flat=False):
    """The pen's mask without what erasing the lines left of them: pieces
    thinner than half the pen's stroke. A line fitted a pixel off (a
    photo's page is seldom flat) leaves a hairline beside it, in pieces
    between the lines across it, and stacked, they look like a tall digit.
    flat: only such pieces lying flat, twice as wide as high (a ruled
    line's), are scraps; a thin upright piece is kept."""
    n, labels, stats, _ = components_with_stats(mask.astype(np.uint8))
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    kept = area >= 0.5 * stroke * np.maximum(w, h)
    if flat:
        kept |= w < 2 * h
    kept[0] = False
    return kept[labels]

"""Segmentation: a number's ink split into digits, in reading order.

From the ink the earlier stages found, the pieces of writing along the
digit's line are gathered (however wide the gaps between digits), and the
pieces of one digit are grouped (a 5's detached hat, a 4's open top, a
broken pencil stroke, a thin pen's many small pieces); specks and a full
stop make no digit. A group far
wider than a digit is tall holds digits that touch or overlap: it is cut
where its ink is thinnest, into "atoms" (cuts.py). Each run of one to four atoms
along the writing's baseline (which may be tilted, or wander) is a
candidate digit; the network's confidence then chooses the runs (the
classic segmentation by recognition: `best_reading`), so a cut through a 0
is undone and a joined pair of digits is cut.
"""
from dataclasses import dataclass
from typing import NamedTuple, Optional

import cv2
import numpy as np

from ._shared import NoDigitFound, components_with_stats, straight_line, stroke_width
from .form import centre, fit_box, fix_stroke_width, straighten
from .cuts import cut_paths
from .lines import without_scraps

RUN = 4  # the most atoms one digit may be made of
WIDEST = 1.3  # a digit is at most this wide, relative to the writing's height
INPUT_SIZE = 80  # a candidate's longest side while it is given MNIST's form


class Atom(NamedTuple):
    """The smallest piece of writing: its ink mask inside its box (x, y, w, h)
    in the working copy, and what it costs to start a digit with it: 0 after
    a gap, more the more ink a cut before it went through."""
    mask: np.ndarray
    box: tuple
    cut: float = 0.0


@dataclass
class Pieces:
    """The writing's atoms in reading order, its digits' typical height,
    and whether it is lone: fewer than two groups as tall as a digit (one
    digit, perhaps in pieces, and specks or scraps beside it)."""
    atoms: list
    height: float
    lone: bool = False
    turn: float = 0.0  # how far the baseline is turned from level, in degrees (down to the right: +)


@dataclass
class Candidate:
    """Atoms first..last (inclusive) read as one digit: its 28x28 input,
    its box (x, y, w, h) in the original picture's pixels, and the log of
    how likely a digit of its shape is, before the network is asked."""
    first: int
    last: int
    x: np.ndarray
    box: tuple
    prior: float = 0.0
    turned: Optional[bool] = None  # read turned level, or as written, or None: the same either way


@dataclass
class Writing:
    """Every way the writing may split into digits: `atoms` atoms in
    reading order, and the candidate digits made of runs of them."""
    atoms: int
    candidates: list
    skips: list = None  # what leaving each atom out costs (None: none may be)
    steps: object = None  # the Steps, when asked for


# Pieces of writing ------------------------------------------------------------

def writing_pieces(mask, ink, found, stroke, ruled=False):
    """The Pieces of the writing that holds `found` (the strokes the search
    for a digit chose): its atoms in reading order, and its height.

    mask: all the ink in the working copy; ink: its ink map; ruled: on a
    ruled or squared page, whose erased lines leave hairlines.
    """
    n, labels, stats, _ = components_with_stats(mask.astype(np.uint8))
    x, y, w, h, area = (stats[:, i] for i in range(5))
    seeds = np.zeros(n, bool)
    seeds[np.unique(labels[found & mask])] = True
    seeds[0] = False
    if not seeds.any():
        return Pieces([], 0.0)
    darkness = np.bincount(labels.ravel(), weights=np.square(ink).ravel(), minlength=n) / np.maximum(area, 1)
    tall = h[seeds] >= 0.5 * h[seeds].max()
    height = float(np.median(h[seeds][tall]))
    touches = (x == 0) | (y == 0) | (x + w == mask.shape[1]) | (y + h == mask.shape[0])
    usable = ((np.maximum(w, h) >= 0.2 * height) & (darkness >= 0.3 * np.median(darkness[seeds]))
              & (h <= 2 * height) & ~touches)
    usable[0] = False
    for label in np.flatnonzero(usable & ~seeds & ((np.maximum(w, h) > 1.5 * height) | (w > h))):
        # A pen or a margin beside the number, a scrap of a ruled line.
        piece = labels[y[label]:y[label] + h[label], x[label]:x[label] + w[label]] == label
        usable[label] = not straight_line(piece)
    # Along the line: a piece joins the writing if it lies level with a piece
    # of it (overlapping in height) and no further than twice the height away.
    writing = seeds.copy()
    for _ in range(n):
        grown = False
        for label in np.flatnonzero(usable & ~writing):
            near = writing.copy()
            near &= (np.minimum(y + h, y[label] + h[label]) - np.maximum(y, y[label])
                     >= 0.3 * np.minimum(h, h[label]))
            gap = np.maximum(x - (x[label] + w[label]), x[label] - (x + w))
            if (near & (gap <= 2 * height)).any():
                writing[label] = grown = True
        if not grown:
            break
    def bar(label):  # a straight stroke: it fills its turned rectangle
        piece = labels[y[label]:y[label] + h[label], x[label]:x[label] + w[label]] == label
        ys, xs = np.nonzero(piece)
        _, sides, _ = cv2.minAreaRect(np.column_stack((xs, ys)).astype(np.float32))
        return xs.size >= 0.6 * (sides[0] + 1) * (sides[1] + 1)

    def grouped(height):
        """The writing's digits' groups of pieces, and their typical height."""
        groups = _group(np.flatnonzero(writing), x, y, w, h, height, bar)
        # A digit has ink: a smudge or a speck with a fraction of the ink of
        # the biggest digit is none (a 1 has a quarter of an 8's).
        inked = [int(area[g].sum()) for g in groups]
        groups = [g for g, a in zip(groups, inked) if a >= 0.15 * max(inked, default=0)]
        tops = np.array([y[g].min() for g in groups])
        heights = np.array([(y + h)[g].max() for g in groups]) - tops
        if len(heights):
            height = float(np.median(heights[heights >= 0.5 * heights.max()]))
        return groups, heights, height

    # The writing's height: its digits' typical height. The pieces the
    # search began with may have been one digit, or part of one (a digit
    # broken across): grouped by too low a height, a broken digit's pieces
    # stand apart, so they are grouped again by the digits' own.
    groups, heights, digits_height = grouped(height)
    if digits_height > REGROUP * height:
        groups, heights, digits_height = grouped(digits_height)
    height = digits_height
    # A lone piece is cut only if far wider than any digit: a wide 0, a 5
    # whose hat reaches far out, are one (cut sooner, wide 0s were split
    # more often than two touching digits were mended). Cut, it is read
    # whole too.
    lone = np.count_nonzero(heights >= TALL * height) < 2
    widest = (LONE if lone else 0.9) * height
    atoms = []
    for group in groups:
        gx0, gy0 = x[group].min(), y[group].min()
        gx1, gy1 = (x + w)[group].max(), (y + h)[group].max()
        local = np.isin(labels[gy0:gy1, gx0:gx1], group)
        atoms += _cut_wide(local, (gx0, gy0), height, stroke, widest, ruled)
    # The baseline's angle, from the digits' own lower ends (not scraps').
    along = _baseline([a for a in atoms if a.box[3] >= TALL * height])
    turn = 0.0 if along is None else float(np.degrees(np.arctan2(along[1], along[0])))
    return Pieces(_in_reading_order(atoms), height, lone, turn)


def _group(labels, x, y, w, h, height, bar):
    """Pieces of one digit grouped: those overlapping across by half the
    narrower's width, or stacked one above the other (digits stand side by
    side, a broken stroke's pieces above each other); and small pieces
    (under TALL of the height) with the group nearest them, or stacked
    together. Specks far from any group, and dashes between digits, are
    dropped. bar(label): whether a piece is one straight stroke."""
    def overlap(a, b, start, size):
        return min(start[a] + size[a], start[b] + size[b]) - max(start[a], start[b])

    def together(a, b):
        across, down = overlap(a, b, x, w), overlap(a, b, y, h)
        narrower, lower = min(w[a], w[b]), min(h[a], h[b])
        return across >= 0.5 * narrower or (across >= 0.2 * narrower and down <= 0.3 * lower)

    big = sorted((label for label in labels if h[label] >= TALL * height), key=lambda label: x[label])
    small = [label for label in labels if h[label] < TALL * height]
    groups = []
    for label in big:
        if groups and any(together(label, other) for other in groups[-1]):
            groups[-1].append(label)
        else:
            groups.append([label])
    # Small pieces close together that reach a digit's height, beside the
    # digits, are one: a digit written with a thin pen that skipped often.
    for cluster in _clusters(small, x, y, w, h, CLOSE * height) if len(small) <= 200 else []:
        x0, x1 = x[cluster].min(), (x + w)[cluster].max()
        tall = (y + h)[cluster].max() - y[cluster].min() >= TALL * height
        beside = all(min(x1, (x + w)[g].max()) - max(x0, x[g].min()) < 0.5 * (x1 - x0) for g in groups)
        if len(cluster) >= 3 and tall and x1 - x0 <= WIDEST * height and beside:
            groups.append(cluster)
            small = [label for label in small if label not in cluster]
    left = []
    line_top = np.median(y[big]) if big else 0.0
    line_bottom = np.median((y + h)[big]) if big else 0.0
    for label in small:
        if _dash(label, groups, x, y, w, h, line_top, line_bottom) and bar(label):
            continue  # a phone number's dash: no digit, no part of one
        best, distance = None, 0.35 * height  # a 5's hat or a dot: close to its digit
        for group in groups:
            gx0, gx1 = x[group].min(), (x + w)[group].max()
            gy0, gy1 = y[group].min(), (y + h)[group].max()
            if max(gy0 - (y[label] + h[label]), y[label] - gy1) > height:
                continue  # a digit's height above or below it: not of it
            gap = max(gx0 - (x[label] + w[label]), x[label] - gx1, 0)
            across = min(gx1, x[label] + w[label]) - max(gx0, x[label])
            gap = gap - max(across, 0)  # overlapping across: closer still
            if gap < distance:
                best, distance = group, gap
        # A full stop is small both ways, and a comma narrow, low and
        # beside the digit: no part of one. A narrow piece higher up, or
        # half within a digit's span, is (a 4's stroke, a broken 1's foot).
        high = y[label] < line_top + 0.4 * (line_bottom - line_top)
        narrow_part = h[label] >= 0.25 * height and (high or distance < -0.5 * w[label])
        if best is not None and (w[label] >= 0.25 * height or narrow_part):
            best.append(label)
        elif best is None:
            left.append(label)
    # Small pieces stacked into a digit's height: a digit broken across.
    for n, a in enumerate(left):
        for b in left[n + 1:]:
            top, bottom = min(y[a], y[b]), max(y[a] + h[a], y[b] + h[b])
            if together(a, b) and bottom - top >= TALL * height:
                groups.append([a, b])
                break
    return sorted(groups, key=lambda group: x[group].min())


LONE = 1.6  # a lone piece wider than this (of its height) may be two digits
TALL = 0.6  # a piece this high, relative to the writing, may be a digit on its own
CLOSE = 0.12  # pieces this near (of the writing's height) may be one digit's
REGROUP = 1.25  # digits this much taller than the pieces first found are grouped again


def _clusters(labels, x, y, w, h, reach):
    """The pieces in groups of those whose boxes come within `reach` of
    each other, each in the order given."""
    parent = {label: label for label in labels}
    for n, a in enumerate(labels):
        for b in labels[n + 1:]:
            gap = max(x[b] - (x[a] + w[a]), x[a] - (x[b] + w[b]), y[b] - (y[a] + h[a]), y[a] - (y[b] + h[b]))
            if gap <= reach:
                _join(parent, a, b)
    clusters = {}
    for label in labels:
        clusters.setdefault(_root(parent, label), []).append(label)
    return list(clusters.values())


def _root(parent, item):
    """The item standing for `item`'s group, in a union-find's `parent` map."""
    while parent[item] != item:
        item = parent[item]
    return item


def _join(parent, a, b):
    """Put a's and b's groups together; whether they were apart."""
    a, b = _root(parent, a), _root(parent, b)
    parent[a] = b
    return a != b


def _dash(label, groups, x, y, w, h, top, bottom):
    """Whether a small piece may be a dash between digits: flat, halfway up
    the writing (a 5's hat is at the top), and over no digit (a 7's bar
    crosses its stem)."""
    middle = y[label] + h[label] / 2
    if w[label] < 2 * h[label] or not top + 0.3 * (bottom - top) <= middle <= top + 0.75 * (bottom - top):
        return False
    for group in groups:
        across = min((x + w)[group].max(), x[label] + w[label]) - max(x[group].min(), x[label])
        if across > 0.2 * w[label]:
            return False
    return True


def _cut_wide(local, corner, height, stroke, widest, ruled=False):
    """A group as atoms: itself, or the parts cuts.cut_paths cuts it into
    (digits that touch or overlap; a 1 leaning on its neighbour), each
    costing the ink its cut went through."""
    gh, gw = local.shape
    paths = cut_paths(local, height, widest)
    if not paths:
        return [Atom(local, (corner[0], corner[1], gw, gh))]
    paths = [np.zeros(gh, int)] + sorted(paths, key=lambda p: p[gh // 2])
    paths.append(np.full(gh, gw))
    paths = list(np.maximum.accumulate(np.array(paths), axis=0))  # no cut crosses the one before
    columns = np.arange(gw)[None, :]
    atoms = []
    for n, (left, right) in enumerate(zip(paths[:-1], paths[1:])):
        part = local & (columns >= left[:, None]) & (columns < right[:, None])
        if ruled:
            # Cut off from the digit it came with, a hairline left of an
            # erased ruled line is a scrap, not part of a digit-high atom (a
            # 5's hat and the line's scrap under the 5, a digit's height
            # apart). Only on a ruled page, and only flat ones: a cut leaves
            # thin slivers of the digit too, upright ones, and flat ones
            # where it runs along a level stroke.
            part = without_scraps(part, stroke, flat=True)
        rows, cols = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
        if not rows.size:
            continue
        # Touching digits meet in one stroke; a cut through a digit
        # crosses two or three.
        crossed = np.count_nonzero(local[np.arange(gh), np.minimum(left, gw - 1)]) if n else 0
        atoms.append(Atom(part[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1],
                          (corner[0] + cols[0], corner[1] + rows[0], cols[-1] + 1 - cols[0],
                           rows[-1] + 1 - rows[0]), CUT * crossed / max(stroke, 1.0)))
    return atoms


def _in_reading_order(atoms):
    """Atoms along the writing's baseline, left to right: by their place
    along the line fitted through their lower ends (a line written uphill,
    or photographed turned)."""
    along = _baseline(atoms)
    if along is None:
        return sorted(atoms, key=lambda atom: atom.box[0] + atom.box[2] / 2)
    return [atoms[i] for i in np.argsort(_lower_ends(atoms) @ along, kind="stable")]


def _baseline(atoms):
    """The direction (x, y) of the line fitted through three or more atoms'
    lower ends, left to right; None for fewer."""
    if len(atoms) < 3:
        return None
    vx, vy, _, _ = cv2.fitLine(_lower_ends(atoms), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.float32([vx, vy]) if vx >= 0 else np.float32([-vx, -vy])


def _lower_ends(atoms):
    return np.float32([(ax + aw / 2, ay + ah) for _, (ax, ay, aw, ah), _ in atoms])


# Candidate digits ---------------------------------------------------------------

TURNED = 5.0  # writing whose baseline is turned more than this (degrees) may be photographed turned


def candidates(atoms, ink, height, to_picture, turn=0.0):
    """Every run of one to RUN atoms that may be one digit, as a Candidate
    with its MNIST-form input. A run spans no gap wider than a third of the
    writing's height (a gap that wide is between digits). to_picture maps a
    box in the working copy to the original picture's pixels. turn: the
    baseline's angle; turned further than TURNED, each run is also read
    turned level (a photo taken turned turns the digits too; a line written
    uphill seldom does), and the network's surer reading is chosen."""
    found = []
    turning = abs(turn) > TURNED
    for first in range(len(atoms)):
        for last in range(first, min(first + RUN, len(atoms))):
            run = atoms[first:last + 1]
            if last > first and _gap(atoms[last - 1], atoms[last]) > GAP * height:
                break
            x0, y0, x1, y1 = bounds(run)
            if last > first and x1 - x0 > WIDEST * height:
                break
            try:
                x, box = digit_input(run, ink, bridge=BRIDGE * height)
            except NoDigitFound:
                continue
            prior = shape_prior(box, height) - atoms[first].cut
            found.append(Candidate(first, last, x, to_picture(box), prior, False if turning else None))
            if turning:
                try:
                    turned = digit_input(run, ink, turn, BRIDGE * height)[0]
                except NoDigitFound:  # (turning dimmed a thin scrap away: read as written only)
                    turned = x
                found.append(Candidate(first, last, turned, to_picture(box), prior, turned=True))
    return found


CUT = 0.5  # the log-cost of cutting through a stroke's width of ink
# What each digit read gains: the network is sure of much (a 1 and a 7
# close together read as one 0 as surely as apart), and of two readings
# as sure, the one with more digits is the likelier.
EACH = 0.05
BRIDGE = 0.1  # gaps this narrow (of the writing's height) within a digit are a pencil that skipped
GAP = 0.35  # atoms further apart than this share of the writing's height are two digits
FLAT = 2.0  # no digit is more than this many times as wide as it is high


def shape_prior(box, height):
    """The log of how likely a digit of this shape is, before the network
    is asked: digits stand about as high as the writing (a piece much lower
    is a fragment of one), and are seldom wider than high."""
    _, _, w, h = box
    low = max(0.0, 0.7 - h / height) / 0.7
    wide = max(0.0, w / height - 1.0)
    flat = max(0.0, w / max(h, 1) - FLAT)  # a dash, a line's scrap: no digit lies on its side
    return -4.0 * low - 3.0 * wide - 3.0 * flat


def _gap(a, b):
    """How far apart two atoms lie across (negative where they overlap)."""
    return max(b.box[0] - (a.box[0] + a.box[2]), a.box[0] - (b.box[0] + b.box[2]))


def bounds(run):
    """The box round some atoms: x0, y0, x1, y1 (ends excluded)."""
    return (min(a.box[0] for a in run), min(a.box[1] for a in run),
            max(a.box[0] + a.box[2] for a in run), max(a.box[1] + a.box[3] for a in run))


def digit_input(run, ink, turn=0.0, bridge=0.0):
    """The 28x28 input of the atoms in `run` read as one digit, and their
    box; turned back `turn` degrees first if asked, and with gaps between
    its pieces up to `bridge` pixels wide closed (see _bridged)."""
    x0, y0, x1, y1 = bounds(run)
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    for atom, (ax, ay, aw, ah), _ in run:
        mask[ay - y0:ay - y0 + ah, ax - x0:ax - x0 + aw] |= atom.astype(np.uint8)
    if not mask.any():
        raise NoDigitFound("no digit found: only specks, no strokes")
    # The ink's grey levels as cut_out stretches them, with the anti-aliased
    # rim just outside the mask (not a neighbour's strokes).
    region = ink[y0:y1, x0:x1]
    level = max(float(np.percentile(region[mask > 0], 90)), 1e-6)
    rim = cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0
    digit = np.where(rim, np.clip((region / level - 0.2) / 0.6, 0, 1), 0).astype(np.float32)
    if not (digit > 0).any():  # its ink all on lines erased before: nothing left to read
        raise NoDigitFound("no digit found: only specks, no strokes")
    if bridge >= 1:
        digit = _bridged(digit, mask, bridge)
    if turn:
        digit = _turned_level(digit, turn)
    zoom = INPUT_SIZE / max(digit.shape)
    size = (max(1, round(digit.shape[1] * zoom)), max(1, round(digit.shape[0] * zoom)))
    digit = cv2.resize(digit, size, interpolation=cv2.INTER_AREA if zoom < 1 else cv2.INTER_LINEAR)
    digit = _thinned_whole(digit)
    return centre(fit_box(straighten(digit))), (x0, y0, x1 - x0, y1 - y0)


def _bridged(digit, mask, reach):
    """The digit with the narrowest gaps between its pieces closed by a
    stroke of the pen's width, where no wider than `reach`: a pencil that
    skipped breaks a 9's loop open, and the network reads an open 9 as a
    5. Pieces are joined nearest first, each to the others once (a
    spanning tree: a 4's two strokes meet at its bar, and closing its open
    top too would make it a 9), and specks are left as they are."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    width = max(1, round(stroke_width(mask > 0)))
    pieces = [p for p in range(1, n) if max(stats[p, 2], stats[p, 3]) >= 2 * width]
    if len(pieces) < 2:
        return digit
    points = {p: np.column_stack(np.nonzero(labels == p)[::-1]) for p in pieces}  # (x, y)
    gaps = []
    for i, a in enumerate(pieces):
        away = cv2.distanceTransform((labels != a).astype(np.uint8), cv2.DIST_L2, 3)
        for b in pieces[i + 1:]:
            near = away[points[b][:, 1], points[b][:, 0]]
            if near.min() <= reach:
                to = points[b][int(np.argmin(near))]
                start = points[a][int(np.argmin(np.square(points[a] - to).sum(axis=1)))]
                gaps.append((float(near.min()), a, b, tuple(map(int, start)), tuple(map(int, to))))
    joined = {p: p for p in pieces}
    digit = digit.copy()
    level = float(np.percentile(digit[mask > 0], 90))
    for _, a, b, start, to in sorted(gaps):
        if _join(joined, a, b):
            cv2.line(digit, start, to, level, width)
    return digit


def _turned_level(digit, turn):
    """A digit's ink turned back by `turn` degrees, on a canvas that holds all of it."""
    h, w = digit.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), turn, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin)))
    matrix[:, 2] += (size[0] - w) / 2, (size[1] - h) / 2
    turned = cv2.warpAffine(digit, matrix, size, flags=cv2.INTER_LINEAR)
    ys, xs = np.nonzero(turned > 0.05)
    return turned[ys.min():ys.max() + 1, xs.min():xs.max() + 1] if ys.size else digit


def _thinned_whole(digit):
    """The digit's strokes brought to MNIST's width, unless that breaks it
    in pieces (thinning a bold stroke whose pen pressed unevenly): then as
    it is, whole. (fix_stroke_width pads what it changes.)"""
    fixed = fix_stroke_width(digit, stroke_width(digit > 0.5))
    if fixed.shape != digit.shape and _piece_count(fixed > 0.5) > _piece_count(digit > 0.5):
        return digit
    return fixed


def _piece_count(mask):
    return cv2.connectedComponents(mask.astype(np.uint8))[0] - 1


def best_reading(writing, probabilities):
    """The candidates that read the writing best, in order: the split of
    its atoms into runs whose digits the network is surest of (the sum of
    the logs of each digit's top probability, and of its shape's prior,
    and EACH a digit),
    found by dynamic programming. probabilities: one row per candidate.
    Candidates read turned level are read all or none."""
    as_written = _best(writing, probabilities, False)
    if not any(c.turned for c in writing.candidates):
        return as_written[1]
    return max(as_written, _best(writing, probabilities, True), key=lambda best: best[0])[1]


def _best(writing, probabilities, turned):
    """best_reading of the candidates read turned level or not: its score
    and the candidates chosen."""
    score = np.full(writing.atoms + 1, -np.inf)
    score[0] = 0.0
    came = [None] * (writing.atoms + 1)  # the candidate ending there, or -1: a skip
    ending = {}
    for i, c in enumerate(writing.candidates):
        if c.turned is None or c.turned == turned:
            ending.setdefault(c.last, []).append(i)
    for last in range(writing.atoms):
        if writing.skips is not None and score[last] + writing.skips[last] > score[last + 1]:
            score[last + 1], came[last + 1] = score[last] + writing.skips[last], -1
        for i in ending.get(last, []):
            c = writing.candidates[i]
            total = score[c.first] + np.log(max(float(np.max(probabilities[i])), 1e-9)) + c.prior + EACH
            if total > score[last + 1]:
                score[last + 1], came[last + 1] = total, i
    chosen, at = [], writing.atoms
    while at > 0 and came[at] is not None:
        i = came[at]
        if i >= 0:
            chosen.append(i)
        at = at - 1 if i < 0 else writing.candidates[i].first
    return score[writing.atoms], chosen[::-1]


def skip_costs(atoms, height):
    """What leaving each atom out of the number costs: little for a speck or
    a scrap of a ruled line, much for a piece as high as the digits."""
    return [-1.0 - 4.0 * min(atom.box[3] / height, 1.0) for atom in atoms]

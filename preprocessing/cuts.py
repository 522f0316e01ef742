"""Cuts: where a piece of writing holding touching digits is cut apart.

A piece far wider than a digit is cut where its ink is thinnest, each cut
following the way down through the least ink (overlapping digits lean
into each other); a tall upright at either end of a piece (a 1 touching
its neighbour) is cut off along its own slant. Cutting too often costs
nothing the network does not undo: segment.py reads every run of the
parts, and the surest reading wins.
"""
import numpy as np


def cut_paths(local, height, widest):
    """The cuts through a piece's mask (`local`), each as the column it
    takes in each row: where its ink is thinnest if it is wider than
    `widest`, and beside a tall upright at either end (a 1 touching its
    neighbour, or a digit's own stem: the network's reading of the parts
    decides). `height`: the writing's."""
    gh, gw = local.shape
    least = max(2, int(0.25 * height))
    paths = []
    if gw > widest:
        # Where to cut: the columns with the least ink, at least a quarter
        # of the height from the ends and from each other, as many as the
        # width allows (the network undoes a cut too many).
        profile = np.convolve(local.sum(axis=0).astype(np.float32), np.ones(3) / 3, "same")
        order = np.argsort(profile[least:gw - least], kind="stable") + least
        wanted = int(np.ceil(gw / (0.35 * height))) - 1
        cuts = []
        for column in order:
            if len(cuts) >= wanted:
                break
            if all(abs(column - c) >= 0.25 * height for c in cuts):
                cuts.append(int(column))
        # Each cut follows the way down through the least ink near its
        # column: overlapping digits lean into each other, and a straight
        # cut would go through both.
        paths = [_cut_path(local, c, int(0.2 * height) + 1) for c in cuts]
    if gw > 3 * least:  # (so each end's search stays within the piece)
        for path in _end_cuts(local, height, least):
            if all(np.abs(path - p).min() >= 0.1 * height for p in paths):
                paths.append(path)
    return paths


END_STROKE = 0.75  # an upright this tall (of the height) at a piece's end may be a 1 leaning on the next digit
END_GAP = 0.25  # ...if the ink right after it falls to this share of the upright's
SLANTS = (-0.4, -0.2, 0.0, 0.2, 0.4)  # how far a 1 may lean: columns across per row


def _end_cuts(local, height, least):
    """Cuts nearer a piece's ends than `least` (a quarter of the
    height), where its ink falls away just after a tall upright: a 1
    touching its neighbour is narrower than that. A 1 leans, so the ink is
    counted along each slant in SLANTS, and the cut leans with it. Each cut
    as the column it takes in each row. (The piece must be more than
    `least` wide and hold ink: cut_paths asks three times that.)"""
    gh, gw = local.shape
    middle = np.arange(gh) - gh // 2
    best = [None, None]  # at the left end, at the right: (the upright's ink, centre, reach)
    for slant in SLANTS:
        shift = np.round(slant * middle).astype(int)
        upright, pad = _sheared(local, shift)
        profile = upright.sum(axis=0)
        inked = np.flatnonzero(profile)
        for end, side in enumerate((profile[inked[0]:], profile[:inked[-1] + 1][::-1])):
            near = side[:least]
            peak = int(np.argmax(near))
            if near[peak] < END_STROKE * height or peak + 2 >= least:
                continue  # no tall upright, or no room after it for the ink to fall
            low = peak + 1 + int(np.argmin(near[peak + 1:]))
            if (near[low] > END_GAP * near[peak]
                    or np.count_nonzero(side[low:]) < 2 * least  # a digit's width of ink beyond
                    or (best[end] and near[peak] <= best[end][0])):  # (a slant that shows it taller)
                continue
            column = inked[0] + low if end == 0 else inked[-1] - low
            best[end] = (near[peak], column - pad + shift, max(1, low - peak - 1))
    return [_slanted_path(local, centre, reach) for _, centre, reach in filter(None, best)]


def _slanted_path(local, centre, reach):
    """The way down through the least ink within `reach` of a leaning line
    (`centre`: its column in each row)."""
    gh, gw = local.shape
    shift = centre - centre[gh // 2]
    upright, pad = _sheared(local, shift)
    path = _cut_path(upright, int(centre[gh // 2]) + pad, reach)
    return np.clip(path - pad + shift, 0, gw)


def _sheared(local, shift):
    """local with each row moved `shift` (that row's) pixels left, padded
    so nothing falls off: a line leaning that way stands upright. Returns
    it and the padding: column x of a row is column x + pad - shift there."""
    gh, gw = local.shape
    pad = int(np.abs(shift).max())
    upright = np.zeros((gh, gw + 2 * pad), bool)
    for row in range(gh):
        upright[row, pad - shift[row]:pad - shift[row] + gw] = local[row]
    return upright, pad


def _cut_path(local, column, reach):
    """The way from top to bottom through the least ink, starting and
    staying within `reach` of `column`, a pixel across at most each row:
    the column it takes in each row."""
    gh, gw = local.shape
    low, high = max(0, column - reach), min(gw, column + reach + 1)
    cost = local[:, low:high].astype(np.float32) * 10 + np.abs(np.arange(low, high) - column) * 0.05
    total = cost[0].copy()
    step = np.zeros((gh, high - low), np.int8)
    for row in range(1, gh):
        options = np.stack([np.r_[np.inf, total[:-1]], total, np.r_[total[1:], np.inf]])
        step[row] = np.argmin(options, axis=0) - 1
        total = options[step[row] + 1, np.arange(high - low)] + cost[row]
    path = np.zeros(gh, int)
    at = int(np.argmin(total))
    for row in range(gh - 1, -1, -1):
        path[row] = at + low
        at += int(step[row, at])
    return path

"""A form's cells read: one candidate digit a cell, empty cells skipped.

forms.py finds the boxes or comb and takes its lines out; here the ink
left in each cell becomes that cell's candidate (segment.digit_input), and
a box's writing is gathered whole where it runs on through the lines.
"""
import cv2
import numpy as np

from ._shared import NoDigitFound, components_with_stats
from .segment import Atom, Candidate, Writing, digit_input

def reaching_in(mask, inside):
    """The pieces of an ink mask that reach into `inside` (a form's cells)."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[labels[mask & inside]] = True
    keep[0] = False
    return keep[labels]


def digits_in_cells(form, mask, ink, to_picture, along=None):
    """One candidate digit for each cell of a form holding a digit; None if
    no cell does (a thin pen's loop can look like a box: read it as ink).
    along: the lines' pixels a pen's stroke may lie on; a digit touching
    them is a second candidate with them, after the cells' own (the first
    `atoms`), and the network's surer reading is chosen."""
    digits, alternatives = [], []
    if along is not None:
        _, wider = cv2.connectedComponents((mask | along).astype(np.uint8), connectivity=8)
    n, labels, stats, _ = components_with_stats(mask.astype(np.uint8))
    px, py, pw, ph = (stats[:, i].astype(np.float64) for i in range(4))
    for cx, cy, cw, ch in form.cells:
        # The pieces mostly inside the cell (a digit may reach over its box).
        across = np.clip(np.minimum(px + pw, cx + cw) - np.maximum(px, cx), 0, None)
        down = np.clip(np.minimum(py + ph, cy + ch) - np.maximum(py, cy), 0, None)
        inside = (across * down >= 0.5 * pw * ph) & (np.maximum(pw, ph) >= 0.15 * min(cw, ch))
        inside[0] = False
        if not inside.any():
            continue  # an empty box
        x0, y0 = stats[inside, 0].min(), stats[inside, 1].min()
        x1, y1 = (stats[inside, 0] + stats[inside, 2]).max(), (stats[inside, 1] + stats[inside, 3]).max()
        if y1 - y0 < 0.25 * ch:
            continue  # scraps, not a digit written in the box
        local = np.isin(labels[y0:y1, x0:x1], np.flatnonzero(inside))
        try:
            x, box = digit_input([Atom(local, (x0, y0, x1 - x0, y1 - y0))], ink)
        except NoDigitFound:
            continue
        cell = len(digits)
        digits.append(Candidate(cell, cell, x, to_picture(box)))
        if along is not None:
            pieces = np.unique(wider[y0:y1, x0:x1][local])
            whole = np.isin(wider, pieces[pieces > 0])
            if np.count_nonzero(whole & along):
                ys, xs = np.nonzero(whole)
                wx0, wy0, wx1, wy1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
                try:
                    x, box = digit_input([Atom(whole[wy0:wy1, wx0:wx1], (wx0, wy0, wx1 - wx0, wy1 - wy0))], ink)
                    alternatives.append(Candidate(cell, cell, x, to_picture(box)))
                except NoDigitFound:
                    pass
    if not digits:
        return None  # no digit in any cell: what looked like a form may be one
    return Writing(len(digits), digits + alternatives)

"""Colour and polarity: one grey channel in 0..255, and which way round the ink is.

Any bit depth becomes 8 bits (16-bit files use 0..65535, float ones 0..1);
transparency is composited onto a background that contrasts with the
strokes; a colour picture becomes its brightness, or the one colour channel
in which faint marks (a yellow pen on white paper, a blue brush on black)
stand out twice as clearly. Then: is the ink darker than the paper (pen on
paper) or lighter (chalk on a board, MNIST itself)?
"""
import cv2
import numpy as np

from ._shared import ImageError, gradient, lower_quantile, resize_longest, robust_sigma


def to_8bit(img):
    """Scale any bit depth to 0..255: 16-bit files use 0..65535, float ones 0..1."""
    if img.dtype == np.uint8:
        return img
    if img.dtype == np.uint16:
        return cv2.convertScaleAbs(img, alpha=255 / 65535)
    if img.dtype in (np.float32, np.float64):
        img = np.nan_to_num(img.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        return cv2.convertScaleAbs(np.clip(img, 0, 1), alpha=255)
    raise ImageError(f"unsupported pixel type ({img.dtype})")


def to_grey(img):
    """Make a 2-D greyscale image, compositing any transparency away."""
    if img.ndim == 2:
        return img
    channels = img.shape[2]
    if channels == 1:
        return img[:, :, 0]
    if channels == 2:  # grey + alpha
        return _flatten_alpha(np.ascontiguousarray(img[:, :, 0]), img[:, :, 1])
    if channels == 3:
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        part = _faint(grey)
        channel = None if part is None else _clearest_channel(img, grey, part)
        return grey if channel is None else cv2.extractChannel(img, channel)
    if channels == 4:
        if img[:, :, 3].min() == 255:  # opaque, as drawing apps often save: colour
            return to_grey(img[:, :, :3])
        grey = cv2.cvtColor(img, cv2.COLOR_BGRA2GRAY)
        return _flatten_alpha(grey, img[:, :, 3])
    raise ImageError(f"unsupported number of channels ({channels})")


# Pale ink: brightness alone hides a yellow or orange pen on white paper (it is
# nearly as bright as the paper), and a pure blue stroke on black, but each
# stands out in one of the colour channels. Marks are measured against the
# ground around them, which follows shadows and uneven light.

FAINT = 0.5  # marks taking less than half the paper's brightness away (on a
#              dark ground: bringing it less than half-way to white) are faint
CLEARER = 2  # a channel must show the marks twice as clearly as brightness...
VISIBLE = 0.25  # ...and show them at all, not only a difference in noise
MARKS = 0.9995  # marks: the sample's 0.05% furthest from the ground


def _marks(grey):
    """How clearly the picture's most distinct marks stand out.

    Returns (contrast, clarity): the marks' difference from the ground
    around them, as a fraction of the most it could be (1: black on white,
    or white on black), and that over the typical difference (noise, grain).
    The marks are the 0.05% of a 256-pixel sample furthest from the ground:
    a digit a twentieth of a big photo's width still counts.
    """
    step = -(-max(grey.shape) // 256)
    small = np.ascontiguousarray(grey[::step, ::step])
    k = min(max(3, min(small.shape) // 4) | 1, 255)
    ground = cv2.medianBlur(small, k).astype(np.float32)  # the paper or board
    dark = ink_is_dark(small)
    small = small.astype(np.float32)
    # A floor under the divisor: a ground near black (or white) leaves no
    # room to measure a fraction of, only noise.
    if dark:
        difference = (ground - small) / np.maximum(ground, 64)
    else:
        difference = (small - ground) / np.maximum(255 - ground, 64)
    contrast = lower_quantile(difference, MARKS)
    typical = lower_quantile(np.abs(difference), 0.5)
    return contrast, contrast / (typical + 0.01)


def _faint(grey):
    """Where the picture's marks are faint by brightness: in all of it
    (returns `_whole`), or in its middle (`_middle_half`: beside a table
    along the border, the sheet's bright edge stands out more than a pale
    pen); None where they are not."""
    for part in (_whole, _middle_half):
        if _marks(part(grey))[0] < FAINT:
            return part
    return None


def _whole(img):
    return img


def _middle_half(img):
    """The middle half of the picture, across and down."""
    h, w = img.shape[:2]
    return img[h // 4:h - h // 4, w // 4:w - w // 4]


def _clearest_channel(colour, grey, part):
    """The colour channel (0, 1 or 2) in which the marks stand out far more
    clearly than in `grey`, the picture's brightness, looking at `part` of
    it; None if none does.

    Chosen by the middle, a channel must also keep what brightness shows
    around it: a blue pen's digit off to one side vanishes in the blue
    channel, which a yellow mark in the middle would choose.
    """
    measured = [_marks(part(colour)[:, :, c]) for c in range(3)]  # views: no copies
    best = max(range(3), key=lambda c: measured[c][1])
    contrast, clarity = measured[best]
    if contrast < VISIBLE or clarity <= CLEARER * _marks(part(grey))[1]:
        return None
    if part is _middle_half:
        # Three quarters as clear along each side, less a tenth (a blank
        # side's marks are faint both ways).
        for colour_side, grey_side in zip(_sides(colour), _sides(grey)):
            if _marks(colour_side[:, :, best])[0] < 0.75 * _marks(grey_side)[0] - 0.1:
                return None
    return best


def _sides(img):
    """The quarter of the picture along each side, around its middle."""
    h, w = img.shape[:2]
    down, across = max(1, h // 4), max(1, w // 4)
    return img[:down], img[h - down:], img[:, :across], img[:, w - across:]


def _flatten_alpha(grey, alpha):
    """Composite onto a background that contrasts with the opaque pixels.

    Drawing apps save strokes as the opaque part of a transparent image, and
    the hidden colour of transparent pixels is often black, as black strokes
    are: dropping alpha would hide them. White strokes get a black background.
    """
    if alpha.min() == 255:
        return grey
    step = max(1, int(np.sqrt(alpha.size / 250_000)))  # a sample is enough
    a = alpha[::step, ::step].astype(np.float32)
    opaque = float((grey[::step, ::step] * a).sum() / max(a.sum(), 1.0))
    if opaque < 128:  # dark strokes: onto white, grey + (255 - grey) * (1 - alpha)
        return 255 - cv2.multiply(255 - grey, alpha, scale=1 / 255)
    return cv2.multiply(grey, alpha, scale=1 / 255)  # light strokes: onto black


# Polarity ---------------------------------------------------------------------

def ink_is_dark(work):
    """True when the ink is darker than the paper (pen on paper), False for
    light ink on a dark ground (chalk on a board, MNIST itself).

    Ink is the strong, sparse departure from the paper. Against a coarse
    median of the picture (which follows light and shadow but not strokes,
    either way round), we weigh how far pixels go below it against how far
    they go above; cubes make the strong departures count most.

    A glare or a flash's hot spot on paper goes far above it too, so light
    ink must also be narrow (see narrow_side_is_dark).
    """
    small, _ = resize_longest(work, 64, 64)
    paper = cv2.medianBlur(small, 2 * (max(small.shape) // 4) + 1)
    paper = cv2.resize(paper, work.shape[::-1], interpolation=cv2.INTER_LINEAR)
    residual = cv2.subtract(work, paper, dtype=cv2.CV_16S).ravel()  # whole numbers
    threshold = max(3 * robust_sigma(residual), 4.0)
    below = np.power((-residual[residual < -threshold]).astype(np.float32), 3).sum()
    above = np.power(residual[residual > threshold].astype(np.float32), 3).sum()
    return below >= above or _narrow_side_is_dark(work)


def _narrow_side_is_dark(work):
    """Whether, across the picture's sharpest edges, the dark side is the
    narrow one: a stroke ends after its width, the paper beyond it goes on.

    From each of the 0.5% sharpest edge pixels (a small digit's outline is
    hardly more) we walk both ways across the edge (up to a third of the
    picture) until the level crosses back over the edge's middle; each edge
    votes, by its sharpness, for the side that ends first. A glare is wide,
    and its soft edge is seldom among the sharpest; the border ends nothing,
    as a digit may be cropped tightly. The dark side must win clearly: bold
    light strokes with narrow gaps between them vote both ways.
    """
    small, _ = resize_longest(work, 256, 256)
    grey = cv2.GaussianBlur(small, (0, 0), 1.0).astype(np.float32)
    gx, gy, sharpness = gradient(grey)
    ys, xs = np.nonzero(sharpness >= max(float(np.quantile(sharpness, 0.995)), 1e-3))
    weight = sharpness[ys, xs]
    uy, ux = gy[ys, xs] / weight, gx[ys, xs] / weight  # towards the light side
    h, w = grey.shape
    reach = max(h, w) // 3
    steps = np.arange(1, reach + 1, dtype=np.float32)[:, None]

    def walk(sign):
        """The levels met walking towards the light (1) or dark (-1) side,
        one step per row, and where the walk has left the picture."""
        py = np.round(ys + sign * steps * uy).astype(int)
        px = np.round(xs + sign * steps * ux).astype(int)
        outside = (py < 0) | (py >= h) | (px < 0) | (px >= w)
        return grey[np.clip(py, 0, h - 1), np.clip(px, 0, w - 1)], outside

    light, light_out = walk(1)
    dark, dark_out = walk(-1)
    halfway = (light[1] + dark[1]) / 2  # two steps either side of the edge

    def width(crossed, outside):
        """Steps until the level crosses back, or `reach` if it never does
        inside the picture."""
        first = np.where(crossed.any(0), crossed.argmax(0), reach)
        leaves = np.where(outside.any(0), outside.argmax(0), reach)
        return np.where(first < leaves, first, reach)

    dark_width = width(dark > halfway, dark_out)
    light_width = width(light < halfway, light_out)
    return weight[dark_width < light_width].sum() >= 1.5 * weight[light_width < dark_width].sum()

"""What every stage uses: the errors, resizing, robust statistics, and a
few measures of ink (its pieces, its stroke width, whether it is a line).

Nothing here knows about stages; every stage may import from here.
"""
import cv2
import numpy as np

WORK_SIZE = 1024  # longest side when looking for the digit in a big picture
MIN_WORK_SIZE = 256  # small pictures are enlarged so filters have room


class ImageError(ValueError):
    """The file could not be read as an image (message: one line)."""


class NoDigitFound(ValueError):
    """The image holds no ink: a blank page or an empty canvas."""


def resize_longest(img, smallest, largest):
    """Scale so the longest side is within [smallest, largest]; return the scale.

    Big pictures shrink by a whole factor, which OpenCV averages fastest,
    and fastest of all by halves: a 12 MP photo shrinks by 4 as two
    halvings in a fifth of the time (its levels rounded twice).
    """
    longest = max(img.shape)
    if smallest <= longest <= largest:
        return img, 1.0
    if longest > largest:
        factor = int(np.ceil(longest / largest))
        scale, interpolation = 1 / factor, cv2.INTER_AREA
    else:
        factor, scale, interpolation = 1, smallest / longest, cv2.INTER_LINEAR
    size = (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale)))
    while factor % 2 == 0 and img.shape[0] % factor == 0 and img.shape[1] % factor == 0:
        img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=interpolation)
        factor //= 2
    # A big picture shrunk by an odd factor (a 12 MP photo's coarse copy,
    # by 11): halved first while a factor of 4 and more remains, in a
    # tenth of the time of one shrink from the full picture.
    while factor >= 8 and img.shape[0] % 2 == 0 and img.shape[1] % 2 == 0:
        img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=interpolation)
        factor /= 2
    if img.shape[:2] != size[::-1]:
        img = cv2.resize(img, size, interpolation=interpolation)
    return img, scale


def lower_quantile(values, q):
    """np.quantile(values, q, method="lower"), without its overhead: ten
    times as fast on a sample this size."""
    values = values.ravel()
    k = int(np.floor((values.size - 1) * q))
    return float(np.partition(values, k)[k])


def median_of_counts(values):
    """np.median of whole numbers from 0 up, from a count of each value:
    several times as fast as sorting them."""
    below = np.cumsum(np.bincount(values))
    n = int(below[-1])
    return float(np.searchsorted(below, [(n - 1) // 2, n // 2], side="right").mean())


def robust_sigma(values):
    """The spread of mostly-background values, ignoring the few that are ink."""
    values = values.ravel()[::max(1, values.size // 50_000)]
    if values.size == 0:  # nothing but ink: no background to measure
        return 0.0
    if values.dtype.kind in "iu":  # whole numbers: counted, not sorted
        values = values.astype(np.int32)
        low = int(values.min())
        median = low + median_of_counts(values - low)  # a whole or a half
        return 1.4826 * median_of_counts(np.abs(2 * values - round(2 * median))) / 2
    return 1.4826 * float(np.median(np.abs(values - np.median(values))))


def paper_sigma(values):
    """robust_sigma of a page that may be a third lines or more (dense
    squared paper). Such lines spread the whole page's values: when the
    paper's lower side alone, which lines above it leave alone, spreads
    under LINED of that, it is the paper's; otherwise robust_sigma (a
    page's grain need not spread evenly both ways)."""
    values = values.ravel()[::max(1, values.size // 50_000)]
    if values.size == 0:
        return 0.0
    low, high = np.percentile(values, [5, 30])
    whole, lower = robust_sigma(values), float(high - low) / 1.12  # 1.12 sigmas apart
    return lower if lower < LINED * whole else whole


LINED = 0.6  # the paper's lower side spreads under this share of the whole page's: lines spread it


def noise_level(img):
    """Standard deviation of a uint8 picture's pixel noise, ignoring its content
    (Immerkaer 1996, with a median so that stroke edges do not count)."""
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = cv2.filter2D(img, cv2.CV_16S, kernel)[1:-1, 1:-1]  # whole numbers
    if response.size == 0:  # a picture one or two pixels high
        return 0.0
    return median_of_counts(np.abs(response).ravel()) / (0.6745 * 6)


def gradient(grey):
    """Sobel's rise across and down a float32 picture, and its size: 8
    times the rise per pixel, as a 3x3 Sobel filter weighs it."""
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    return gx, gy, np.hypot(gx, gy)


def canny(img, low, high):
    """cv2.Canny, never on one thread: OpenCV 5.0 and 5.1 corrupt the heap
    (the process aborts) when Canny runs on one thread over a dense grid of
    edges (squared paper), as a pool's one-thread workers and the speed
    benches would run it; on two threads it does not."""
    threads = cv2.getNumThreads()
    if threads >= 2:
        return cv2.Canny(img, low, high)
    cv2.setNumThreads(2)
    try:
        return cv2.Canny(img, low, high)
    finally:
        cv2.setNumThreads(threads)


def components_with_stats(mask):
    """cv2.connectedComponentsWithStats, 8-connected, by Grana's algorithm:
    the same labels, and three times as fast as the default on sparse ink."""
    return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_GRANA)


def straight_line(piece):
    """Whether a piece of ink is a straight line: about ten times as long as
    wide (its rectangle, through the pixels' centres)."""
    ys, xs = np.nonzero(piece)
    _, sides, _ = cv2.minAreaRect(np.column_stack((xs, ys)).astype(np.float32))
    return min(sides) < 0.1 * max(sides)


def bounding_box(mask):
    """(top, bottom, left, right) of a mask's true pixels, by cv2.boundingRect."""
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    return y, y + h, x, x + w


def stroke_width(mask):
    """Average stroke width: twice the area over the outline's length."""
    mask = mask.astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    outline = sum(cv2.arcLength(c, True) for c in contours)
    return 2 * float(mask.sum()) / max(outline, 1.0)

"""Where a picture's time goes: CPU time per picture in each stage of main.py's reading.

    python bench/stages.py [--per-kind 30] [--seed 0]

Makes the pictures bench/throughput.py reads (bench/pictures.py's kinds, 30
of each by default), then decodes and prepares each as main.py's workers do
(one OpenCV thread, `main.prepare`), timing the pipeline's stages by
wrapping the functions that pipeline.py calls. A stage's time includes the
stages it calls, which are shown indented below it. CPU time of this
process, so other work on the machine counts little.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[0] = ROOT  # not bench/, where numbers.py would hide Python's own numbers module
import argparse  # noqa: E402
import functools  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import main as main_py  # noqa: E402
import preprocessing  # noqa: E402
from bench.pictures import enlarged, make_images  # noqa: E402
from preprocessing import colour, crop, ground, pipeline, reading, strokes  # noqa: E402

# (module, function, the stage's name): the name's indent shows what it is part of.
STAGES = [
    (reading, "decode_image", "decode"),
    (reading, "_faint", "  are the marks faint?"),
    (colour, "_faint", "  are the marks faint?"),
    (reading, "_jpeg_channel", "  colour decoded too"),
    (pipeline, "cut_frame", "frame"),
    (pipeline, "find_ground", "ground"),
    (ground, "_find_table", "  sheet on a table"),
    (ground, "ink_is_dark", "  which way round"),
    (pipeline, "quieten", "noise"),
    (pipeline, "find_digit", "strokes"),
    (strokes, "find_lines", "  ruled lines"),
    (strokes, "select_strokes", "  the digit's pieces"),
    (pipeline, "find_form", "printed boxes"),
    (pipeline, "writing_pieces", "pieces of writing"),
    (pipeline, "candidates", "candidate digits"),
    (pipeline, "_form", "MNIST form"),
    (crop, "find_lines", "  ruled lines in the crop"),
]


def timed(totals, name, function):
    """`function`, adding its CPU time to totals[name]."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.process_time() - start
    return wrapper


def read_all(images):
    """Decode and prepare every picture as a worker of main.py does."""
    for data in images:
        try:
            img = reading.decode_image(data)  # (looked up here: it may be timed)
        except preprocessing.ImageError:
            continue
        main_py.prepare(main_py.Result("picture"), img, "mnist")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=30, metavar="N",
                        help="pictures of each kind (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="which pictures (default: 0)")
    parser.add_argument("--enlarge", type=float, default=1, metavar="F",
                        help="pictures F times as big each way, as a phone's photo "
                             "(2: 0.8 megapixels; default: %(default)s)")
    args = parser.parse_args()
    cv2.setNumThreads(1)  # as in main.py's workers
    with np.load(os.path.join(ROOT, "mnist.npz")) as data:
        x, y = data["x_test"], data["y_test"]  # never the training split
    rng = np.random.default_rng(args.seed)
    images = [enlarged(kind, data, args.enlarge, rng)
              for kind, data, _ in make_images(x, y, args.per_kind, args.seed)]
    read_all(images[:20])  # warm up: imports, OpenCV's first calls
    totals = {}
    for module, function, name in STAGES:
        setattr(module, function, timed(totals, name, getattr(module, function)))
    start = time.process_time()
    read_all(images)
    total = time.process_time() - start
    print(f"{len(images)} pictures, CPU ms per picture (one core):")
    print(f"{'all of it':<30}{1000 * total / len(images):>7.1f}")
    for name in dict.fromkeys(name for _, _, name in STAGES):
        print(f"{name:<30}{1000 * totals.get(name, 0.0) / len(images):>7.1f}")


if __name__ == "__main__":
    main()

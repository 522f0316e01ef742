"""How well the trained network reads realistic pictures of digits.

    python bench/realworld.py [--model handwriting.keras] [--per-kind 100]
    python bench/realworld.py --speed     # also time 12-megapixel photos
    python bench/realworld.py --kinds plain --per-kind 10000  # every test digit, plainly

MNIST's test digits (never the training split) are redrawn as people's own
pictures: pen on uneven paper photographed with noise, blur and JPEG;
coloured pens; thin and thick strokes; strokes on a transparent canvas; chalk
on a board; digits small, large or off to one side; ruled and squared paper;
a sheet of paper lying on a table. Each picture is encoded to file bytes and
read back as main.py reads a file. Both preprocessing methods then go through
the model in one batched call each, and we print the accuracy of each kind
of picture, beside the model's accuracy on the same digits as they are in
MNIST (the "original" column: the best to hope for).
Blank pictures check that no digit is claimed where there is none.
"""
import os
import sys

# The project's root first, in place of this folder: bench/numbers.py would
# hide the standard library's `numbers`, which NumPy and statistics import.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:1] = [ROOT]

import argparse
import time

import cv2
import numpy as np

import main as main_py  # noqa: E402  (main.py: its model loading and prediction)
import preprocessing  # noqa: E402
from bench.pictures import (KINDS, PALE, PENS, blank, make_images, on_paper,  # noqa: E402
                            pick_digits)


# Measuring ----------------------------------------------------------------------

def prepare(images, method):
    """Decode and preprocess every picture; None where no digit was found."""
    inputs = []
    start = time.perf_counter()
    for data in images:
        img = preprocessing.decode_image(data)
        try:
            inputs.append(preprocessing.to_input(img, method))
        except preprocessing.NoDigitFound:
            inputs.append(None)
    ms = 1000 * (time.perf_counter() - start) / len(images)
    return inputs, ms


def read_as_main(images, model):
    """The number main.py reads in each picture (None: no digit found)."""
    results = []
    for data in images:
        result = main_py.Result("picture")
        main_py.prepare(result, preprocessing.decode_image(data), "mnist")
        results.append(result)
    main_py.read_results(model, results)
    return [r.number for r in results]


def predict(model, inputs):
    """The digit read from each input (-1: no digit found), in one batched call."""
    ready = [i for i, a in enumerate(inputs) if a is not None]
    digits = np.full(len(inputs), -1)
    if ready:
        digits[ready] = main_py.predict(model, [inputs[i] for i in ready]).argmax(axis=1)
    return digits


def speed(digit, repeats=5):
    """Time 12-megapixel photos (4000x3000 JPEGs) of `digit` on one core."""
    photos = {  # name: how on_paper draws it
        "strong uneven light": dict(light=1.0),
        "plain page, dark ink": dict(light=0.3, pens=PENS[1:2]),
        "plain page, in a corner": dict(light=0.3, pens=PENS[1:2], where="side"),
        "plain page, yellow felt-tip": dict(light=0.3, pens=PALE[:1]),
    }
    cv2.setNumThreads(1)
    print(f"\n4000x3000 photos, one OpenCV thread, best of {repeats}:")
    for name, how in photos.items():
        data = on_paper(digit, np.random.default_rng(0), 4000, 1500, height=3000,
                        quality=(90, 91), **how)
        decode, mnist = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            img = preprocessing.decode_image(data)
            middle = time.perf_counter()
            preprocessing.mnist(img)
            decode.append(middle - start)
            mnist.append(time.perf_counter() - middle)
        total = 1000 * (min(decode) + min(mnist))
        print(f"  {name + ':':29} {total:4.0f} ms (decode_image {1000 * min(decode):.0f} ms, "
              f"mnist() {1000 * min(mnist):.0f} ms; {len(data) // 1000} kB JPEG)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "handwriting.keras"),
                        help="trained model to read the pictures (default: handwriting.keras)")
    parser.add_argument("--data", default=os.path.join(ROOT, "mnist.npz"),
                        help="MNIST .npz whose test digits are drawn (default: mnist.npz)")
    parser.add_argument("--per-kind", type=int, default=100, metavar="N",
                        help="pictures of each kind (default: 100)")
    parser.add_argument("--seed", type=int, default=0,
                        help="which digits and pictures are drawn (default: 0)")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help="which kinds of picture, comma-separated (default: all)")
    parser.add_argument("--speed", action="store_true",
                        help="also time preprocessing 12-megapixel photos")
    parser.add_argument("--figure", metavar="PNG",
                        help="also draw one picture of each kind and what each method makes of it")
    args = parser.parse_args()
    if args.per_kind < 1:
        parser.error("--per-kind must be at least 1")
    kinds_asked = tuple(k for k in args.kinds.split(",") if k)
    unknown = sorted(set(kinds_asked) - set(KINDS))
    if unknown or not kinds_asked:
        parser.error(f"--kinds: choose from {', '.join(KINDS)}")
    try:
        model = main_py.load_model(args.model)
    except main_py.SetupError as error:
        sys.exit(f"realworld.py: error: {error}")

    with np.load(args.data) as data:
        x_test, y_test = data["x_test"], data["y_test"]  # never the training split
    if args.per_kind > len(x_test):
        parser.error(f"--per-kind: at most {len(x_test)}, the test digits there are")
    images = make_images(x_test, y_test, args.per_kind, args.seed, kinds_asked)
    kinds = np.array([kind for kind, _, _ in images])
    labels = np.array([label for _, _, label in images])
    originals = [x_test[i] / 255 for kind, i in pick_digits(len(x_test), args.per_kind, args.seed)
                 if kind in kinds_asked]
    rng = np.random.default_rng([args.seed, 2])
    blanks = [blank(rng) for _ in range(min(args.per_kind, 300))]  # enough to count

    # "original": the model on the same MNIST digits as they are in the data
    # set, the best we can hope for. A picture with no digit found is wrong.
    right = {"original": predict(model, originals) == labels}
    ms, inputs, predicted = {}, {}, {}
    for method in preprocessing.METHODS:
        inputs[method], ms[method] = prepare([data for _, data, _ in images], method)
        predicted[method] = predict(model, inputs[method])
        right[method] = predicted[method] == labels
    found_in_blank = sum(a is not None for a in prepare(blanks, "mnist")[0])
    # "main.py": as main.py reads a picture, ready for whole numbers; right
    # only if it reads one digit, the right one.
    right["main.py"] = np.array([number == str(label) for number, label in
                                 zip(read_as_main([data for _, data, _ in images], model), labels)])

    columns = ("original", "mnist", "main.py", "tutorial")
    shown = os.path.relpath(args.model)
    shown = args.model if shown.startswith("..") else shown
    print(f"{len(images)} pictures of MNIST test digits (seed {args.seed}), "
          f"model {shown}\n")
    print(f"{'kind':<12}{'n':>5}" + "".join(f"{c:>10}" for c in columns))
    for kind in tuple(k for k in KINDS if k in kinds_asked) + ("overall",):
        pick = kinds == kind if kind != "overall" else np.ones(len(images), bool)
        print(f"{kind:<12}{pick.sum():>5}" + "".join(f"{right[c][pick].mean():>10.1%}"
                                                      for c in columns))
    print(f"{'ms/picture':<17}{'':>10}{ms['mnist']:>10.1f}{'':>10}{ms['tutorial']:>10.1f}"
          "  (decode + preprocess, all cores)")
    print(f"\nBlank pictures (paper, sheet on a table, board, empty canvas): "
          f"{len(blanks) - found_in_blank} of "
          f"{len(blanks)} give 'no digit found' with --preprocess mnist.")
    if args.figure:
        draw_figure(images, inputs, predicted, args.figure)
        print(f"\nFigure: {args.figure}")
    if args.speed:
        speed(x_test[0])


def draw_figure(images, inputs, predicted, path):
    """The first picture of each kind, above the 28x28 input each method
    makes of it and the digit the model then reads."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [k for k, _, _ in images]
    first = [shown.index(kind) for kind in KINDS if kind in shown]
    fig, axes = plt.subplots(3, len(first), figsize=(1.25 * len(first), 4.3))
    for column, i in zip(axes.T, first):
        kind, data, label = images[i]
        column[0].imshow(preprocessing.decode_image(data), cmap="gray", vmin=0, vmax=255)
        column[0].set_title(f"{kind}\n(a {label})", fontsize=8)
        for ax, method in zip(column[1:], ("tutorial", "mnist")):
            x = inputs[method][i]
            ax.imshow(np.zeros((28, 28)) if x is None else x, cmap="gray", vmin=0, vmax=1)
            said = predicted[method][i]
            ax.set_title("no digit" if said < 0 else f"reads {said}", fontsize=8,
                         color="tab:green" if said == label else "tab:red")
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[1, 0].set_ylabel("--preprocess\ntutorial", fontsize=8)
    axes[2, 0].set_ylabel("--preprocess\nmnist", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    main()

"""Say which digit (or number) a picture shows, with the network build_model.py trained.

The steps follow the tutorial: load the model, read the image with OpenCV,
turn it into the 28x28 white-on-black input the model was trained on,
predict, and show the picture. A picture of a whole number (a year, a
postcode in a form's boxes) is split into digits first, and each digit gets
its own 28x28 input.
"""
import argparse
import dataclasses
import json
import os
import sys

import numpy as np

import draw
import preprocessing
from preprocessing import ImageError, NoDigitFound
from tf_quiet import import_keras, run_script

EXAMPLES = """examples:
  python main.py                       the sample, samples/eight-test.png
  python main.py my-digit.png more/    images, or folders of images
  python main.py photos/ --json        one JSON object per image
  python main.py my-digit.jpg --steps  what each preprocessing stage made of it
  python main.py --draw                draw a digit with the mouse, watch the network read it"""

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "samples", "eight-test.png")
# What a folder is searched for; our own saved figures are left out.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff",
                  ".webp", ".pgm", ".ppm", ".pbm")
FIGURE_SUFFIX = ".prediction.png"
MAX_FIGURES = 12  # more windows than this helps nobody
PREVIEW_SIZE = 800  # the plot shows the picture at most this big: enough to see


class SetupError(Exception):
    """Something to fix before any image can be read (message: one line)."""


@dataclasses.dataclass
class Digit:
    """One digit read in a picture."""
    x: np.ndarray  # the 28x28 input the network saw
    box: tuple  # where it is in the picture: x, y, width, height in its pixels
    prediction: np.ndarray  # the network's probability for each digit

    @property
    def digit(self):
        return int(np.argmax(self.prediction))

    @property
    def confidence(self):
        return float(np.max(self.prediction))


@dataclasses.dataclass
class Result:
    """What we learn about one image, step by step."""
    image: str  # its path, as given
    img: np.ndarray = None  # the picture as read (shrunk), kept only to plot it
    shrunk: float = 1.0  # how much img was shrunk, to draw the digits' boxes on it
    writing: preprocessing.Writing = None  # the ways its ink may split into digits
    digits: list = None  # the Digits read, left to right
    error: str = None  # why the file could not be read
    reason: str = None  # why no digit was found in it
    steps: preprocessing.Steps = None  # the picture after each stage, with --steps

    @property
    def number(self):
        return "".join(str(d.digit) for d in self.digits) if self.digits else None

    @property
    def least_sure(self):
        return min(d.confidence for d in self.digits)


# ## Load the model
def load_model(path):
    """Load the trained network, checking it reads 28x28 digits into 10 classes."""
    if not os.path.isfile(path):
        raise SetupError(f"no model at {path}: run `python build_model.py` first")
    keras = import_keras()  # TensorFlow loads here, not when main.py is imported
    try:
        model = keras.models.load_model(path)
    except Exception as error:  # a damaged file or another program's: one line, no traceback
        raise SetupError(f"cannot load model {path}: {first_line(error)}")
    if np.prod(model.input_shape[1:]) != 28 * 28 or model.output_shape[1:] != (10,):
        raise SetupError(f"{path} is not a digit model: it maps {model.input_shape[1:]} "
                         f"to {model.output_shape[1:]}, not 28x28 pixels to 10 digits")
    return model


def first_line(error):
    return str(error).splitlines()[0] if str(error).strip() else type(error).__name__


# ## Read the images
def find_images(paths):
    """A Result for each image; a folder stands for the images inside it, in
    sorted order."""
    results = []
    for path in paths:
        if not os.path.isdir(path):
            results.append(Result(path))
            continue
        try:
            names = sorted(name for name in os.listdir(path)
                           if name.lower().endswith(IMAGE_SUFFIXES)
                           and not name.endswith(FIGURE_SUFFIX)
                           and not name.startswith("."))
        except OSError as error:
            results.append(Result(path, error=f"cannot list this folder ({error.strerror})"))
            continue
        if not names:
            results.append(Result(path, error="no images in this folder"))
        results += [Result(os.path.join(path, name)) for name in names]
    return results


def read(result, method, keep_picture, steps=False):
    """Read one image and prepare the network's inputs; a bad file is noted,
    never raised, so the other images are still answered."""
    try:
        img = preprocessing.read_image(result.image)
    except ImageError as error:
        result.error = f"cannot read image: {error}"
        return
    if keep_picture:
        result.img, result.shrunk = preprocessing.resize_longest(img, 1, PREVIEW_SIZE)
    prepare(result, img, method, steps)


def prepare(result, img, method, steps=False):
    """Turn the picture into 28x28 inputs: one per digit, or, for a number
    whose digits touch, one per way of splitting it (the network chooses)."""
    try:
        if method == "tutorial":
            h, w = img.shape
            x = preprocessing.tutorial(img)
            result.writing = preprocessing.Writing(1, [preprocessing.Candidate(0, 0, x, (0, 0, w, h))])
        else:
            result.writing = preprocessing.read_number(img, steps=steps)
            result.steps = result.writing.steps
    except NoDigitFound as error:
        result.reason = str(error)
        result.steps = getattr(error, "steps", None)  # how far it got


# ## Predict
def predict(model, inputs):
    """The ten probabilities for each 28x28 input, in one call to the model."""
    batch = np.stack(inputs).astype(np.float32)
    # A convnet may want a channel axis: shape the batch to the model's input.
    batch = batch.reshape((len(batch),) + tuple(model.input_shape[1:]))
    return np.asarray(model.predict_on_batch(batch))


def choose(result, prediction):
    """The digits the picture shows: of the ways its ink may split into
    digits, the one whose digits the network is surest of."""
    chosen = preprocessing.best_reading(result.writing, prediction)
    result.digits = [Digit(result.writing.candidates[i].x, result.writing.candidates[i].box,
                           prediction[i]) for i in chosen]


def read_results(model, results):
    """Predict every candidate digit of every picture in one call to the
    model, then choose each picture's digits."""
    ready = [r for r in results if r.writing is not None]
    inputs = [c.x for r in ready for c in r.writing.candidates]
    if not inputs:
        return
    prediction = predict(model, inputs)
    start = 0
    for r in ready:
        count = len(r.writing.candidates)
        choose(r, prediction[start:start + count])
        start += count


def describe(result):
    """One line of text for one image."""
    if result.error:
        return result.error
    if result.reason:
        return result.reason
    if len(result.digits) == 1:
        digit = result.digits[0]
        return f"The number is probably a {digit.digit} ({digit.confidence:.1%} sure)"
    return f"The number is probably {result.number} (least sure digit: {result.least_sure:.0%})"


def as_json(result):
    """One JSON object for one image: "digit" for a single digit, and for
    every picture the number and each digit with its box in the picture."""
    if result.error:
        return {"image": result.image, "error": result.error}
    if result.reason:
        return {"image": result.image, "digit": None, "number": None, "digits": [],
                "reason": result.reason}
    answer = {"image": result.image}
    if len(result.digits) == 1:
        only = result.digits[0]
        answer.update(digit=only.digit, confidence=round(only.confidence, 4),
                      probabilities=[round(float(p), 4) for p in only.prediction])
    answer["number"] = result.number
    answer["digits"] = [{"digit": d.digit, "confidence": round(d.confidence, 4),
                         "box": [int(v) for v in d.box],
                         "probabilities": [round(float(p), 4) for p in d.prediction]}
                        for d in result.digits]
    return answer


# ## Show the picture
def plot(results):
    """Show each image with a box round each digit read, the 28x28 inputs
    the network saw, and their probabilities.

    Without a display the figures are saved as PNG files beside the images.
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.backends import BackendFilter, backend_registry

    shown = [r for r in results if r.img is not None]
    interactive = matplotlib.get_backend().lower() in backend_registry.list_builtin(
        BackendFilter.INTERACTIVE)
    for r in shown:
        fig = draw_reading(plt, r)
        if not interactive:
            figure_path = os.path.splitext(r.image)[0] + FIGURE_SUFFIX
            try:
                fig.savefig(figure_path)
                print(f"No display: saved the figure to {figure_path}", file=sys.stderr)
            except OSError as error:
                print(f"No display, and cannot save {figure_path} ({error.strerror}): "
                      "use --no-plot, or run where a window can open", file=sys.stderr)
            plt.close(fig)
    if sum(r.error is None for r in results) > MAX_FIGURES:
        print(f"Plotted the first {MAX_FIGURES} images only", file=sys.stderr)
    if interactive and shown:
        plt.show()


def draw_reading(plt, r):
    """One figure: the picture as read with each digit's box and reading;
    each digit's 28x28 input and its ten probabilities (under the picture
    for a number, beside it for one digit); with --steps, the stages."""
    digits = r.digits or []
    many = len(digits) > 1
    rows = ([2.2, 1, 0.9] if many else [1.6]) + ([1] if r.steps is not None else [])
    width = 12 if r.steps is not None else max(10, 1.3 * len(digits))
    fig = plt.figure(figsize=(width, 2.2 * sum(rows)))
    grid = fig.add_gridspec(len(rows), 1, height_ratios=rows)
    fig.suptitle(f"{os.path.basename(r.image)}: {describe(r)}")
    if many:
        ax_img = fig.add_subplot(grid[0])
        inputs, bars = grid[1].subgridspec(1, len(digits)), grid[2].subgridspec(1, len(digits))
        for n, d in enumerate(digits):
            draw_input(fig.add_subplot(inputs[n]), d.x, str(d.digit))
            draw_bars(fig.add_subplot(bars[n]), d, small=True)
    else:
        ax_img, ax_input, ax_bars = (fig.add_subplot(cell) for cell in grid[0].subgridspec(1, 3))
        draw_input(ax_input, digits[0].x if digits else None, "28x28 input the network saw")
        draw_bars(ax_bars, digits[0] if digits else None, small=False)
    ax_img.imshow(r.img, cmap="gray", vmin=0, vmax=255)
    ax_img.set_title("image as read")
    ax_img.set_xticks([])
    ax_img.set_yticks([])
    for d in digits:  # each digit's box, and what was read there
        x, y, w, h = (v * r.shrunk for v in d.box)
        ax_img.add_patch(plt.Rectangle((x - 0.5, y - 0.5), w, h, fill=False, color="tab:orange",
                                       linewidth=1.5))
        if many:
            ax_img.text(x + w / 2, y - 2, str(d.digit), color="tab:orange", ha="center",
                        va="bottom", fontsize=12, fontweight="bold")
    if r.steps is not None:
        strip = grid[len(rows) - 1].subgridspec(1, len(STAGES))
        draw_steps([fig.add_subplot(strip[n]) for n in range(len(STAGES))], r.steps)
    fig.tight_layout()
    return fig


def draw_input(ax, x, title):
    """A 28x28 input as the network saw it."""
    if x is not None:
        ax.imshow(x, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_bars(ax, d, small):
    """A digit's ten probabilities, the one read in orange."""
    if d is not None:
        ax.bar(range(10), d.prediction, color="tab:blue")
        ax.bar(d.digit, d.confidence, color="tab:orange")
    ax.set(xticks=range(10), ylim=(0, 1))
    if small:
        ax.tick_params(labelsize=6)
        ax.set_yticks([])
    else:
        ax.set_title("probability of each digit")


# What each stage's picture shows: grey levels (0 to 255), ink (0 to 1), or
# ink measured against the paper (0 up to its darkest strokes: None).
STAGES = {"as read": (0, 255), "ground evened out": (0, 255), "ink": (0, None),
          "lines removed": (0, None), "digit cut out": (0, 1), "20x20 box": (0, 1),
          "28x28 input": (0, 1)}


def draw_steps(axes, steps):
    """The picture after each stage of preprocessing, left to right, titled
    with the stage's name as in the README and preprocessing/pipeline.py."""
    for ax, (name, (low, high)) in zip(axes, STAGES.items()):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name, fontsize=9)
        if name in steps.images:
            img = steps.images[name]
            high = high or max(float(np.percentile(img, 99.9)), 0.05)
            ax.imshow(img, cmap="gray", vmin=low, vmax=high)
        else:
            ax.text(0.5, 0.5, "(not reached)", ha="center", va="center", fontsize=8,
                    transform=ax.transAxes)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("images", nargs="*", default=[SAMPLE],
                        help="image files or folders (default: samples/eight-test.png)")
    parser.add_argument("--model", default="handwriting.keras",
                        help="trained model (default: %(default)s)")
    parser.add_argument("--preprocess", choices=preprocessing.METHODS, default="mnist",
                        help="mnist: crop, scale and centre the digit as MNIST did (default); "
                             "tutorial: the tutorial's resize and invert")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per image per line (no plot)")
    parser.add_argument("--no-plot", action="store_true", help="do not show the figures")
    parser.add_argument("--steps", action="store_true",
                        help="under each figure, show the picture after each preprocessing stage")
    parser.add_argument("--draw", action="store_true",
                        help="draw a digit with the mouse instead, and watch the network read "
                             "it layer by layer (needs a window)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # A file name that is not valid text must not crash the printing of it.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")

    # Load the model build_model.py trained.
    try:
        model = load_model(args.model)
    except SetupError as error:
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2

    # Or draw a digit with the mouse, and watch the network read it.
    if args.draw:
        return draw.run(model, args)

    # Read each image and turn it into the 28x28 input the model knows.
    results = find_images(args.images)
    plotting = not (args.json or args.no_plot)
    for n, result in enumerate(results):
        if not result.error:  # a folder that could not be searched has nothing to read
            shown = plotting and n < MAX_FIGURES
            read(result, args.preprocess, keep_picture=shown, steps=shown and args.steps)

    # Predict every digit in one batch: one call to the model, not one per image.
    read_results(model, results)

    # Say what each image shows, in the order given: text for people, or JSON lines.
    for r in results:
        if args.json:
            print(json.dumps(as_json(r)))
        elif r.error:
            print(f"{r.image}: {describe(r)}", file=sys.stderr)
        elif len(results) > 1:
            print(f"{r.image}: {describe(r)}")
        else:
            print(describe(r))

    # Show the pictures, and what the network made of them.
    if plotting:
        plot(results)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    run_script(main)

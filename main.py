"""Say which digit a picture shows, with the network build_model.py trained.

The steps follow the tutorial: load the model, read the image with OpenCV,
turn it into the 28x28 white-on-black input the model was trained on,
predict, and show the picture.

    python main.py                     # the sample eight-test.png
    python main.py my-digit.png more/  # images, or folders of images
"""
import argparse
import json
import os
import sys

import numpy as np

import preprocessing
from preprocessing import ImageError, NoDigitFound
from tf_quiet import run_script

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "samples", "eight-test.png")
# What a folder is searched for; our own saved figures are left out.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff",
                  ".webp", ".pgm", ".ppm", ".pbm")
FIGURE_SUFFIX = ".prediction.png"
MAX_FIGURES = 12  # more windows than this helps nobody


class SetupError(Exception):
    """Something to fix before any image can be read (message: one line)."""


def find_images(paths):
    """Expand folders into the images inside them, in sorted order."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            names = sorted(name for name in os.listdir(path)
                           if name.lower().endswith(IMAGE_SUFFIXES)
                           and not name.endswith(FIGURE_SUFFIX)
                           and not name.startswith("."))
            if not names:
                raise SetupError(f"{path}: no images in this folder")
            found += [os.path.join(path, name) for name in names]
        else:
            found.append(path)
    return found


def load_model(path):
    """Load the trained network; TensorFlow is imported only when needed."""
    if not os.path.isfile(path):
        raise SetupError(f"no model at {path}: run `python build_model.py` first")
    from tf_quiet import import_keras
    keras = import_keras()
    try:
        return keras.models.load_model(path)
    except Exception as error:
        raise SetupError(f"cannot load model {path}: {str(error).splitlines()[0]}")


def read_inputs(paths, method):
    """Read and preprocess each image; one failure never stops the others."""
    results = []
    for path in paths:
        result = {"image": path}
        try:
            img = preprocessing.read_image(path)
            result["img"] = img
            result["input"] = preprocessing.to_input(img, method)
        except ImageError as error:
            result["error"] = str(error)
        except NoDigitFound as error:
            result["reason"] = str(error)
        results.append(result)
    return results


def predict(model, results):
    """Predict every preprocessed image in one batched call to the model."""
    ready = [r for r in results if "input" in r]
    if not ready:
        return
    batch = np.stack([r["input"] for r in ready])
    # A convnet may want a channel axis: shape the batch to the model's input.
    batch = batch.reshape((len(batch),) + tuple(model.input_shape[1:]))
    prediction = np.asarray(model.predict_on_batch(batch))
    for r, probabilities in zip(ready, prediction):
        r["probabilities"] = probabilities
        r["digit"] = int(np.argmax(probabilities))
        r["confidence"] = float(probabilities[r["digit"]])


def describe(r):
    """One line of text for one image's result."""
    if "error" in r:
        return f"cannot read image: {r['error']}"
    if "reason" in r:
        return r["reason"]
    return f"The number is probably a {r['digit']} ({r['confidence']:.1%} sure)"


def as_json(r):
    """One JSON object for one image's result."""
    if "error" in r:
        return {"image": r["image"], "error": r["error"]}
    if "reason" in r:
        return {"image": r["image"], "digit": None, "reason": r["reason"]}
    return {"image": r["image"], "digit": r["digit"],
            "confidence": round(r["confidence"], 4),
            "probabilities": [round(float(p), 4) for p in r["probabilities"]]}


def plot(results):
    """Show each image, the 28x28 input the network saw, and its probabilities.

    Without a display the figures are saved as PNG files beside the images.
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.backends import BackendFilter, backend_registry

    shown = [r for r in results if "img" in r][:MAX_FIGURES]
    interactive = matplotlib.get_backend().lower() in backend_registry.list_builtin(
        BackendFilter.INTERACTIVE)
    for r in shown:
        fig, (ax_img, ax_input, ax_bars) = plt.subplots(1, 3, figsize=(10, 3.4))
        fig.suptitle(f"{os.path.basename(r['image'])}: {describe(r)}")
        ax_img.imshow(r["img"], cmap="gray", vmin=0, vmax=255)
        ax_img.set_title("image as read")
        if "input" in r:
            ax_input.imshow(r["input"], cmap="gray", vmin=0, vmax=1)
        ax_input.set_title("28x28 input the network saw")
        if "probabilities" in r:
            ax_bars.bar(range(10), r["probabilities"], color="tab:blue")
            ax_bars.bar(r["digit"], r["confidence"], color="tab:orange")
        ax_bars.set(xticks=range(10), ylim=(0, 1), title="probability of each digit")
        for ax in (ax_img, ax_input):
            ax.set_xticks([])
            ax.set_yticks([])
        fig.tight_layout()
        if not interactive:
            figure_path = os.path.splitext(r["image"])[0] + FIGURE_SUFFIX
            try:
                fig.savefig(figure_path)
                print(f"No display: saved the figure to {figure_path}", file=sys.stderr)
            except OSError as error:
                print(f"No display, and cannot save {figure_path} ({error.strerror}): "
                      "use --no-plot, or run where a window can open", file=sys.stderr)
            plt.close(fig)
    if len([r for r in results if "img" in r]) > MAX_FIGURES:
        print(f"Plotted the first {MAX_FIGURES} images only", file=sys.stderr)
    if interactive and shown:
        plt.show()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[6:]))
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
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        paths = find_images(args.images)
        # Read the images first: a bad path is reported without waiting for TensorFlow.
        results = read_inputs(paths, args.preprocess)
        model = load_model(args.model) if any("input" in r for r in results) else None
    except SetupError as error:
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2
    if model is not None:
        predict(model, results)

    # Report each image in the order given: text for people, or JSON lines.
    for r in results:
        if args.json:
            print(json.dumps(as_json(r)))
        elif "error" in r:
            print(f"{r['image']}: {describe(r)}", file=sys.stderr)
        elif len(results) > 1:
            print(f"{r['image']}: {describe(r)}")
        else:
            print(describe(r))

    if not (args.no_plot or args.json):
        plot(results)
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    run_script(main)

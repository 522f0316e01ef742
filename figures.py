"""The figure main.py shows for each picture: what it read, and where.

The picture as read, with a box and the digit read over each digit; each
28x28 input the network saw with its ten probabilities; with --steps, the
picture after each preprocessing stage. With no display the figures are
saved in a folder (figures/ by default), whole or not at all, never beside
the user's pictures and never through a link.
"""
import os
import sys

import numpy as np

import safe_write
from safe_write import safe_name

FIGURE_SUFFIX = ".prediction.png"
MAX_FIGURES = 12  # more windows than this helps nobody
FIGURES = "figures"  # with no display, figures are saved here (in the current folder)


def plot(results, describe, folder=FIGURES, readable=None):
    """Show each image with a box round each digit read, the 28x28 inputs
    the network saw, and their probabilities.

    Without a display the figures are saved as PNG files in `folder`, never
    beside the user's pictures. describe(r): the line main.py says of a
    picture, its figure's title. `readable`: how many pictures were read,
    to say when only the first MAX_FIGURES were plotted.
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.backends import BackendFilter, backend_registry

    shown = [r for r in results if r.img is not None]
    interactive = matplotlib.get_backend().lower() in backend_registry.list_builtin(
        BackendFilter.INTERACTIVE)
    names = figure_names(shown, folder)
    for r in shown:
        fig = draw_reading(plt, r, describe(r))
        if not interactive:
            figure_path = names[r.image]
            try:
                save_figure(fig, figure_path)
                print(f"No display: saved the figure to {safe_name(figure_path)}",
                      file=sys.stderr)
            except OSError as error:
                print(f"No display, and cannot save {safe_name(figure_path)} "
                      f"({error.strerror}): use --no-plot, or run where a window can open",
                      file=sys.stderr)
            plt.close(fig)
    if (readable if readable is not None else sum(r.error is None for r in results)) > MAX_FIGURES:
        print(f"Plotted the first {MAX_FIGURES} images only", file=sys.stderr)
    if interactive and shown:
        plt.show()


def figure_names(results, folder):
    """Where each picture's figure is saved: FOLDER/NAME.prediction.png, the
    folder made if need be; two pictures of one name get NAME-2, NAME-3."""
    names, taken = {}, set()
    for r in results:
        stem = os.path.splitext(os.path.basename(r.image))[0] or "image"
        path, n = os.path.join(folder, stem + FIGURE_SUFFIX), 1
        while path in taken:
            n += 1
            path = os.path.join(folder, f"{stem}-{n}{FIGURE_SUFFIX}")
        names[r.image] = path
        taken.add(path)
    if results:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            pass  # saving says why, for each figure
    return names


def draw_reading(plt, r, said):
    """One figure: the picture as read with each digit's box and reading;
    each digit's 28x28 input and its ten probabilities (under the picture
    for a number, beside it for one digit); with --steps, the stages."""
    digits = r.digits or []
    many = len(digits) > 1
    rows = ([2.2, 1, 0.9] if many else [1.6]) + ([1] if r.steps is not None else [])
    width = 12 if r.steps is not None else max(10, 1.3 * len(digits))
    fig = plt.figure(figsize=(width, 2.2 * sum(rows)))
    grid = fig.add_gridspec(len(rows), 1, height_ratios=rows)
    # parse_math=False: a "$" in a file name is text, not a formula.
    fig.suptitle(f"{safe_name(os.path.basename(r.image))}: {said}", parse_math=False)
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


def save_figure(fig, path):
    """Save a figure as PNG whole or not at all (see safe_write.py); never
    through a symbolic link, nor over a file that is not a PNG."""
    safe_write.check_target(path)
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                raise safe_write.Refused("a file that is not a PNG has that name")
    with safe_write.replacing(path) as tmp:
        fig.savefig(tmp, format="png")

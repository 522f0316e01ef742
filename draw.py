"""Draw a digit with the mouse and watch the network read it, layer by layer.

`python main.py --draw` opens one window. On the left is a pad to draw on; on
the right, what the learner's own network makes of the drawing while it
grows: the 28x28 input (made by the same preprocessing as for a file), each
hidden layer's activations as a grid, the ten probabilities, and the answer
in the title. Clicking a hidden neuron shows the weights it learnt and how
much each part of the drawing pushed it. Breaking the network (dropping its
biases, adding noise to its weights) shows what each part does.

Keys: c clears, u undoes the last stroke, s saves the drawing as a PNG that
`python main.py` reads the same way, b drops the biases, n adds noise to the
weights, r restores them, q (or closing the window) ends and prints the last
reading as main.py prints a file's.

The network runs layer by layer in layers.py, not through model.predict.
Only the panels that changed are redrawn (blitting), so drawing stays smooth.
"""
import dataclasses
import os
import sys
import time

import cv2
import numpy as np

import preprocessing
from layers import Reading, network_for, tiles, to_grid

PAD = 280  # the canvas: ten times MNIST's 28x28, drawn dark on white as on paper
# Pen width in canvas pixels. A digit drawn about half the pad's height is
# scaled to MNIST's 20-pixel box by about a seventh: strokes 2 to 3 pixels
# wide, as MNIST's (preprocessing brings other sizes into that range too).
PEN = 18
INTERVAL = 0.08  # seconds between live readings while drawing; always on release
FIGSIZE = (12, 6.4)  # inches at 100 dpi: fits a 1280x800 screen
KEYS = ("left mouse: draw    c: clear    u: undo    s: save    q: quit\n"
        "break it:  b: drop the biases    n: add noise    r: restore")


# ## Open the window: Tk's, or one line saying why there can be none
def run(model, args):
    """Open the pad on `model` (loaded by main.py); when the window closes,
    print the last reading as main.py prints a file's. Returns the exit code."""
    plt, problem = interactive_pyplot()
    if problem:
        print(f"main.py: error: {problem}", file=sys.stderr)
        return 2
    network = network_for(model)
    fig = plt.figure(figsize=FIGSIZE, dpi=100, num="main.py --draw: draw a digit")
    pad = Pad(network, fig, preprocess=args.preprocess, json_lines=args.json)
    plt.show()
    pad.finish()  # printed already if q or the window's close button ended it
    return 0


def interactive_pyplot():
    """pyplot with a backend that opens windows, and None; or None and why
    there can be no window, in one line."""
    import matplotlib
    from matplotlib.backends import BackendFilter, backend_registry

    matplotlib.rcParams["toolbar"] = "None"  # no pan or zoom: the mouse draws
    wanted = os.environ.get("MPLBACKEND", "")  # a user's choice of window, if any
    interactive = backend_registry.list_builtin(BackendFilter.INTERACTIVE)
    backend = wanted if wanted.lower() in interactive else "TkAgg"
    try:
        import tkinter  # noqa: F401  (only to say what to install if it is missing)
    except ImportError as error:
        if backend == "TkAgg":
            return None, (f"--draw needs Tk for its window ({error}): install it "
                          "(Debian, Ubuntu: apt-get install python3-tk; Fedora: dnf install "
                          "python3-tkinter; macOS: brew install python-tk)")
    try:
        matplotlib.use(backend, force=True)
        import matplotlib.pyplot as plt
    except ImportError:
        return None, ("--draw needs a window, and there is no display here: run it on a "
                      "desktop, or in a virtual display: xvfb-run -a python main.py --draw")
    return plt, None


# ## The pad and its panels: mouse and keys in, the reading out
class Pad:
    """The window: a canvas to draw on and panels that show the network's reading."""

    def __init__(self, network, figure, preprocess="mnist", json_lines=False, out=None):
        self.network, self.fig, self.canvas = network, figure, figure.canvas
        self.preprocess, self.json_lines = preprocess, json_lines
        self.out = out  # where the last reading is printed (default: stdout)
        self.ink = np.full((PAD, PAD), 255, np.uint8)  # what is drawn: dark on white
        self.strokes = []  # each a list of (x, y) points on the canvas, for undo
        self.drawing = False
        self.version = 0  # counts changes, so a saved name stands only for what it saved
        self.saved = None  # (file name, version)
        self.selected = None  # (layer, neuron) clicked
        self.reading = None
        self.number = None  # (version, main.py's Result): the drawing read as a file is
        self.last_read = 0.0
        self.interval = INTERVAL
        self.timing = {}  # the last update's parts, in seconds (for bench/draw_update.py)
        self.finished = False
        self.shown_status = None  # the status line as last drawn
        self.layout()
        for name, handler in (("button_press_event", self.on_press),
                              ("motion_notify_event", self.on_move),
                              ("button_release_event", self.on_release),
                              ("key_press_event", self.on_key),
                              ("draw_event", self.on_draw),
                              ("close_event", lambda event: self.finish())):
            self.canvas.mpl_connect(name, handler)
        manager = self.canvas.manager
        if manager is not None and getattr(manager, "key_press_handler_id", None):
            # Our keys, not pyplot's (c would go back, s open a save dialog).
            self.canvas.mpl_disconnect(manager.key_press_handler_id)
        self.update_reading()

    # ### Layout: the pad on the left, the panels on the right
    def layout(self):
        fig = self.fig
        width, height = fig.get_size_inches()
        side = 0.8  # of the figure's height
        w = side * height / width
        # Square, centred at 24% of the width and half the height.
        self.ax_pad = fig.add_axes((0.24 - w / 2, 0.5 - side / 2, w, side))
        self.ax_pad.set(xlim=(-0.5, PAD - 0.5), ylim=(PAD - 0.5, -0.5), aspect="equal")
        # The drawing is shown scaled by OpenCV to the pad's size on the screen
        # and put there pixel for pixel (see pad_view): a fifth of the time
        # matplotlib takes to resample it.
        self.pad_image = fig.figimage(np.zeros((1, 1, 4), np.uint8), origin="upper",
                                      interpolation="none", animated=True)
        self.ax_pad.set_title("draw a digit here (left mouse)", fontsize=10)
        self.title = fig.text(0.5, 0.965, "", ha="center", va="center", fontsize=14,
                              weight="bold", animated=True)
        fig.text(0.24, 0.04, KEYS, ha="center", va="center", fontsize=8.5, color="0.3",
                 linespacing=1.6)
        self.status = fig.text(0.745, 0.02, "", ha="center", va="center", fontsize=9,
                               color="tab:blue", animated=True)

        # Right: three rows of two panels.
        left, right = 0.53, 0.77
        panel_w = 0.2
        rows = (0.66, 0.375, 0.08)
        panel_h = 0.22

        def square(x, y):  # a square panel, centred in its place
            sw = panel_h * height / width
            return fig.add_axes((x + (panel_w - sw) / 2, y, sw, panel_h))

        self.ax_input = square(left, rows[0])
        self.input_image = self.ax_input.imshow(np.zeros((28, 28)), cmap="gray", vmin=0, vmax=1,
                                                animated=True)
        self.ax_input.set_title("28x28 input the network sees", fontsize=9)
        self.ax_bars = fig.add_axes((right, rows[0], panel_w, panel_h))
        self.bars = self.ax_bars.bar(range(10), np.zeros(10), color="tab:blue", animated=True)
        self.ax_bars.set(xticks=range(10), ylim=(0, 1), yticks=(0, 0.5, 1))
        self.ax_bars.set_title("probability of each digit", fontsize=9)
        self.ax_bars.tick_params(labelsize=8)

        self.ax_grids, self.grid_images = [], []
        for grid, x in zip(self.network.grids[:2], (left, right)):
            ax = fig.add_axes((x, rows[1], panel_w, panel_h))
            size = (grid.rows * (grid.tile[0] + 1) - 1, grid.cols * (grid.tile[1] + 1) - 1) \
                if grid.tile != (1, 1) else (grid.rows, grid.cols)
            image = ax.imshow(np.zeros(size), cmap="magma", vmin=0, vmax=1, animated=True,
                              interpolation="nearest")
            ax.set_title(f"{grid.title} (click one)", fontsize=9)
            self.ax_grids.append(ax)
            self.grid_images.append(image)
        self.marker = None  # the clicked neuron's outline, in its grid

        self.ax_weights = fig.add_axes((left, rows[2], panel_w, panel_h))
        self.ax_push = fig.add_axes((right, rows[2], panel_w, panel_h))
        self.weights_image = self.ax_weights.imshow(np.zeros((28, 28)), cmap="RdBu_r",
                                                    vmin=-1, vmax=1, animated=True)
        self.push_image = self.ax_push.imshow(np.zeros((28, 28)), cmap="RdBu_r",
                                              vmin=-1, vmax=1, animated=True)
        self.weights_title = self.ax_weights.set_title("click a neuron above\nto see its weights",
                                                       fontsize=9, animated=True)
        self.push_title = self.ax_push.set_title("and what the drawing\nadds to it",
                                                 fontsize=9, animated=True)
        fig.text(0.745, 0.05, "weights and what they add: red positive, blue negative",
                 ha="center", va="center", fontsize=8, color="0.3")
        for ax in [self.ax_pad, self.ax_input, self.ax_weights, self.ax_push] + self.ax_grids:
            ax.set_xticks([])
            ax.set_yticks([])

        # What changes: each part is drawn again over its area's background,
        # kept after each full draw. An area is an axes or a rectangle in
        # figure fractions; no two hold the same changing artists.
        def around(x):  # a lower panel with its title
            return (x - 0.01, rows[2] - 0.005, x + panel_w + 0.01, rows[2] + panel_h + 0.06)

        self.parts = {
            "pad": (self.ax_pad, [self.pad_image]),
            "input": (self.ax_input, [self.input_image]),
            "bars": (self.ax_bars, list(self.bars)),
            "weights": (around(left), [self.weights_image, self.weights_title]),
            "push": (around(right), [self.push_image, self.push_title]),
            "title": ((0, 0.93, 1, 1), [self.title]),
            "status": ((0.5, 0, 1, 0.035), [self.status]),
        }
        for n, (ax, image) in enumerate(zip(self.ax_grids, self.grid_images)):
            self.parts[f"grid{n}"] = (ax, [image])
        self.areas = {}  # each part's area in pixels, and its background

    # ### Drawing with the mouse
    def to_canvas(self, event):
        """The event's position in canvas pixels (outside the pad too)."""
        x, y = self.ax_pad.transData.inverted().transform((event.x, event.y))
        return float(x), float(y)

    def on_press(self, event):
        if event.button != 1:
            return
        if event.inaxes is self.ax_pad:
            self.drawing = True
            self.say("")  # what was said is about an earlier drawing
            self.strokes.append([self.to_canvas(event)])
            self.add_segment(self.strokes[-1][-1], self.strokes[-1][-1])
            self.redraw("pad")
        elif event.inaxes in self.ax_grids:
            self.select(self.ax_grids.index(event.inaxes), event.xdata, event.ydata)

    def on_move(self, event):
        if not self.drawing:
            return
        point = self.to_canvas(event)
        stroke = self.strokes[-1]
        if abs(point[0] - stroke[-1][0]) + abs(point[1] - stroke[-1][1]) < 1:
            return
        self.add_segment(stroke[-1], point)
        stroke.append(point)
        if time.perf_counter() - self.last_read >= self.interval:
            self.update_reading()
        else:
            self.redraw("pad")

    def on_release(self, event):
        if self.drawing and event.button == 1:
            self.drawing = False
            self.read_number()
            self.update_reading()

    def add_segment(self, start, end):
        """Join two points with a round-capped line of the pen's width."""
        scale = 16  # OpenCV draws to a 16th of a pixel with shift=4: smooth curves
        cv2.line(self.ink, (round(start[0] * scale), round(start[1] * scale)),
                 (round(end[0] * scale), round(end[1] * scale)), 0, PEN, cv2.LINE_AA, shift=4)
        self.version += 1

    def redraw_strokes(self):
        self.ink[:] = 255
        for stroke in self.strokes:
            for start, end in zip(stroke[:1] + stroke[:-1], stroke):
                self.add_segment(start, end)

    # ### Reading the drawing
    def read(self):
        """Preprocess the drawing as main.py does a file, then run the network."""
        start = time.perf_counter()
        try:
            x = preprocessing.to_input(self.ink, self.preprocess)
        except preprocessing.NoDigitFound as error:
            self.timing.update(preprocess=time.perf_counter() - start, network=0.0)
            return Reading(reason=str(error))
        middle = time.perf_counter()
        reading = self.network.read(x)
        self.timing.update(preprocess=middle - start, network=time.perf_counter() - middle)
        return reading

    def update_reading(self):
        """Read the drawing and show every panel: one live update."""
        self.last_read = time.perf_counter()
        r = self.reading = self.read()
        blank = r.x is None
        changed = ["pad", "input", "bars"] + [f"grid{n}" for n in range(len(self.grid_images))]
        self.input_image.set_data(np.zeros((28, 28)) if blank else r.x)
        for bar, p in zip(self.bars, np.zeros(10) if blank else r.probabilities):
            bar.set_height(p)
            bar.set_color("tab:blue")
        if not blank:
            self.bars[int(np.argmax(r.probabilities))].set_color("tab:orange")
        for n, (grid, image) in enumerate(zip(self.network.grids, self.grid_images)):
            values = None if blank else r.hidden[n]
            if values is None:
                image.set_data(np.zeros(image.get_array().shape))
            elif grid.tile == (1, 1):
                image.set_data(to_grid(values, grid))
            else:
                image.set_data(tiles(values, values.shape))
            image.set_clim(0, 1 if values is None else max(float(np.nanmax(values)), 1e-6))
        if self.selected is not None:
            self.show_inside()
            changed.append("push")
        texts = self.title.get_text(), self.status.get_text(), self.shown_status
        self.show_title()
        # Text takes a couple of milliseconds to draw: only when it changed.
        changed += [name for name, before, now in (
            ("title", texts[0], self.title.get_text()),
            ("status", texts[2], texts[1])) if before != now]
        self.shown_status = self.status.get_text()
        start = time.perf_counter()
        self.redraw(*changed)
        self.timing["redraw"] = time.perf_counter() - start

    def show_title(self):
        text = self.result().describe  # or why there is no digit, as for a file
        if self.reading.x is None and not self.strokes:
            text = "Draw a digit on the pad"
        state = self.network.state()
        self.title.set_text(f"{text}   [{state}]" if state else text)

    def read_number(self):
        """Read the drawing as main.py reads a file, several digits side by
        side as a number: at the end of a stroke (too slow for every move)."""
        import main  # here, not at the top: main.py imports this module
        result = main.Result("drawing")
        main.prepare(result, self.ink, self.preprocess)
        main.read_results(self.network.model, [result])
        self.number = (self.version, result)

    def reread_number(self):
        """The weights changed: a number read at the end of the last stroke
        is read again by the network as it is now."""
        if self.number is not None and self.number[0] == self.version:
            self.read_number()

    def result(self, as_a_file=False):
        """The reading as main.py says it for a file (its Result's line and
        JSON): a number read at the end of a stroke, while the drawing is
        unchanged; else, and always while drawing, the live reading of one
        digit. as_a_file: exactly what main.py says of the drawing saved."""
        import main
        name = self.saved[0] if self.saved and self.saved[1] == self.version else "drawing"
        if as_a_file and (self.number is None or self.number[0] != self.version):
            self.read_number()
        current = self.number is not None and self.number[0] == self.version
        if current and (as_a_file or len(self.number[1].digits or []) > 1):
            result = self.number[1]
            result.image = name
        else:
            r = self.reading
            digits = None if r.x is None else [main.Digit(r.x, (0, 0, PAD, PAD), r.probabilities)]
            result = main.Result(name, digits=digits, reason=r.reason)
        return Said(main.describe(result), main.as_json(result))

    # ### Looking inside: a neuron's weights, and what the drawing adds to it
    def select(self, layer, x, y):
        grid = self.network.grids[layer]
        th, tw = grid.tile
        col, row = int(round(x)), int(round(y))
        if grid.tile != (1, 1):  # a feature map: which tile, one pixel apart
            col, row = col // (tw + 1), row // (th + 1)
        if not (0 <= row < grid.rows and 0 <= col < grid.cols):
            return
        self.selected = (layer, row * grid.cols + col)
        if self.marker is not None:
            self.marker.remove()
            for _, artists in self.parts.values():
                if self.marker in artists:
                    artists.remove(self.marker)
        import matplotlib.patches as patches
        w, h = (1, 1) if grid.tile == (1, 1) else (tw + 1, th + 1)
        self.marker = patches.Rectangle((col * w - 0.5, row * h - 0.5), w, h, fill=False,
                                        edgecolor="cyan", linewidth=1.5, animated=True)
        self.ax_grids[layer].add_patch(self.marker)
        self.parts[f"grid{layer}"][1].append(self.marker)
        self.show_inside()
        self.canvas.draw()  # all of it: the lower panels may change shape

    def show_inside(self):
        if self.selected is None:
            return
        layer, neuron = self.selected
        weights, what, push, how = self.network.look_inside(layer, neuron, self.reading)
        self.weights_image.set_data(weights)
        limit = max(float(np.nanmax(np.abs(weights))), 1e-6)
        self.weights_image.set_clim(-limit, limit)
        self.weights_image.set_extent((-0.5, weights.shape[1] - 0.5,
                                       weights.shape[0] - 0.5, -0.5))
        self.weights_title.set_text(what)
        if push is None:
            push = np.zeros_like(weights)
        self.push_image.set_data(push)
        self.push_image.set_extent((-0.5, push.shape[1] - 0.5, push.shape[0] - 0.5, -0.5))
        limit = max(float(np.nanmax(np.abs(push))), 1e-6)
        self.push_image.set_clim(-limit, limit)
        self.push_title.set_text(how)
        for ax, image in ((self.ax_weights, weights), (self.ax_push, push)):
            ax.set_xlim(-0.5, image.shape[1] - 0.5)
            ax.set_ylim(image.shape[0] - 0.5, -0.5)

    # ### Keys
    def on_key(self, event):
        key = event.key
        if key in ("c", "u"):
            self.drawing = False  # a stroke being drawn ends here
        if key == "c":
            self.strokes.clear()
            self.redraw_strokes()
            self.say("cleared")
        elif key == "u":
            if self.strokes:
                self.strokes.pop()
                self.redraw_strokes()
                self.read_number()
                self.say("took back the last stroke")
            else:
                self.say("nothing to undo")
        elif key == "s":
            self.save()
        elif key == "b":
            self.network.drop_biases()
            self.reread_number()
            self.say("biases dropped: r restores them")
        elif key == "n":
            self.network.add_noise()
            self.reread_number()
            self.say("noise added to the weights: r restores them")
        elif key == "r":
            self.network.restore()
            self.reread_number()
            self.say("weights and biases restored")
        elif key == "q":
            self.finish()
            return
        else:
            return
        self.update_reading()

    def say(self, text):
        self.status.set_text(text)

    def save(self):
        """Save the drawing as a new PNG in the current folder, never over a file."""
        if not self.strokes:
            self.say("nothing to save: the pad is empty")
            return
        _, png = cv2.imencode(".png", self.ink)
        for n in range(1, 10_000):
            name = f"drawing-{n}.png"
            try:
                with open(name, "xb") as f:  # x: fails if the file exists
                    try:
                        f.write(png.tobytes())
                    except OSError:
                        f.close()
                        os.remove(name)  # nothing half written
                        raise
            except FileExistsError:
                continue
            except OSError as error:
                self.say(f"cannot save {name} ({error.strerror or error})")
                print(f"cannot save {name} ({error.strerror or error})", file=sys.stderr)
                return
            self.saved = (name, self.version)
            self.say(f"saved {name}: python main.py {name} reads it")
            print(f"Saved the drawing as {name}", file=sys.stderr)
            return
        self.say("cannot save: drawing-1.png to drawing-9999.png all exist")

    # ### Redrawing only what changed
    def on_draw(self, event):
        """After a full draw (the first, a resize, a neuron chosen): keep each
        part's background, then draw the changing artists over it."""
        from matplotlib.transforms import Bbox
        for name, (where, artists) in self.parts.items():
            if isinstance(where, tuple):
                box = Bbox.from_extents(*where).transformed(self.fig.transFigure)
            else:  # an axes, with its frame
                box = where.bbox.padded(2)
            self.areas[name] = box, self.canvas.copy_from_bbox(box)
        for name in self.parts:
            self.draw_part(name)

    def draw_part(self, name):
        where, artists = self.parts[name]
        if name == "pad":
            self.pad_image.set_data(self.pad_view())
        for artist in artists:
            self.fig.draw_artist(artist)
        if not isinstance(where, tuple):  # the images cover their frames: draw them again
            for spine in where.spines.values():
                self.fig.draw_artist(spine)

    def pad_view(self):
        """The drawing as RGBA pixels, at the size the pad has on the screen."""
        box = self.ax_pad.bbox
        self.pad_image.ox, self.pad_image.oy = round(box.x0), round(box.y0)
        size = (max(1, round(box.width)), max(1, round(box.height)))
        return cv2.cvtColor(cv2.resize(self.ink, size, interpolation=cv2.INTER_LINEAR),
                            cv2.COLOR_GRAY2RGBA)

    def redraw(self, *names):
        """Draw these parts again (all, if none are named) over their kept
        backgrounds, and show them."""
        if not self.areas:
            self.canvas.draw()  # the first time: the lot, and on_draw keeps the areas
            return
        for name in names or self.parts:
            box, background = self.areas[name]
            self.canvas.restore_region(background)
            self.draw_part(name)
            self.canvas.blit(box)

    # ### The end: print the last reading, as for a file
    def finish(self):
        if self.finished:
            return
        self.finished = True
        if self.network.state():
            # Printed as for a file: by the network as it was trained.
            self.network.restore()
            self.reread_number()
            self.reading = self.read()
            print("(read again with the network's own weights and biases)", file=sys.stderr)
        said = self.result(as_a_file=True)
        out = self.out or sys.stdout
        if self.json_lines:
            import json
            print(json.dumps(said.json), file=out)
        else:
            print(said.describe, file=out)
        out.flush()
        if self.canvas.manager is not None:  # a window: close it, if still open
            import matplotlib.pyplot as plt
            plt.close(self.fig)


@dataclasses.dataclass
class Said:
    """A reading as main.py says it for a file: a line, or a JSON object."""
    describe: str
    json: dict

"""Time one live update of `python main.py --draw`, through the real canvas.

    python bench/draw_update.py [--model handwriting.keras] [--backend agg] [--repeats 5]

Draws a 2 as a mouse does, one stroke of points a few pixels apart, by
sending matplotlib mouse events to the pad's real canvas; the pad reads the
drawing after every move (no throttling) and each move is timed: draw the
segment, preprocess the drawing as main.py does a file, run the network for
every layer, and redraw the panels that changed. Prints the median and the
90th percentile, and the median of each part. The update should take under
50 ms at the median: the window reads the drawing every 80 ms at most while
you draw. `--backend tkagg` times the real window (it needs a display, e.g.
under `xvfb-run -a`), where each update is also copied to the screen.
"""
import os
import sys

# The project's root first, in place of this folder: bench/numbers.py would
# hide the standard library's `numbers`, which NumPy and statistics import.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:1] = [ROOT]

import argparse
import statistics
import time

import numpy as np


import matplotlib  # noqa: E402


def stroke_of_a_two():
    """A 2 in one stroke, in pad pixels (280x280), points 4 to 8 pixels apart:
    an arc over the top, a diagonal down to the left, a line along the bottom."""
    t = np.linspace(np.pi, 2.2 * np.pi, 24)
    arc = np.stack([140 + 55 * np.cos(t), 95 + 45 * np.sin(t)], axis=1)[::-1] * [-1, 1] + [280, 0]
    diagonal = np.linspace(arc[-1], (85, 215), 14)[1:]
    bottom = np.linspace((85, 215), (200, 212), 14)[1:]
    return np.concatenate([arc, diagonal, bottom])


def open_pad(model_path, backend):
    """The pad on a figure of the chosen backend's real canvas."""
    import draw
    import main
    matplotlib.use(backend, force=True)
    matplotlib.rcParams["toolbar"] = "None"
    import matplotlib.pyplot as plt
    network = draw.network_for(main.load_model(model_path))
    fig = plt.figure(figsize=draw.FIGSIZE, dpi=100)
    pad = draw.Pad(network, fig, out=open(os.devnull, "w"))
    pad.interval = 0  # read after every move: each one is a live update
    if backend.lower() != "agg":
        plt.show(block=False)
        plt.pause(0.5)  # the window is up and drawn once
    fig.canvas.draw()
    return pad


def send(pad, name, point):
    from matplotlib.backend_bases import MouseEvent
    x, y = pad.ax_pad.transData.transform(point)
    MouseEvent(name, pad.canvas, x, y, button=1)._process()


def time_strokes(pad, repeats):
    """Each move's seconds, and the pad's own timing of each update's parts."""
    from matplotlib.backend_bases import KeyEvent
    totals, parts = [], []
    points = stroke_of_a_two()
    for _ in range(repeats):
        KeyEvent("key_press_event", pad.canvas, "c")._process()
        send(pad, "button_press_event", points[0])
        for point in points[1:]:
            start = time.perf_counter()
            send(pad, "motion_notify_event", point)
            pad.canvas.flush_events()  # a window shows the update now
            totals.append(time.perf_counter() - start)
            parts.append(dict(pad.timing))
        send(pad, "button_release_event", points[-1])
    return totals, parts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "handwriting.keras"),
                        help="trained model (default: %(default)s)")
    parser.add_argument("--backend", default="agg",
                        help="matplotlib backend: agg (no window), or tkagg (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="strokes drawn (default: %(default)s)")
    args = parser.parse_args()

    pad = open_pad(args.model, args.backend)
    time_strokes(pad, 1)  # warm up: first calls compile and allocate
    totals, parts = time_strokes(pad, args.repeats)
    ms = 1000 * np.array(totals)
    print(f"{len(ms)} live updates ({args.backend}, {os.path.basename(args.model)}, "
          f"{type(pad.network).__name__}); the 2 reads as: {pad.title.get_text()}")
    print(f"one update: median {np.median(ms):.1f} ms, 90th percentile "
          f"{np.percentile(ms, 90):.1f} ms")
    print("median of its parts: " + ", ".join(
        f"{name} {1000 * statistics.median(p[name] for p in parts):.1f} ms"
        for name in ("preprocess", "network", "redraw")))
    import matplotlib.pyplot as plt
    plt.close(pad.fig)  # a window closes before Tk ends


if __name__ == "__main__":
    main()

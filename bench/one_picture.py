"""One picture, whole process: main.py against the tutorial's main.py.

    python bench/one_picture.py [--pairs 10] [--model handwriting.keras]

Each pair runs `python main.py --no-plot samples/eight-test.png` and the
tutorial's main.py (bench/tutorial_main.py, with matplotlib's Agg backend
so that its plt.show() returns at once) one after the other, each a fresh
process; we print the median and the fastest wall-clock time of each.
Most of the tutorial's time is importing TensorFlow; main.py runs the
tutorial's network in NumPy (forward.py) and imports none.
"""
import os
import sys

sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # not bench/: bench/numbers.py
import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

ROOT = sys.path[0]
SAMPLE = os.path.join(ROOT, "samples", "eight-test.png")


def seconds(command):
    """Wall-clock seconds of one run of `command`, which must succeed."""
    env = dict(os.environ, MPLBACKEND="Agg")
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0 or "The number is probably a 8" not in done.stdout:
        sys.exit(f"one_picture.py: {' '.join(command)} failed:\n{done.stderr}")
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10, help="runs of each (default: 10)")
    parser.add_argument("--model", default=os.path.join(ROOT, "handwriting.keras"),
                        help="trained model (default: handwriting.keras)")
    parser.add_argument("--before", metavar="PATH",
                        help="also time another main.py, e.g. an older copy of the project's")
    args = parser.parse_args()
    runs = {"tutorial main.py": [], "main.py --no-plot": []}
    if args.before:
        runs["before --no-plot"] = []
    for _ in range(args.pairs):
        runs["tutorial main.py"].append(seconds(
            # -P: not bench/ first on the path, where numbers.py would hide Python's own
            [sys.executable, "-P", os.path.join(ROOT, "bench", "tutorial_main.py"), SAMPLE,
             args.model]))
        runs["main.py --no-plot"].append(seconds(
            [sys.executable, os.path.join(ROOT, "main.py"), "--no-plot", SAMPLE,
             "--model", args.model]))
        if args.before:
            runs["before --no-plot"].append(seconds(
                [sys.executable, args.before, "--no-plot", SAMPLE, "--model", args.model]))
    print(f"samples/eight-test.png, {args.pairs} pairs, one after the other")
    print(f"{'run':<20}{'median s':>10}{'fastest s':>11}")
    for name, times in runs.items():
        print(f"{name:<20}{statistics.median(times):>10.2f}{min(times):>11.2f}")
    tutorial = statistics.median(runs["tutorial main.py"])
    for name, times in list(runs.items())[1:]:
        print(f"{name.split()[0] + ' / tutorial':<20}{statistics.median(times) / tutorial:>10.2f}")


if __name__ == "__main__":
    main()

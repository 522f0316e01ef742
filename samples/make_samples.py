"""Make the sample images: MNIST *test* digits drawn dark on a light background.

    python samples/make_samples.py

Each is the most typical test digit of its class (the closest to the class's
average picture: an odd first example would be a poor first impression),
inverted (dark ink on white, like a pen on paper) and enlarged 5x to 140x140
so it looks like a small scan. The test split is never trained on, so these
are fair examples.
"""
import os

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    with np.load(os.path.join(HERE, "..", "mnist.npz")) as data:
        x_test, y_test = data["x_test"], data["y_test"]
    for digit in range(10):
        indices = np.flatnonzero(y_test == digit)
        images = x_test[indices].reshape(len(indices), -1).astype(np.float32)
        distance = np.square(images - images.mean(axis=0)).sum(axis=1)
        index = int(indices[np.argmin(distance)])
        img = cv2.resize(255 - x_test[index], (140, 140), interpolation=cv2.INTER_CUBIC)
        name = "eight-test.png" if digit == 8 else f"{digit}.png"
        if not cv2.imwrite(os.path.join(HERE, name), img):
            raise SystemExit(f"cannot write samples/{name}")
        print(f"{name}: test digit #{index}")


if __name__ == "__main__":
    main()

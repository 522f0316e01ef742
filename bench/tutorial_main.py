"""The tutorial's main.py as written: the baseline for bench/one_picture.py.

Load the model, read the picture, resize it to 28x28, invert it, scale it,
predict, print, show. Only the picture's and the model's paths are taken
from the command line, so the benchmark can compare like with like.
"""
import sys

import cv2
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

path = sys.argv[1] if len(sys.argv) > 1 else 'samples/eight-test.png'  # path added
model = tf.keras.models.load_model(sys.argv[2] if len(sys.argv) > 2 else 'handwriting.keras')

img = cv2.imread(path)[:, :, 0]
img = cv2.resize(img, (28, 28))
img = np.invert(np.array([img])) / 255
prediction = model.predict(img)
print(f"The number is probably a {np.argmax(prediction)}")
plt.imshow(img[0], cmap=plt.cm.binary)
plt.show()

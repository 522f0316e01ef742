"""The benchmarks, and the picture makers (pictures.py) they share with the tests."""

"""Benchmarks (not tests): `python -m bench` runs every `*_bench.py` module here; results go to
bench/results/."""

"""The benchmarks: run each from the project root as ``python -m bench.<name>``.

Each prints markdown tables and writes them to ``bench/results/<name>.md``
(:func:`bench._common.write_results`). This package is not installed with the library.
"""

"""The Streamlit page of Flickerless, one module per part: sidebar, input, tabs.

Nothing here computes colours: every module gathers inputs, calls :mod:`core`
(through the cached wrappers in :mod:`ui.compute`) and shows what it returns.
"""

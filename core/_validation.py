"""Argument checks at the library's boundary, written once.

Every public function of :mod:`core` checks its arguments with these before
doing any work, so a bad value fails early with a message naming the value
and the valid choices (as scikit-learn's ``_param_validation`` does). They
raise the built-in ``ValueError``; unreadable *media* is
:class:`core.errors.MediaError`'s business, not this module's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.palette import MAX_COLORS, hex_code, parse_color, parse_colors


def check_choice(name: str, value, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` naming both."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name}={value!r} is not supported; choose one of {choices}.")
    return value


def check_range(name: str, value, low: float, high: float) -> float:
    """Return ``value`` as a float if ``low <= value <= high``, else raise ``ValueError``."""
    number = isinstance(value, (int, float, np.integer, np.floating))
    number = number and not isinstance(value, bool)
    if not number or not low <= float(value) <= high:
        raise ValueError(f"{name}={value!r} must be a number from {low:g} to {high:g}.")
    return float(value)


def check_k(k) -> int:
    """Return ``k`` if it is an integer from 1 to 256, else raise ``ValueError``."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= 256:
        raise ValueError(f"k={k!r} must be an integer from 1 to 256 (a GIF holds 256 colours).")
    return int(k)


def check_seed(seed) -> int:
    """Return ``seed`` if it is an integer (not a bool), else raise ``ValueError``."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"seed={seed!r} must be an integer.")
    return int(seed)


def check_image(image) -> np.ndarray:
    """Return ``image`` as a (H, W, 3) uint8 array, or raise ``ValueError``."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"image must be an (H, W, 3) uint8 RGB array, got shape {image.shape} "
            f"and dtype {image.dtype}; use core.load_media to read a file."
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"image is empty (shape {image.shape}).")
    return image


def check_frames(
    frames: Sequence[np.ndarray], alphas: Sequence[np.ndarray | None] | None = None
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """Frames of one size, and one alpha (or ``None``) per frame.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    alphas : sequence of ndarray or None, optional

    Returns
    -------
    frames : list of ndarray
    alphas : list of ndarray or None
        ``[None] * len(frames)`` when ``alphas`` is None.

    Raises
    ------
    ValueError
        For no frames, a frame that is not an RGB image, frames of different
        sizes, or a number of alphas that is not the number of frames.
    """
    frames = [check_image(f) for f in frames]
    if not frames:
        raise ValueError("frames is empty.")
    shape = frames[0].shape
    for f in frames:
        if f.shape != shape:
            raise ValueError(f"all frames must have one shape; got {f.shape} and {shape}.")
    alphas = [None] * len(frames) if alphas is None else list(alphas)
    if len(alphas) != len(frames):
        raise ValueError(f"{len(alphas)} alphas for {len(frames)} frames.")
    return frames, alphas


def opaque_mask(alpha, shape: tuple[int, int]) -> np.ndarray | None:
    """Pixels that count as visible: alpha of at least 128 (of 255), or True.

    Parameters
    ----------
    alpha : ndarray, shape (H, W), bool or uint8, or None
    shape : (H, W) of the image

    Returns
    -------
    ndarray of bool, shape (H, W), or None when every pixel is opaque.

    Raises
    ------
    ValueError
        If ``alpha`` does not have the image's shape.
    """
    if alpha is None:
        return None
    alpha = np.asarray(alpha)
    if alpha.shape != tuple(shape):
        raise ValueError(f"alpha has shape {alpha.shape}, the image {tuple(shape)}.")
    return alpha if alpha.dtype == bool else alpha >= 128


def check_metric_algorithm(metric: str, algorithm: str) -> None:
    """Refuse ``metric="manhattan"`` with any algorithm but ``"kmeans"``.

    Mini-batch and Ward updates are means, which minimise squared, not L1,
    distances; only k-medians (``"kmeans"`` with ``"manhattan"``) is L1 through.
    """
    if metric == "manhattan" and algorithm != "kmeans":
        raise ValueError(
            "metric='manhattan' works with algorithm='kmeans' (k-medians) only, "
            f"not algorithm={algorithm!r}."
        )


def check_locked(locked) -> tuple[str, ...]:
    """Locked colours as ``"#rrggbb"`` strings in their order, repeats dropped.

    Parameters
    ----------
    locked : sequence of str, str, ndarray of shape (n, 3), or None
        Hex codes (``"#ff8800"``, ``"ff8800"``, ``"#f80"``), one string of
        them separated by commas, or sRGB integers 0-255.

    Raises
    ------
    ValueError
        Naming the value that is not a colour, or for more than 256 colours.
    """
    if locked is None:
        return ()
    items = list(locked) if isinstance(locked, (list, tuple)) else None
    if isinstance(locked, str):
        rows = parse_colors(locked).tolist() if locked.strip() else []
    elif items is not None and all(isinstance(value, str) for value in items):
        rows = [parse_color(value) for value in items]
    else:
        array = np.asarray(locked)
        if array.size == 0:
            return ()
        if (
            array.ndim != 2
            or array.shape[1] != 3
            or array.dtype.kind not in "iuf"
            or not np.all(np.isfinite(array))
            or np.any(array != np.round(array))
            or array.min() < 0
            or array.max() > 255
        ):
            raise ValueError(
                "locked must be hex strings or an (n, 3) array of integers 0-255, "
                f"got {array.dtype} values of shape {array.shape}."
            )
        rows = array.astype(int).tolist()
    codes = tuple(dict.fromkeys(hex_code(rgb) for rgb in rows))
    if len(codes) > MAX_COLORS:
        raise ValueError(f"{len(codes)} locked colours; a palette holds at most {MAX_COLORS}.")
    return codes


def check_locked_fits(locked: tuple[str, ...], k: int) -> None:
    """Refuse more locked colours than the ``k`` colours of the palette."""
    if len(locked) > k:
        raise ValueError(
            f"{len(locked)} locked colours do not fit in k={k} colours; "
            f"raise k to at least {len(locked)} or lock fewer colours."
        )


def check_palette_colors(colors) -> np.ndarray:
    """Return ``colors`` as a (k, 3) uint8 array with 1 <= k <= 256, or raise ``ValueError``."""
    colors = np.asarray(colors)
    if colors.ndim != 2 or colors.shape[1] != 3 or not 1 <= len(colors) <= 256:
        raise ValueError(f"colors must be a (k, 3) array with 1 <= k <= 256, got {colors.shape}.")
    return colors.astype(np.uint8)

"""What the page calls each option of ``core``: the words a person reads."""

from __future__ import annotations

MODE_LABELS = {
    "independent": "Independent (each frame on its own)",
    "seeded": "Seeded (from the previous frame)",
    "global": "Global palette (one for all frames)",
    "stable": "Stable (per-frame palettes that hold still)",
}
DITHER_LABELS = {
    "none": "None (nearest colour)",
    "bayer": "Ordered (Bayer 8x8, steady in animations)",
    "floyd-steinberg": "Floyd–Steinberg (error diffusion, shimmers in animations)",
}
SPACE_LABELS = {
    "rgb": "RGB",
    "hsv": "HSV",
    "lab": "Lab (matches human vision)",
    "oklab": "Oklab (newer perceptual space)",
    "din99o": "DIN99o (follows the ΔE error the page reports)",
}
METRIC_LABELS = {"euclidean": "Euclidean", "manhattan": "Manhattan"}
ALGORITHM_LABELS = {
    "kmeans": "KMeans",
    "minibatch": "MiniBatchKMeans",
    "agglomerative": "Agglomerative",
}
INIT_LABELS = {"k-means++": "k-means++ (spread out)", "random": "random pixels"}


def mode_label(mode: str) -> str:
    """The page's name for an animation mode (the mode itself if it has none)."""
    return MODE_LABELS.get(mode, mode)

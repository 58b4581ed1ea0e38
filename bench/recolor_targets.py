"""The recolouring targets, measured one way for ``bench/bench_recolor.py`` and the tests.

An *edit* turns one palette colour 120° in hue at the same L* (the protocol
of ``shared/RECOLOR.md``), with at least the chroma that puts it 30 ΔE76
away; where that colour is outside sRGB, the next angle of 90-180° either
way that fits is taken. Then, for the picture recoloured with that edit:

- ``follow``: how far the edited region's mean colour ends from the new
  colour, as a fraction of the old-to-new distance (0: all the way);
  the region is the pixels whose nearest palette colour (ΔE76) is the
  edited one;
- ``far``: the largest mean ΔE2000 moved by a region whose palette colour is
  at least 40 ΔE76 from the edited one;
- ``ssim``: SSIM of L* against the original (:func:`core.metrics.lightness_ssim`);
- ``ramp``: how many sRGB levels the largest step between neighbouring
  pixels of a smooth ramp grows (:func:`ramp_growth`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import _gamut
from core.colorspace import from_space, to_space, to_srgb8
from core.metrics import delta_e_2000_lab, lab_pixels, lightness_ssim

#: An edit moves the palette colour at least this far (ΔE76), and regions this far count as far.
MIN_EDIT, FAR = 30.0, 40.0
#: Hue turns tried, in order (degrees).
TURNS = (120, -120, 90, -90, 150, -150, 180)
#: Pixels across a ramp.
RAMP_PIXELS = 1024


@dataclass(frozen=True)
class EditScore:
    """What one edit did to one picture (see the module docstring)."""

    index: int
    old: tuple
    new: tuple
    distance: float
    share: float
    follow: float
    far: float
    ssim: float


def turned(rgb) -> np.ndarray | None:
    """The edit of one sRGB palette colour: its hue turned at the same L*, or None if none fits."""
    lab = to_space(np.asarray(rgb)[None], "lab")[0]
    chroma, hue = np.hypot(lab[1], lab[2]), np.arctan2(lab[2], lab[1])
    for turn in np.radians(TURNS):
        # The chord between chroma c and c' at angle turn must reach MIN_EDIT (+1 for rounding).
        reach = MIN_EDIT + 1.0
        cos = np.cos(turn)
        need = chroma * cos + np.sqrt(max(reach**2 - chroma**2 * (1 - cos**2), 0.0))
        c = max(chroma, need)
        lab2 = np.array([lab[0], c * np.cos(hue + turn), c * np.sin(hue + turn)])
        if not _gamut.inside(lab2):
            continue
        new = to_srgb8(from_space(lab2[None], "lab"))[0]
        if np.linalg.norm(to_space(new[None], "lab")[0] - lab) >= MIN_EDIT:
            return new
    return None


def regions(image: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Index of the nearest palette colour (ΔE76) of every pixel, shape (H * W,)."""
    lab = lab_pixels(image).reshape(-1, 3).astype(np.float64)
    centers = to_space(palette, "lab")
    return np.argmin(((lab[:, None, :] - centers[None]) ** 2).sum(axis=2), axis=1)


def score(image, out, palette, new_palette, index: int, labels=None) -> EditScore:
    """Measure one edit: ``out`` is ``image`` recoloured with ``palette[index]`` changed."""
    labels = regions(image, palette) if labels is None else labels
    before = lab_pixels(image).reshape(-1, 3).astype(np.float64)
    after = lab_pixels(out).reshape(-1, 3).astype(np.float64)
    centers = to_space(palette, "lab")
    new = to_space(np.asarray(new_palette)[index][None], "lab")[0]
    distance = float(np.linalg.norm(new - centers[index]))
    mine = labels == index
    follow = float(np.linalg.norm(after[mine].mean(axis=0) - new)) / distance
    far = [
        float(delta_e_2000_lab(before[labels == j], after[labels == j]).mean())
        for j in range(len(palette))
        if np.linalg.norm(centers[j] - centers[index]) >= FAR and np.any(labels == j)
    ]
    return EditScore(index, tuple(int(v) for v in palette[index]),
                     tuple(int(v) for v in new_palette[index]), distance, float(mine.mean()),
                     follow, max(far, default=0.0), lightness_ssim(image, out))


def ramp(start, end, pixels: int = RAMP_PIXELS) -> np.ndarray:
    """A one-row sRGB ramp from ``start`` to ``end``, shape (1, pixels, 3) uint8."""
    t = np.linspace(0.0, 1.0, pixels)[:, None]
    a, b = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
    return np.rint(a * (1.0 - t) + b * t).astype(np.uint8)[None]


def shading(color, pixels: int = RAMP_PIXELS) -> np.ndarray:
    """A ramp from black through ``color`` to white: the shading of a surface of that colour."""
    half = pixels // 2
    return np.concatenate(
        [ramp((0, 0, 0), color, half), ramp(color, (255, 255, 255), pixels - half)], axis=1
    )


def ramps(palette, index: int) -> list[np.ndarray]:
    """The smooth ramps an edit of ``palette[index]`` is judged on: black to white, the
    edited colour's shading (:func:`shading`), and a ramp from it to every other colour."""
    palette = np.asarray(palette)
    rows = [ramp((0, 0, 0), (255, 255, 255)), shading(palette[index])]
    return rows + [ramp(palette[index], palette[j]) for j in range(len(palette)) if j != index]


def largest_step(row: np.ndarray) -> int:
    """The largest change of any channel between neighbouring pixels of a one-row image."""
    return int(np.abs(np.diff(row[0].astype(np.int32), axis=0)).max())


def ramp_growth(apply, row: np.ndarray) -> int:
    """How many levels ``apply`` (image -> image) grows the largest step of ``row``."""
    return largest_step(apply(row)) - largest_step(row)


def region_ramp_growth(apply, row: np.ndarray, palette, index: int) -> int:
    """:func:`ramp_growth` over the steps between two pixels of one region only.

    The region is the pixels whose nearest palette colour is ``palette[index]``:
    there the recolouring is one move, and any new step is the mapping's own,
    not a border's. 0 when no two neighbouring pixels lie in the region.
    """
    mine = regions(row, np.asarray(palette)) == index
    both = mine[1:] & mine[:-1]
    if not np.any(both):
        return 0
    steps_in = np.abs(np.diff(row[0].astype(np.int32), axis=0)).max(axis=1)
    steps_out = np.abs(np.diff(apply(row)[0].astype(np.int32), axis=0)).max(axis=1)
    return int(steps_out[both].max() - steps_in.max())

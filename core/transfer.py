"""Palette transfer: recolour a picture or an animation with the palette of another image.

Both pictures are quantized to ``k`` colours (:func:`core.quantize`; an
animation with one global palette, :func:`core.quantize_frames`), each source
palette colour is paired with a target palette colour, and every source pixel
takes the colour its cluster is paired with. Methods differ in how they pair:

- ``"frequency"``: by rank of share (the naive baseline). A rare dark colour
  can land on a common bright one, so faces turn into sky.
- ``"lightness"``: by rank of CIELAB L*, so dark stays dark.
- ``"matching"``: the optimal assignment under a cost of lightness, chroma,
  hue and share differences (:func:`matching_cost`).
- ``"matching-shift"``: the ``"matching"`` pairing, but each pixel is shifted
  by (target colour - source centre) in Lab instead of filled flat, which keeps
  the shading inside a cluster (its colours are no longer exact target colours).
- ``"recolor"``: the ``"matching"`` pairing, then the full-colour source is
  recoloured so that each source palette colour becomes its target colour
  and every colour in between follows smoothly (:func:`core.recolor`,
  after Chang et al. 2015): lightness through a monotone curve, chroma by
  gamut-aware moves (:data:`RECOLOR_STEEPEST`). Detail and shading stay;
  the result is full colour.
- ``"reinhard"``: no palette; the per-channel mean and standard deviation of
  the source are matched to the target's in Lab (Reinhard et al. 2001).

An animation gets one mapping for all its frames, and every method maps a
pixel by its colour alone (plus its cluster, which is also a function of
colour), so the transfer adds no flicker of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from skimage.color import lab2lch

from core import metrics
from core._histogram import pack_rgb, unpack_rgb
from core._quantize import quantize
from core._recolor import recolor
from core._result import QuantizeResult
from core._sequence import quantize_frames
from core._validation import check_choice, check_image, check_k
from core.colorspace import from_space, to_space, to_srgb8
from core.palette import Palette

METHODS = (
    "frequency",
    "lightness",
    "matching",
    "matching-shift",
    "recolor",
    "reinhard",
)

#: Weights of the squared differences in :func:`matching_cost`: L*, C*, ΔH*
#: (all in ΔE units) and share (in percentage points).
WEIGHT_LIGHTNESS = 1.0
WEIGHT_CHROMA = 0.25
WEIGHT_HUE = 0.1
WEIGHT_SHARE = 0.25

#: Steepest lightness curve of ``"recolor"``: two source colours close in L*
#: paired with target colours far apart would stretch the noise between them
#: into grain; at 3 every target colour still shows within 3 ΔE2000 in the
#: bench pairs (``bench/bench_transfer.py``).
RECOLOR_STEEPEST = 3.0

# A standard deviation below this (in L*, a* or b* units) counts as a flat
# channel: Reinhard's scale factor is then 1 rather than a division by ~0.
_FLAT_STD = 1e-3


@dataclass(frozen=True)
class TransferResult:
    """A picture recoloured with another image's palette.

    Attributes
    ----------
    frames : list of ndarray, shape (H, W, 3), uint8
        The recoloured frames; one element for a still image.
    source_palette : Palette
        The source's k-colour palette (label order of its quantization).
    target_palette : Palette
        The target's k-colour palette.
    mapping : ndarray of int, shape (len(source_palette),), or None
        Index into ``target_palette`` of the colour each source colour goes to;
        None for ``"reinhard"``.
    structure : float
        Structure kept: SSIM of L* between source and result
        (:func:`core.metrics.lightness_ssim`), mean over frames; 1 is perfect.
    fidelity : float
        Palette fidelity: mean CIEDE2000 ΔE from each result pixel to its
        nearest target palette colour (:func:`core.metrics.palette_fidelity`),
        mean over frames; 0 when every pixel is a target colour.
    """

    frames: list
    source_palette: Palette
    target_palette: Palette
    mapping: np.ndarray | None
    structure: float
    fidelity: float

    @property
    def image(self) -> np.ndarray:
        """The first (for a still, the only) recoloured frame."""
        return self.frames[0]


def transfer_palette(
    source,
    target: np.ndarray,
    k: int,
    *,
    method: str = "matching",
    space: str = "lab",
    seed: int = 0,
) -> TransferResult:
    """Recolour ``source`` with the ``k``-colour palette of ``target``.

    Parameters
    ----------
    source : ndarray, shape (H, W, 3), uint8, or sequence of such arrays
        A still image, or the frames of an animation (all of one size). An
        animation is quantized with one global palette and gets one mapping
        for all frames.
    target : ndarray, shape (H, W, 3), uint8
        The image whose palette is applied.
    k : int
        Palette size of both quantizations, 1 to 256. A picture with fewer
        distinct colours gets a smaller palette, so the two sizes can differ.
    method : {"frequency", "lightness", "matching", "matching-shift", "recolor", "reinhard"}
        How source colours are paired with target colours; see the module
        docstring, :func:`pair_by_rank`, :func:`match_palettes`,
        :func:`core.recolor` and :func:`reinhard`.
    space : {"rgb", "hsv", "lab", "oklab", "din99o"}
        The space both quantizations cluster in (as in :func:`core.quantize`).
        Pairing always compares colours in CIELAB / LCh.
    seed : int
        Seed of the clustering; the only source of randomness.

    Returns
    -------
    TransferResult

    Raises
    ------
    ValueError
        For an unknown method or option, a source or target that is not an
        (H, W, 3) uint8 array (or frames of different sizes), no frames, or a
        bad ``k``.

    Notes
    -----
    When the palettes differ in size (ns source, nt target colours),
    ``"frequency"`` and ``"lightness"`` pair rank ``r`` with target rank
    ``floor(r * nt / ns)``; ``"matching"`` lets each target colour take up to
    ``ceil(ns / nt)`` source colours (many-to-one, never a blend, so results
    stay in the target palette), and with ns < nt some target colours go
    unused.
    """
    check_choice("method", method, METHODS)
    k = check_k(k)
    frames = _source_frames(source)
    target = check_image(target)

    if len(frames) == 1:
        src = [quantize(frames[0], k, space=space, seed=seed)]
    else:
        src = quantize_frames(frames, k, mode="global", space=space, seed=seed)
    tgt = quantize(target, k, space=space, seed=seed)
    # Global frames share colours but each counts its own shares; pool them.
    s_pal = Palette(src[0].palette.colors, np.mean([r.palette.shares for r in src], axis=0))
    t_pal = tgt.palette
    s_lab = to_space(s_pal.colors, "lab")
    t_lab = to_space(t_pal.colors, "lab")

    if method == "reinhard":
        mapping = None
        out = reinhard(frames, target)
    else:
        if method == "frequency":
            mapping = pair_by_rank(s_pal.shares, t_pal.shares, descending=True)
        elif method == "lightness":
            mapping = pair_by_rank(s_lab[:, 0], t_lab[:, 0])
        else:
            mapping = match_palettes(s_lab, s_pal.shares, t_lab, t_pal.shares)
        if method == "matching-shift":
            out = _shift(frames, src, t_lab[mapping] - s_lab)
        elif method == "recolor":
            out = recolor(frames, s_pal.colors, t_pal.colors[mapping], steepest=RECOLOR_STEEPEST)
        else:
            out = [np.ascontiguousarray(t_pal.colors[mapping][r.labels]) for r in src]

    structure = float(np.mean([metrics.lightness_ssim(f, o) for f, o in zip(frames, out)]))
    fidelity = float(np.mean([metrics.palette_fidelity(o, t_pal.colors) for o in out]))
    return TransferResult(out, s_pal, t_pal, mapping, structure, fidelity)


def _source_frames(source) -> list[np.ndarray]:
    if isinstance(source, np.ndarray) and source.ndim == 3:
        return [check_image(source)]
    if isinstance(source, np.ndarray) or not isinstance(source, Sequence):
        raise ValueError(
            "source must be an (H, W, 3) uint8 array or a list of them (animation frames), "
            f"got {type(source).__name__} of shape {np.shape(source)}."
        )
    frames = [check_image(f) for f in source]
    if not frames:
        raise ValueError("source has no frames.")
    for f in frames:
        if f.shape != frames[0].shape:
            raise ValueError(
                f"all frames must have one shape; got {f.shape} and {frames[0].shape}."
            )
    return frames


def pair_by_rank(
    source_keys: np.ndarray, target_keys: np.ndarray, *, descending: bool = False
) -> np.ndarray:
    """Pair the colours of two palettes by their rank of a key (share, or L*).

    Source rank ``r`` (of ``ns``) goes to target rank ``floor(r * nt / ns)``,
    so with equal sizes rank goes to the same rank, and the pairing is always
    monotone in the key.

    Parameters
    ----------
    source_keys : ndarray, shape (ns,)
    target_keys : ndarray, shape (nt,)
    descending : bool
        Rank from the largest key (shares: most common first).

    Returns
    -------
    ndarray of int, shape (ns,)
        Target index of each source colour.
    """
    sign = -1.0 if descending else 1.0
    s_order = np.argsort(sign * np.asarray(source_keys), kind="stable")
    t_order = np.argsort(sign * np.asarray(target_keys), kind="stable")
    ns, nt = len(s_order), len(t_order)
    mapping = np.empty(ns, dtype=np.intp)
    mapping[s_order] = t_order[np.arange(ns) * nt // ns]
    return mapping


def color_cost(source_lab: np.ndarray, target_lab: np.ndarray) -> np.ndarray:
    """Weighted squared lightness, chroma and hue differences of every colour pair.

    ``WEIGHT_LIGHTNESS ΔL*² + WEIGHT_CHROMA ΔC*² + WEIGHT_HUE ΔH*²`` with
    ``ΔH* = 2 sqrt(C1 C2) sin(Δh / 2)``, the CIE metric hue difference (the
    decomposition of ΔE*ab into lightness, chroma and hue used by CIE94 and
    CIEDE2000). Lightness weighs most: it carries the picture's structure;
    hue least: changing hue is what a palette transfer is for.

    Parameters
    ----------
    source_lab : ndarray, shape (ns, 3)
    target_lab : ndarray, shape (nt, 3)

    Returns
    -------
    ndarray, shape (ns, nt)

    References
    ----------
    Sharma, G., Wu, W. and Dalal, E. N. (2005). The CIEDE2000 color-difference
    formula: implementation notes, supplementary test data, and mathematical
    observations. Color Research & Application 30(1), eq. 2-4 and 10.
    """
    s = lab2lch(source_lab[None])[0]
    t = lab2lch(target_lab[None])[0]
    dL = s[:, None, 0] - t[None, :, 0]
    dC = s[:, None, 1] - t[None, :, 1]
    dH = 2.0 * np.sqrt(s[:, None, 1] * t[None, :, 1]) * np.sin((s[:, None, 2] - t[None, :, 2]) / 2)
    return WEIGHT_LIGHTNESS * dL**2 + WEIGHT_CHROMA * dC**2 + WEIGHT_HUE * dH**2


def matching_cost(
    source_lab: np.ndarray,
    source_shares: np.ndarray,
    target_lab: np.ndarray,
    target_shares: np.ndarray,
) -> np.ndarray:
    """Cost of sending each source colour to each target colour: colour plus share.

    :func:`color_cost` plus ``WEIGHT_SHARE (100 Δshare)²``, the share difference
    in percentage points (a 20-point difference costs as much as 10 L*), so a
    rare colour prefers a rare target colour.

    Returns
    -------
    ndarray, shape (ns, nt)
    """
    d_share = 100.0 * (np.asarray(source_shares)[:, None] - np.asarray(target_shares)[None, :])
    return color_cost(source_lab, target_lab) + WEIGHT_SHARE * d_share**2


def match_palettes(
    source_lab: np.ndarray,
    source_shares: np.ndarray,
    target_lab: np.ndarray,
    target_shares: np.ndarray,
) -> np.ndarray:
    """The assignment of source to target colours of least total :func:`matching_cost`.

    With ``ns <= nt`` every source colour gets its own target colour (some
    target colours are left unused). With ``ns > nt`` each target colour is
    offered ``m = ceil(ns / nt)`` times, with its share divided by ``m``, so
    up to ``m`` source colours may land on it (many-to-one); source colours
    are never blended, so the result stays inside the target palette.

    Parameters
    ----------
    source_lab : ndarray, shape (ns, 3)
    source_shares : ndarray, shape (ns,)
    target_lab : ndarray, shape (nt, 3)
    target_shares : ndarray, shape (nt,)

    Returns
    -------
    ndarray of int, shape (ns,)

    References
    ----------
    Kuhn, H. W. (1955). The Hungarian method for the assignment problem.
    Naval Research Logistics Quarterly 2; solved by
    ``scipy.optimize.linear_sum_assignment`` (Crouse, D. F. (2016). On
    implementing 2D rectangular assignment algorithms. IEEE TAES 52(4)).
    """
    ns, nt = len(source_lab), len(target_lab)
    copies = -(-ns // nt)
    columns = np.tile(np.arange(nt), copies)
    cost = matching_cost(
        source_lab, source_shares, target_lab[columns], np.asarray(target_shares)[columns] / copies
    )
    rows, cols = linear_sum_assignment(cost)
    mapping = np.empty(ns, dtype=np.intp)
    mapping[rows] = columns[cols]
    return mapping


def _colour_pairs(frame: np.ndarray, labels: np.ndarray):
    # Distinct (label, colour) pairs of a frame: each gets its new colour once,
    # then every pixel looks it up, so equal colours always map alike.
    key = (labels.reshape(-1).astype(np.int64) << 24) | pack_rgb(frame, np.int64)
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    rgb = unpack_rgb(uniq)
    return uniq >> 24, rgb, inverse, counts


def _shift(
    frames: list[np.ndarray], src: list[QuantizeResult], offsets: np.ndarray
) -> list[np.ndarray]:
    """Move each pixel by its cluster's Lab offset (target colour - source centre).

    Keeps the variation inside a cluster (shading, texture) that a flat fill
    loses. The L* of the result is clipped to [0, 100] and out-of-gamut
    colours are clipped per sRGB channel by :func:`core.colorspace.from_space`.
    """
    out = []
    for f, r in zip(frames, src):
        label, rgb, inverse, _ = _colour_pairs(f, r.labels)
        moved = to_space(rgb, "lab") + offsets[label]
        moved[:, 0] = np.clip(moved[:, 0], 0.0, 100.0)
        out.append(to_srgb8(from_space(moved, "lab"))[inverse].reshape(f.shape))
    return out


def reinhard(frames: list[np.ndarray], target: np.ndarray) -> list[np.ndarray]:
    """Match the per-channel mean and standard deviation of Lab to the target's.

    ``x' = (x - mean_s) * std_t / std_s + mean_t`` for each of L*, a*, b*,
    with the source statistics over all frames (one transform for the whole
    animation). Reinhard et al. work in Ruderman's lαβ; CIELAB is likewise
    an opponent space with decorrelated channels and is what the rest of the
    library uses. Nothing is clipped toward grey: L* is clipped to [0, 100]
    and out-of-gamut colours are clipped per sRGB channel, which keeps
    their saturation.

    Parameters
    ----------
    frames : list of ndarray, shape (H, W, 3), uint8
    target : ndarray, shape (H, W, 3), uint8

    Returns
    -------
    list of ndarray, shape (H, W, 3), uint8

    References
    ----------
    Reinhard, E., Ashikhmin, M., Gooch, B. and Shirley, P. (2001). Color
    transfer between images. IEEE Computer Graphics and Applications 21(5).
    """
    s_mean, s_std = _lab_stats(frames)
    t_mean, t_std = _lab_stats([target])
    scale = np.where(s_std > _FLAT_STD, t_std / np.maximum(s_std, _FLAT_STD), 1.0)
    out = []
    for f in frames:
        _, rgb, inverse, _ = _colour_pairs(f, np.zeros(f.shape[:2], dtype=np.uint8))
        lab = (to_space(rgb, "lab") - s_mean) * scale + t_mean
        lab[:, 0] = np.clip(lab[:, 0], 0.0, 100.0)
        out.append(to_srgb8(from_space(lab, "lab"))[inverse].reshape(f.shape))
    return out


def _lab_stats(frames: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    # Pixel-weighted mean and standard deviation of L*, a*, b*, over distinct colours.
    labs, weights = [], []
    for f in frames:
        _, rgb, _, counts = _colour_pairs(f, np.zeros(f.shape[:2], dtype=np.uint8))
        labs.append(to_space(rgb, "lab"))
        weights.append(counts.astype(np.float64))
    lab, w = np.vstack(labs), np.concatenate(weights)
    mean = np.average(lab, axis=0, weights=w)
    std = np.sqrt(np.average((lab - mean) ** 2, axis=0, weights=w))
    return mean, std

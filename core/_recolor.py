"""Palette-based recolouring: change palette colours and the full-colour picture follows.

After Chang, Fried, Liu, DiVerdi and Finkelstein, "Palette-based Photo
Recoloring" (ACM SIGGRAPH 2015). Given a palette (k colours of a picture) and
a new colour for each, every colour ``x`` of the picture is mapped in CIELAB:

1. **Lightness**: L* goes through a monotone piecewise-linear curve through
   ``(0, 0)``, each palette colour's ``(L, L')`` and ``(100, 100)``
   (:func:`lightness_curve`), so light stays lighter than dark.
2. **Colour**: each edited palette colour ``C -> C'`` moves the colour by its
   a*b* offset ``o``, shortened where the sRGB gamut leaves less room in that
   direction (:func:`edit_shift`), so nothing is clipped into blotches, and
   fading out evenly towards black and white, which stay (:mod:`core._fade`).
3. **Blend**: the moves are weighted by which palette colour ``x`` belongs
   to (:func:`core._ownership.ownership`): its nearest one, blended with its
   neighbours in a band at the border of their regions, mostly on the
   unedited side and as wide as the edit is long, so the move's slope stays
   bounded; an unedited neighbour closer than 40 ΔE76 follows part of the
   way, a farther one keeps its colour. The paper's Gaussian weights let an
   edited region follow only 40-80 % of the way and move far regions too
   (``shared/RECOLOR.md``).

The mapping is sampled once on a ``grid``³ lattice over sRGB
(:class:`RecolorMap`) and applied to every pixel by trilinear interpolation
(Pillow's ``Color3DLUT``); colours with every channel below :data:`DARK`
are looked up exactly in a 32³ table instead. One colour always maps to one
colour, so every frame of an animation is recoloured alike: the mapping adds
no flicker of its own (a noisy area's changes grow only by its local slope).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image, ImageFilter
from scipy.optimize import isotonic_regression

from core import _fade, _gamut
from core._ownership import ownership
from core._validation import check_image, check_range
from core.colorspace import from_space, to_space, to_srgb8
from core.palette import Palette, parse_color

#: Lattice points per sRGB axis of the lookup table (Pillow allows 2 to 65).
GRID = 33
#: Half-width (ΔE76) of the band where the regions of two palette colours blend.
BLEND = 6.0
#: A colour moves by the whole edit when the gamut leaves it this much more room.
HEADROOM = 0.25
#: Accepted values of ``blend`` (ΔE76) and ``headroom``.
BLEND_RANGE = (0.5, 50.0)
HEADROOM_RANGE = (0.0, 10.0)
STEEPEST_RANGE = (1.0, 100.0)
#: Colours whose channels are all below this are looked up exactly, not
#: interpolated: near black CIELAB bends fastest against sRGB, and a lattice
#: every 8 levels there would stretch the noise of dark scenes.
DARK = 32
#: Edits shorter than this (ΔE76) leave a palette colour where it is.
_UNCHANGED = 1e-6
# Weight of an edited colour's lightness against an unedited one's when the
# order must be repaired: the edit wins, the others give way (as in the paper).
_EDITED_WEIGHT = 1e3
_ENDPOINT_WEIGHT = 1e9


@dataclass(frozen=True)
class RecolorOptions:
    """How a recolouring is built; checked when made.

    Attributes
    ----------
    grid : int
        Lattice points per sRGB axis of the lookup table, 2 to 65 (Pillow's
        limit). 33 puts a point every 8 levels.
    blend : float
        Half-width in ΔE76 of the band where the regions of two palette
        colours blend (:func:`core._ownership.ownership`), 0.5 to 50. Wider is
        smoother across region borders; narrower lets more of an edited
        region follow its edit.
    headroom : float
        A colour with at least ``(1 + headroom)`` times the edit's length of
        room in the edit's direction moves by the whole edit; one with less
        moves proportionally less (:func:`edit_shift`), 0 to 10. The paper
        scales every colour against the palette colour's own room (a
        headroom as large as that room).
    steepest : float or None
        Largest slope of the lightness curve (:func:`lightness_curve`), 1 to
        100; None (the default) lets every palette colour reach its new
        lightness exactly, however steep the curve between them.
    fade : {"auto", "even", "gamut"}
        How an edit fades out towards black and white (:mod:`core._fade`):
        "gamut" as the gamut's room allows, short and steep near black;
        "even" no faster than evenly over grey levels, so dark and light
        ramps stay smooth. "auto" (the default) is "even", except for an
        animation given to :func:`recolor_map`, where the one that adds less
        flicker to its frames is taken.
    """

    grid: int = GRID
    blend: float = BLEND
    headroom: float = HEADROOM
    steepest: float | None = None
    fade: str = "auto"

    def __post_init__(self):
        if isinstance(self.grid, bool) or not isinstance(self.grid, (int, np.integer)) \
                or not 2 <= self.grid <= 65:
            raise ValueError(f"grid={self.grid!r} must be an integer from 2 to 65.")
        # A frozen dataclass sets its own fields through object.__setattr__.
        object.__setattr__(self, "grid", int(self.grid))
        object.__setattr__(self, "blend", check_range("blend", self.blend, *BLEND_RANGE))
        object.__setattr__(self, "headroom", check_range("headroom", self.headroom,
                                                         *HEADROOM_RANGE))
        if self.steepest is not None:
            object.__setattr__(self, "steepest", check_range("steepest", self.steepest,
                                                             *STEEPEST_RANGE))
        if self.fade not in _fade.FADES:
            raise ValueError(f"fade={self.fade!r} must be one of {', '.join(_fade.FADES)}.")


@dataclass(frozen=True)
class _Plan:
    # Everything the mapping needs, in CIELAB: the palette, the lightness
    # curve, and for each edited colour where its move starts and ends.
    centers: np.ndarray
    curve: tuple[np.ndarray, np.ndarray]
    origins: np.ndarray
    targets: np.ndarray
    edited: np.ndarray
    options: RecolorOptions


@dataclass(frozen=True)
class RecolorMap:
    """A recolouring, built once: apply it to any number of pictures.

    Attributes
    ----------
    palette, new_palette : ndarray, shape (k, 3), uint8
        The sRGB colours and what each becomes.
    table : ndarray, shape (grid, grid, grid, 3), float64
        The mapping sampled on the lattice, sRGB 0-255, indexed
        ``[b, g, r]`` (Pillow's order: red varies fastest).
    options : RecolorOptions
    """

    palette: np.ndarray
    new_palette: np.ndarray
    table: np.ndarray
    options: RecolorOptions
    _plan: _Plan = field(repr=False, compare=False)
    _lut: ImageFilter.Color3DLUT = field(repr=False, compare=False)
    _dark: np.ndarray = field(repr=False, compare=False)

    @property
    def identity(self) -> bool:
        """True when no colour changes: pictures come back as they are."""
        return bool(np.array_equal(self.palette, self.new_palette))

    def apply(self, image: np.ndarray) -> np.ndarray:
        """The recoloured picture: an (H, W, 3) uint8 array (trilinear lookup in the table)."""
        image = check_image(image)
        if self.identity:
            return image.copy()
        out = np.array(Image.fromarray(image).filter(self._lut))
        # Every channel is below DARK (a power of two) when their bitwise OR is:
        # a tenth of the time of image.max(axis=2).
        dark = np.flatnonzero((image[..., 0] | image[..., 1] | image[..., 2]) < DARK)
        if dark.size:
            rgb = image.reshape(-1, 3)[dark].astype(np.intp)
            out.reshape(-1, 3)[dark] = self._dark[(rgb[:, 0] * DARK + rgb[:, 1]) * DARK + rgb[:, 2]]
        return out

    def colors(self, rgb) -> np.ndarray:
        """The exact mapping (not the table's interpolation) of sRGB colours, shape (n, 3) float.

        What the table samples; evaluating it for every pixel of a photo is
        the slow way the table replaces.
        """
        rgb = np.asarray(rgb, dtype=np.float64).reshape(-1, 3)
        if self.identity:
            return rgb.copy()
        return from_space(map_lab(to_space(rgb, "lab"), self._plan), "lab")


def palette_colors(value, name: str = "palette") -> np.ndarray:
    """A palette given as a :class:`~core.palette.Palette`, hex codes or sRGB rows, as (k, 3) uint8.

    Raises
    ------
    TypeError
        For a value that is none of those.
    ValueError
        Naming the value, for a code that is not a colour, numbers outside
        0-255 or not whole, or a shape that is not (k, 3) with 1 <= k <= 256.
    """
    if isinstance(value, Palette):
        value = value.colors
    if isinstance(value, str) or value is None:
        raise TypeError(f"{name} must be a Palette, a list of hex codes or (k, 3) sRGB numbers, "
                        f"got {type(value).__name__}.")
    items = list(value) if isinstance(value, (list, tuple)) else None
    if items and all(isinstance(item, str) for item in items):
        value = [parse_color(item) for item in items]
    try:
        array = np.asarray(value)
    except ValueError:  # rows of different lengths
        array = np.asarray(value, dtype=object)
    if array.dtype.kind not in "iuf" or array.ndim != 2 or array.shape[1] != 3 \
            or not 1 <= len(array) <= 256:
        raise ValueError(f"{name} must be (k, 3) sRGB numbers with 1 <= k <= 256, got "
                         f"{array.dtype} values of shape {array.shape}.")
    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)) \
            or array.min() < 0 or array.max() > 255:
        raise ValueError(f"{name} must hold whole numbers from 0 to 255.")
    return array.astype(np.uint8)


def recolor_map(palette, new_palette, options: RecolorOptions | None = None,
                frames: Sequence[np.ndarray] | None = None) -> RecolorMap:
    """Build the recolouring that takes each colour of ``palette`` to its row of ``new_palette``.

    Parameters
    ----------
    palette : Palette, list of str, or array-like, shape (k, 3)
        The picture's palette: a :class:`~core.palette.Palette`, hex codes,
        or sRGB integers 0-255.
    new_palette : same kinds, shape (k, 3)
        What each colour becomes; rows equal to ``palette`` stay.
    options : RecolorOptions, optional
    frames : sequence of ndarray, shape (H, W, 3), uint8, optional
        The animation the mapping is for. With ``options.fade == "auto"``
        and two or more frames, both fades are built and the one that adds
        less flicker to them is kept (:func:`core._fade.least_flicker`);
        the map's ``options.fade`` says which.

    Returns
    -------
    RecolorMap

    Raises
    ------
    ValueError, TypeError
        For palettes that are not colours (see :func:`palette_colors`) or of
        different lengths.
    """
    options = RecolorOptions() if options is None else options
    if not isinstance(options, RecolorOptions):
        raise TypeError(f"options must be a RecolorOptions, got {type(options).__name__}.")
    old = palette_colors(palette, "palette")
    new = palette_colors(new_palette, "new_palette")
    if old.shape != new.shape:
        raise ValueError(f"palette has {len(old)} colours but new_palette {len(new)}; "
                         "give one new colour for each.")
    if options.fade == "auto":
        even = _built(old, new, replace(options, fade="even"))
        if frames is None or len(frames) < 2 or even.identity:
            return even
        gamut = _built(old, new, replace(options, fade="gamut"))
        best = _fade.least_flicker(frames, {"even": even.apply, "gamut": gamut.apply})
        return even if best == "even" else gamut
    return _built(old, new, options)


def _built(old: np.ndarray, new: np.ndarray, options: RecolorOptions) -> RecolorMap:
    plan = plan_edits(old, new, options)
    table = _table(plan, options.grid)
    lut = ImageFilter.Color3DLUT(options.grid, (table / 255.0).reshape(-1))
    levels = np.arange(DARK, dtype=np.float64)
    corner = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    dark = to_srgb8(from_space(map_lab(to_space(corner, "lab"), plan), "lab"))
    return RecolorMap(old, new, table, options, plan, lut, dark)


def recolor(image_or_frames, palette, new_palette, *, grid: int = GRID, blend: float = BLEND,
            headroom: float = HEADROOM, steepest: float | None = None, fade: str = "auto"):
    """Recolour a picture (or every frame of an animation) so ``palette`` becomes ``new_palette``.

    Each palette colour turns into its new colour and every other colour
    follows smoothly (see the module docstring; Chang et al. 2015). The
    picture is full colour, not quantized; so is the result.

    Parameters
    ----------
    image_or_frames : ndarray, shape (H, W, 3), uint8, or sequence of such arrays
        A still, or the frames of a GIF or clip: all get the same mapping.
    palette : Palette, list of str, or array-like, shape (k, 3)
        Typically ``core.quantize(image, k).palette``.
    new_palette : same kinds, shape (k, 3)
    grid, blend, headroom, steepest, fade
        See :class:`RecolorOptions`; with ``fade="auto"`` an animation's
        frames choose their fade (:func:`recolor_map`).

    Returns
    -------
    ndarray, or list of ndarray
        The recoloured still, or the frames, in the form given.

    Raises
    ------
    ValueError, TypeError
        For a picture that is not (H, W, 3) uint8, no frames, or bad palettes
        or options.

    Examples
    --------
    >>> import numpy as np, core
    >>> image = np.zeros((2, 2, 3), np.uint8)
    >>> core.recolor(image, ["#000000", "#ffffff"], ["#000000", "#ffffff"]).shape
    (2, 2, 3)
    """
    options = RecolorOptions(grid, blend, headroom, steepest, fade)
    if isinstance(image_or_frames, np.ndarray) and image_or_frames.ndim == 3:
        return recolor_map(palette, new_palette, options).apply(image_or_frames)
    if isinstance(image_or_frames, np.ndarray) or not isinstance(image_or_frames, Sequence):
        raise ValueError(
            "image_or_frames must be an (H, W, 3) uint8 array or a list of them, got "
            f"{type(image_or_frames).__name__} of shape {np.shape(image_or_frames)}."
        )
    if len(image_or_frames) == 0:
        raise ValueError("image_or_frames has no frames.")
    frames = [check_image(frame) for frame in image_or_frames]
    mapping = recolor_map(palette, new_palette, options, frames)
    return [mapping.apply(frame) for frame in frames]


def lightness_curve(old_l: np.ndarray, new_l: np.ndarray, edited: np.ndarray,
                    steepest: float | None = None):
    """The monotone lightness mapping through the palette: knots ``(xs, ys)`` for ``np.interp``.

    Black and white stay (``0 -> 0``, ``100 -> 100``). Where the new
    lightnesses are out of the old order, the nearest order-keeping values
    are taken (weighted isotonic regression), with an edited colour weighing
    far more than an unedited one: the edit keeps its lightness and the
    others give way, as the paper clamps them.

    Parameters
    ----------
    old_l, new_l : ndarray, shape (k,)
        L* of each palette colour before and after.
    edited : ndarray of bool, shape (k,)
    steepest : float, optional
        Largest slope allowed (at least 1). Two palette colours close in L*
        sent far apart would otherwise stretch the L* between them, and the
        picture's noise with it; a segment steeper than this is shortened
        from both ends, the lighter-weighing end giving way more.

    Returns
    -------
    xs, ys : ndarray
        Increasing ``xs`` from 0 to 100 and non-decreasing ``ys``.

    References
    ----------
    Chang et al. (2015), section 4.2 (luminance transfer).
    """
    weight = np.where(edited, _EDITED_WEIGHT, 1.0)
    x = np.concatenate([[0.0], np.clip(old_l, 0.0, 100.0), [100.0]])
    y = np.concatenate([[0.0], np.clip(new_l, 0.0, 100.0), [100.0]])
    w = np.concatenate([[_ENDPOINT_WEIGHT], weight, [_ENDPOINT_WEIGHT]])
    order = np.argsort(x, kind="stable")
    x, y, w = x[order], y[order], w[order]
    # One knot per lightness: palette colours of equal L* pool their targets.
    xs, start = np.unique(x, return_index=True)
    wsum = np.add.reduceat(w, start)
    ys = np.add.reduceat(w * y, start) / wsum
    ys = isotonic_regression(ys, weights=wsum).x
    if steepest is not None:
        ys = _limit_slope(xs, ys, wsum, steepest)
    return xs, np.clip(ys, 0.0, 100.0)


def _limit_slope(xs: np.ndarray, ys: np.ndarray, weights: np.ndarray, steepest: float):
    # Repeatedly shorten the steepest segment to the limit, each end moving in
    # inverse proportion to its weight; black and white (weights 1e9) stay. The
    # identity (slope 1) is feasible, so for steepest >= 1 this settles.
    ys = ys.copy()
    for _ in range(64 * len(xs)):
        excess = np.diff(ys) - steepest * np.diff(xs)
        i = int(np.argmax(excess))
        if excess[i] <= 1e-9:
            break
        low, high = weights[i], weights[i + 1]
        ys[i] += excess[i] * high / (low + high)
        ys[i + 1] -= excess[i] * low / (low + high)
    return ys


def plan_edits(old: np.ndarray, new: np.ndarray, options: RecolorOptions) -> _Plan:
    """The CIELAB plan of a recolouring: the palette, its lightness curve and its moves.

    Each edited colour moves, at its new lightness, from its old a*b* to
    its new a*b*; both ends are brought inside the gamut by lowering chroma
    (:func:`core._gamut.into_gamut`) should the lightness curve push them out.
    """
    centers, wanted = to_space(old, "lab"), to_space(new, "lab")
    changed = np.any(old != new, axis=1)
    curve = lightness_curve(centers[:, 0], wanted[:, 0], changed, options.steepest)
    origins = centers.copy()
    origins[:, 0] = np.interp(centers[:, 0], *curve)
    targets = wanted.copy()
    targets[:, 0] = origins[:, 0]
    origins, targets = _gamut.into_gamut(origins), _gamut.into_gamut(targets)
    edited = np.linalg.norm(targets - origins, axis=1) > _UNCHANGED
    return _Plan(centers, curve, origins, targets, edited, options)


def map_lab(lab: np.ndarray, plan: _Plan) -> np.ndarray:
    """The recolouring of CIELAB colours (n, 3): lightness curve, then the blended moves."""
    lab = np.asarray(lab, dtype=np.float64).reshape(-1, 3)
    out = lab.copy()
    out[:, 0] = np.interp(lab[:, 0], *plan.curve)
    if not np.allclose(out[:, 0], lab[:, 0]):
        out = _gamut.into_gamut(out)
    if not np.any(plan.edited):
        return out
    lengths = np.linalg.norm(plan.targets - plan.origins, axis=1)
    weights = ownership(lab, plan.centers, plan.options.blend, lead=plan.edited, lengths=lengths)
    start = out.copy()
    for i in np.flatnonzero(plan.edited):
        moving = np.flatnonzero(weights[:, i] > 0.0)
        shift = edit_shift(start[moving], plan.origins[i], plan.targets[i], plan.options.headroom,
                           plan.options.fade)
        out[moving] += weights[moving, i, None] * shift
    return out


def edit_shift(lab: np.ndarray, origin: np.ndarray, target: np.ndarray,
               headroom: float, fade: str = "gamut") -> np.ndarray:
    """How one palette edit ``origin -> target`` moves each colour, kept inside the gamut.

    Every colour moves in the direction ``u`` of the edit, by the edit's
    length ``|o|`` times ``min(1, t / t_ref)``: ``t`` is the colour's room in
    that direction (:func:`core._gamut.room`) and ``t_ref`` the smaller of
    the palette colour's own room and ``(1 + headroom) |o|``. So the palette
    colour lands exactly on its target, colours with room to spare move by
    the whole edit, and a colour with less room stops at the same fraction
    of the way to the gamut's edge (``|o| / t_ref < 1``): nothing is clipped.
    With ``fade="even"`` the share is also at most
    :func:`core._fade.even_share`, so the move fades out evenly towards black
    and white.

    Parameters
    ----------
    lab : ndarray, shape (n, 3)
        Colours inside the gamut.
    origin, target : ndarray, shape (3,)
        The palette colour and its new colour, inside the gamut.
    headroom : float
    fade : {"gamut", "even", "auto"}
        "auto" (a still's) is "even".

    Returns
    -------
    ndarray, shape (n, 3)
        The move of each colour.

    References
    ----------
    Chang et al. (2015), section 4.3: the same move scaled by the room to
    the gamut boundary, with ``t_ref`` the palette colour's room.
    """
    offset = target - origin
    length = float(np.linalg.norm(offset))
    unit = offset / length
    own = _gamut.room(origin[None], unit, np.array([(1.0 + headroom) * length]))[0]
    reference = max(own, length)
    room = _gamut.room(lab, unit, np.full(len(lab), reference))
    share = room / reference
    if fade != "gamut":  # "auto" outside recolor_map is a still's: even
        share = np.minimum(share, _fade.even_share(lab[:, 0], float(origin[0]), length))
    return (length * share)[:, None] * unit[None, :]


def lattice(grid: int) -> np.ndarray:
    """The sRGB lattice points (0-255) of a ``grid``³ table, red fastest, shape (grid³, 3)."""
    levels = np.linspace(0.0, 255.0, grid)
    b, g, r = np.meshgrid(levels, levels, levels, indexing="ij")
    return np.stack([r, g, b], axis=-1).reshape(-1, 3)


def _table(plan: _Plan, grid: int) -> np.ndarray:
    nodes = lattice(grid)
    rgb = from_space(map_lab(to_space(nodes, "lab"), plan), "lab")
    return rgb.reshape(grid, grid, grid, 3)

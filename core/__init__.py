"""Flickerless core: k-means colour quantization of images, GIFs and clips.

Everything the app does is a plain call here::

    import core
    media = core.load_media("clip.gif")
    results = core.quantize_frames(media.frames, 16, mode="stable", alphas=media.alphas)
    core.save_gif(results, "out.gif", durations=media.durations, loop=media.loop,
                  alphas=media.alphas)
    print(core.metrics.flicker(media.frames, [r.image for r in results]))

    # Edit a palette colour and the full-colour picture follows (Chang et al. 2015):
    palette = core.quantize(image, 6).palette
    new = palette.colors.copy()
    new[0] = (40, 90, 200)
    recoloured = core.recolor(image, palette, new)   # or media.frames: one mapping for all

    # A clip at full size, streamed frame by frame (memory: a few frames):
    report = core.convert("clip.mp4", "clip.gif", 64, mode="stable")

    # Choose the part first: its length and rate, then a plan within the limits.
    plan = core.plan_part(core.probe("clip.mp4"), core.Part(start=2, end=6, fps=15))
    preview = core.load_preview("clip.mp4", plan)   # the window the page compares on

What is listed in ``__all__`` is the public API, with the public submodules
``core.metrics``, ``core.palette``, ``core.colorspace``, ``core.limits``,
``core.media``, ``core.notices``, ``core.samples``, ``core.transfer``,
``core.contrast``, ``core.units`` and ``core.errors``.
Modules whose names start with an underscore are internal (as in
scikit-learn): their contents may change without notice.
"""

from core import colorspace, contrast, limits, metrics, notices, palette, samples, transfer, units
from core._animation import QuantizedGif, quantize_gif
from core._cluster import ALGORITHMS, INITS, METRICS
from core._convert import ConvertReport, convert
from core._dither import METHODS as DITHER_METHODS
from core._dither import dither, dither_results
from core._fit_plan import FIT_BY, FitReport
from core._fixed import LOCKED_RULES
from core._gif_writer import GifWriter
from core._part import Part
from core._plan import PartPlan, load_preview, media_part, plan_part
from core._probe import SourceFacts, frame_at, media_facts, probe
from core._quantize import QuantizeOptions, quantize
from core._recolor import RecolorMap, RecolorOptions, recolor, recolor_map
from core._result import QuantizeResult
from core._save import save_apng, save_gif, save_png, to_bytes
from core._sequence import MODES, quantize_frames
from core._stable import CUT_THRESHOLD, DAMPING, HOLD, HYSTERESIS, StableKnobs
from core._video import MAX_SECONDS as MAX_VIDEO_SECONDS
from core._video import VIDEO_EXTENSIONS, constant_rate, load_video, looks_like_video, save_mp4
from core.colorspace import SPACES
from core.errors import MediaError, SizeLimitError
from core.media import ACCEPTED_EXTENSIONS, IMAGE_EXTENSIONS, Media, load_media
from core.palette import Palette, to_ase, to_css, to_gpl, to_hex_list, to_json, to_swatch_png
from core.transfer import TransferResult, transfer_palette

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "ALGORITHMS",
    "ConvertReport",
    "CUT_THRESHOLD",
    "DAMPING",
    "DITHER_METHODS",
    "FIT_BY",
    "FitReport",
    "HOLD",
    "HYSTERESIS",
    "IMAGE_EXTENSIONS",
    "INITS",
    "LOCKED_RULES",
    "MAX_VIDEO_SECONDS",
    "METRICS",
    "MODES",
    "SPACES",
    "SizeLimitError",
    "VIDEO_EXTENSIONS",
    "GifWriter",
    "Media",
    "MediaError",
    "Palette",
    "Part",
    "PartPlan",
    "QuantizeOptions",
    "QuantizeResult",
    "QuantizedGif",
    "RecolorMap",
    "RecolorOptions",
    "SourceFacts",
    "StableKnobs",
    "TransferResult",
    "colorspace",
    "contrast",
    "constant_rate",
    "convert",
    "dither",
    "dither_results",
    "frame_at",
    "limits",
    "load_media",
    "load_preview",
    "media_facts",
    "media_part",
    "load_video",
    "looks_like_video",
    "metrics",
    "notices",
    "palette",
    "plan_part",
    "probe",
    "quantize",
    "quantize_frames",
    "quantize_gif",
    "recolor",
    "recolor_map",
    "samples",
    "save_apng",
    "save_gif",
    "save_mp4",
    "save_png",
    "to_ase",
    "to_bytes",
    "to_css",
    "to_gpl",
    "to_hex_list",
    "to_json",
    "to_swatch_png",
    "transfer",
    "transfer_palette",
    "units",
]

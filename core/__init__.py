"""Flickerless core: k-means colour quantization of images, GIFs and clips.

Everything the app does is a plain call here::

    import core
    media = core.load_media("clip.gif")
    results = core.quantize_frames(media.frames, 16, mode="seeded", alphas=media.alphas)
    core.save_gif(results, "out.gif", durations=media.durations, loop=media.loop,
                  alphas=media.alphas)
    print(core.metrics.flicker(media.frames, [r.image for r in results]))
"""

from core import metrics, temporal
from core.dither import dither, dither_results
from core.errors import MediaError
from core.media import Media, load_media
from core.palette import Palette, to_css, to_gpl, to_hex_list, to_json, to_swatch_png
from core.quantize import QuantizeResult, quantize
from core.save import save_gif, save_png, to_bytes
from core.sequence import MODE_LABELS, MODES, quantize_frames
from core.transfer import TransferResult, transfer_palette
from core.video import VIDEO_EXTENSIONS, load_video, looks_like_video, save_mp4

__all__ = [
    "MODES",
    "MODE_LABELS",
    "Media",
    "MediaError",
    "Palette",
    "QuantizeResult",
    "VIDEO_EXTENSIONS",
    "dither",
    "dither_results",
    "TransferResult",
    "load_media",
    "load_video",
    "looks_like_video",
    "metrics",
    "quantize",
    "quantize_frames",
    "save_gif",
    "save_mp4",
    "save_png",
    "to_bytes",
    "to_css",
    "to_gpl",
    "to_hex_list",
    "to_json",
    "to_swatch_png",
    "temporal",
    "transfer_palette",
]

"""The source's sound for the part written, added to a finished MP4 (a GIF has none).

:func:`core.convert` writes an MP4's pictures frame by frame; the sound is
copied afterwards in one ffmpeg run that reads the written video and the
source from the part's first second (``-ss``), takes its first audio stream
and stops with the shorter of the two (``-shortest``), so the sound covers
exactly the frames written. A clip without sound (:func:`has_audio`) gives
the video as written.
"""

from __future__ import annotations

import shutil
import subprocess

import imageio_ffmpeg

from core._video import private_file

#: AAC at this rate: what browsers play in an MP4, and plenty for a clip's sound.
AUDIO_BITRATE = "128k"


def has_audio(source: str) -> bool:
    """True when ffmpeg finds an audio stream in the file ``source``."""
    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", source],
                          capture_output=True, text=True, check=False)
    # Without an output ffmpeg only lists the streams (and exits with 1).
    return any(": Audio:" in line for line in done.stderr.splitlines()
               if line.lstrip().startswith("Stream #"))


def with_audio(video: str, source: str, start: float, out) -> bool:
    """Write ``video`` with the sound of ``source`` from ``start`` seconds to ``out``.

    Parameters
    ----------
    video : str
        An MP4 file with the pictures (H.264), written by :class:`core._video.Mp4Writer`.
    source : str
        The clip the pictures come from.
    start : float
        Where the part begins in ``source``, in seconds.
    out : binary file object
        Receives the MP4 (pictures copied, not encoded again).

    Returns
    -------
    bool
        True when sound was added (False: ``source`` has none; ``video`` is
        written as it is).

    Raises
    ------
    OSError
        If ffmpeg fails (the pictures alone are then not written either).
    """
    if not has_audio(source):
        with open(video, "rb") as fh:
            shutil.copyfileobj(fh, out)
        return False
    seek = ["-ss", f"{start:g}"] if start > 0 else []
    with private_file() as muxed:
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-i", video, *seek, "-i", source,
            "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac",
            "-b:a", AUDIO_BITRATE, "-shortest", "-movflags", "+faststart", "-f", "mp4", muxed,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise OSError(f"ffmpeg could not add the sound: {done.stderr.strip()[-300:]}")
        with open(muxed, "rb") as fh:
            shutil.copyfileobj(fh, out)
    return True

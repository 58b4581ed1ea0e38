"""The command line: ``flickerless IN [IN ...] OUT -k 64 --mode stable`` (or ``python -m core``).

A thin shell over :func:`core.convert`: it parses arguments, names the outputs,
draws a progress bar on a terminal and turns failures into a message and an
exit code. No quantization happens here.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core._cluster import ALGORITHMS, INITS, METRICS
from core._convert import FORMATS, ConvertReport, convert
from core._dither import METHODS as DITHER_METHODS
from core._fit_plan import FIT_BY, K_TOP
from core._part import MAX_PART_FPS
from core._sequence import MODES
from core._stable import DAMPING, HOLD, HYSTERESIS
from core.colorspace import SPACES
from core.errors import MediaError, SizeLimitError
from core.palette import IMPORTS, parse_colors, read_palette
from core.units import count, file_size, parse_size

#: Exit codes: what failed, for scripts that call this one.
OK, USAGE, UNREADABLE, UNWRITABLE, TOO_BIG, INTERRUPTED = 0, 2, 3, 4, 5, 130
#: Colours per frame without --max-size, when -k is not given.
DEFAULT_K = 64
#: Pixels darker / lighter than these CIELAB L* are "near black / white" (as in the app).
NEAR_BLACK_L, NEAR_WHITE_L = 8.0, 95.0

EPILOG = """\
examples:
  {prog} clip.mp4 clip.gif -k 64
  {prog} in.gif out.gif -k 16 --mode seeded --space rgb --dither bayer
  {prog} phone.mp4 part.gif --start 2 --end 6 --fps 15 --width 640
  {prog} clip.mp4 clip.gif --max-size 10MB      (the best GIF of at most 10,000,000 bytes)
  {prog} clip.mp4 brand.gif --locked "#e30613,#ffffff" -k 32   (or --locked brand.gpl)
  {prog} clip.mp4 small.mp4 --width 640          (an MP4 keeps the clip's sound)
  {prog} a.mp4 b.webm c.gif gifs/ --max-side 640     (several inputs: OUT is a folder)

exit codes: 0 done, 2 bad arguments, 3 an input could not be read,
4 an output could not be written, 5 nothing within the limits fits --max-size
(the smallest file reached is written), 130 interrupted. With several inputs the
others are still converted, and the exit code is that of the worst failure.
"""


def parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (its ``--help`` is the command's manual).

    Parameters
    ----------
    prog : str, optional
        The command as the user typed it, for the usage line and the examples
        (``"python -m core"``); by default the running program's file name,
        ``flickerless`` for the installed script.
    """
    prog = prog or os.path.basename(sys.argv[0])
    p = argparse.ArgumentParser(
        prog=prog,
        description="Reduce videos, animated GIFs and images to k colours with k-means,\n"
        "streamed frame by frame at full size. Writes a GIF with an exact palette per\n"
        "frame (or an MP4) and prints its size, flicker and colour error.",
        epilog=EPILOG.format(prog=prog),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="IN",
                   help="video, animated GIF/PNG/WebP or image file(s)")
    p.add_argument("output", metavar="OUT",
                   help="output file (one input) or folder (several; made if missing)")
    p.add_argument("-k", "--colors", type=int, default=None, dest="k",
                   help=f"colours per frame, 1-256 (default {DEFAULT_K}); with --max-size the "
                        f"most it may choose (default {K_TOP})")
    p.add_argument("--mode", choices=MODES, default="stable",
                   help="how frames share colours (default stable: no flicker)")
    p.add_argument("--space", choices=SPACES, default="lab", help="colour space (default lab)")
    p.add_argument("--metric", choices=METRICS, default="euclidean",
                   help="distance: euclidean (k-means) or manhattan (k-medians)")
    p.add_argument("--algorithm", choices=ALGORITHMS, default="kmeans")
    p.add_argument("--init", choices=INITS, default="k-means++")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    p.add_argument("--dither", choices=DITHER_METHODS, default="none")
    p.add_argument("--ignore-black", action="store_true",
                   help=f"near-black pixels (L* < {NEAR_BLACK_L:g}) do not choose colours")
    p.add_argument("--ignore-white", action="store_true",
                   help=f"near-white pixels (L* > {NEAR_WHITE_L:g}) do not choose colours")
    p.add_argument("--hysteresis", type=float, default=None,
                   help=f"stable mode, ΔE (default {HYSTERESIS:g})")
    p.add_argument("--damping", type=float, default=None,
                   help=f"stable mode, ΔE (default {DAMPING:g})")
    p.add_argument("--hold", type=float, default=None,
                   help="stable mode, ΔE: how far a still pixel's source may stray before it "
                        f"is drawn again (default {HOLD:g}; 0: no hold)")
    p.add_argument("--locked", type=_locked, default=(), metavar="COLOURS",
                   help="colours every frame keeps exactly: hex codes (\"#e30613,#fff\") or a "
                        f"palette file ({', '.join('.' + e for e in IMPORTS)})")
    _part_and_output(p)
    return p


def _part_and_output(p: argparse.ArgumentParser) -> None:
    # The part of the source, the size and format of the output: the parser's second half.
    p.add_argument("--start", type=float, default=0.0, metavar="SECONDS",
                   help="start the part at this second (default 0)")
    p.add_argument("--end", type=float, default=None, metavar="SECONDS",
                   help="end the part at this second (default: the end)")
    p.add_argument("--fps", type=float, default=None,
                   help="at most this many frames a second, e.g. 25, 20, 15, 10 (default: keep); "
                        f"at most {MAX_PART_FPS:g}: browsers slow frames under 20 ms")
    p.add_argument("--width", type=_pixels, default=None,
                   help="output width in pixels, aspect kept (default: the source's)")
    p.add_argument("--max-side", type=_pixels, default=None,
                   help="downscale so no side is longer (default: keep the size)")
    p.add_argument("--max-size", type=_size, default=None, metavar="SIZE",
                   help="a GIF of at most this size, e.g. 10MB, 2.5MB, 500KB (1 MB = 1,000,000 "
                        "bytes): the colours and hold, then if need be the frame rate and the "
                        "width, are chosen to fit")
    p.add_argument("--fit-by", choices=FIT_BY, default=FIT_BY[-1],
                   help="what --max-size may change (default: colours, then rate, then width)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="output format (default: from the output's extension, else gif)")
    p.add_argument("--no-audio", action="store_true",
                   help="an MP4 without the clip's sound (kept by default)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """Run the command; return its exit code.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: the process's).
    prog : str, optional
        How the command was invoked, for ``--help`` and error messages (see :func:`parser`).
    """
    args = parser(prog).parse_args(argv)
    inputs, output = [Path(p) for p in args.inputs], Path(args.output)
    jobs = _jobs(inputs, output, args.format)
    if jobs is None:
        print(f"error: with {len(inputs)} inputs, {output} must be a folder", file=sys.stderr)
        return USAGE
    same = [str(src) for src, target in jobs if _same_file(src, target)]
    if same:
        print(f"error: the output would overwrite its input {same[0]}", file=sys.stderr)
        return USAGE
    options = convert_options(args)
    worst = OK
    for source, target in jobs:
        bar = _Bar(source.name) if sys.stderr.isatty() and not args.quiet else None
        try:
            report = convert(source, target, progress=bar, **options)
        except SizeLimitError as exc:
            _fail(bar, f"{source}: {exc}")
            worst = max(worst, TOO_BIG)
            continue
        except KeyboardInterrupt:
            print(f"\ninterrupted: {target} was not written", file=sys.stderr)
            return INTERRUPTED
        except MediaError as exc:
            _fail(bar, f"{source}: {exc}")
            worst = max(worst, UNREADABLE)
            continue
        except ValueError as exc:
            _fail(bar, f"error: {exc}")
            return USAGE
        except OSError as exc:
            _fail(bar, f"{target}: could not be written ({exc.strerror or exc})")
            worst = max(worst, UNWRITABLE)
            continue
        if bar is not None:
            bar.done()
        if not args.quiet:
            print(summary(source, target, report))
    return worst


def convert_options(args: argparse.Namespace) -> dict:
    """The keyword arguments of :func:`core.convert` that the parsed arguments ask for.

    The stable mode's knobs are passed only when given, so that a size
    target may choose the hold; ``k`` is the target's ceiling with
    ``--max-size`` and :data:`DEFAULT_K` without.
    """
    knobs = {name: getattr(args, name) for name in ("hysteresis", "damping", "hold")
             if getattr(args, name) is not None}
    k = args.k if args.k is not None or args.max_size is not None else DEFAULT_K
    return dict(
        k=k, mode=args.mode, dither=args.dither, format=args.format, max_side=args.max_side,
        start=args.start, end=args.end, fps=args.fps, width=args.width,
        space=args.space, metric=args.metric, algorithm=args.algorithm, init=args.init,
        seed=args.seed, locked=args.locked, audio=not args.no_audio,
        min_lightness=NEAR_BLACK_L if args.ignore_black else None,
        max_lightness=NEAR_WHITE_L if args.ignore_white else None,
        **knobs,
        **({} if args.max_size is None else {"max_bytes": args.max_size, "fit_by": args.fit_by}),
    )


def summary(source: Path, target: Path, report: ConvertReport) -> str:
    """One line a person reads: what was written, how big, how good."""
    flicker = "n/a" if report.flicker != report.flicker else f"{report.flicker:.2f}"
    line = (
        f"{source} -> {target}: {count(report.frames, 'frame')}, "
        f"{report.width}x{report.height}, {file_size(report.bytes)}, flicker {flicker}, "
        f"mean ΔE2000 {report.mean_delta_e:.2f}, {report.seconds:.1f} s"
    )
    fit = [] if report.fit is None else [f"  chosen: {report.fit.summary} ({report.fit.reason})"]
    return "\n".join([line, *fit, *(f"  note: {n}" for n in report.notes)])


def _jobs(inputs: list[Path], output: Path, fmt: str | None):
    if len(inputs) == 1 and not output.is_dir():
        return [(inputs[0], output)]
    if output.exists() and not output.is_dir():
        return None
    output.mkdir(parents=True, exist_ok=True)
    suffix = "." + (fmt or "gif")
    return [(src, output / (src.stem + suffix)) for src in inputs]


def _pixels(text: str) -> int:
    # A size in pixels for argparse: a whole number of at least 1.
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of pixels >= 1")
    return value


def _size(text: str) -> int:
    # A size for argparse: "10MB", "2.5 MB", "500KB" (core.units.parse_size).
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _locked(text: str) -> tuple[str, ...]:
    # Locked colours for argparse: a palette file if one is there, else hex codes.
    path = Path(text)
    try:
        if path.suffix.lower().lstrip(".") in IMPORTS and path.is_file():
            colors = read_palette(path.read_bytes(), path.suffix)
        else:
            colors = parse_colors(text)
    except (OSError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{text}: {exc}") from None
    return tuple(f"#{r:02x}{g:02x}{b:02x}" for r, g, b in colors.tolist())


def _same_file(source: Path, target: Path) -> bool:
    try:
        return target.exists() and os.path.samefile(source, target)
    except OSError:
        return False


def _fail(bar, message: str) -> None:
    if bar is not None:
        bar.clear()
    print(message, file=sys.stderr)


class _Bar:
    # A one-line progress bar on the terminal, redrawn in place.
    WIDTH = 30

    def __init__(self, name: str):
        self.name = name

    def __call__(self, done: int, total: int) -> None:
        filled = int(self.WIDTH * done / max(1, total))
        sys.stderr.write(f"\r{self.name} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                         f"{done}/{total} frames")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")

    def done(self) -> None:
        self.clear()

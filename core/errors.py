"""The exception types that `core` raises on purpose.

Bad *option values* raise the built-in ``ValueError`` (as scikit-learn does);
media that cannot be read, or that is over a size limit, raises
:class:`MediaError`, whose message is written for a person, not a programmer;
a file that cannot be made small enough raises :class:`SizeLimitError`.
"""

from core.units import file_size


class MediaError(ValueError):
    """A file or buffer that cannot be used as an image, animation or video.

    The message says what is wrong in plain words ("this file is not an
    image", "the image has 4.3 gigapixels, the limit is 50"), never a raw
    decoder error. It subclasses ``ValueError`` so callers that only catch
    ``ValueError`` still catch it.
    """


class SizeLimitError(Exception):
    """Nothing within the limits fits the size asked for (``core.convert(max_bytes=...)``).

    The smallest file reached was written all the same; its report (with
    ``fit`` saying what was tried) is :attr:`report`. The message says how
    big it is and what would have been needed.

    Attributes
    ----------
    report : core.ConvertReport
        Of the file written.
    """

    def __init__(self, report):
        fit = report.fit
        super().__init__(
            f"The file cannot be made to fit in {file_size(fit.max_bytes)}: {fit.reason}. "
            f"The smallest reached ({fit.summary}) was written; choose a shorter part or a "
            "larger size."
        )
        self.report = report

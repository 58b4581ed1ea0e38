"""The exception types that `core` raises on purpose.

Bad *option values* raise the built-in ``ValueError`` (as scikit-learn does);
media that cannot be read, or that is over a size limit, raises
:class:`MediaError`, whose message is written for a person, not a programmer.
"""


class MediaError(ValueError):
    """A file or buffer that cannot be used as an image, animation or video.

    The message says what is wrong in plain words ("this file is not an
    image", "the image has 4.3 gigapixels, the limit is 50"), never a raw
    decoder error. It subclasses ``ValueError`` so callers that only catch
    ``ValueError`` still catch it.
    """

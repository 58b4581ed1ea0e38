"""``python -m core``: the command line (see :mod:`core._cli`), as the ``flickerless`` script."""

import sys

from core._cli import main

# Run as a module, argv[0] is this file's path: say what the user typed instead.
sys.exit(main(prog="python -m core"))

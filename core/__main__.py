"""``python -m core``: the command line (see :mod:`core._cli`)."""

import sys

from core._cli import main

sys.exit(main())

"""``python -m green_constructs``: the ``green-constructs`` command."""

import sys

from .cli import main

sys.exit(main())

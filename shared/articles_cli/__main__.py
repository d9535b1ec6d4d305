"""``python -m articles_cli``: the ``articles`` command."""

import sys

from articles_cli.main import main

sys.exit(main())

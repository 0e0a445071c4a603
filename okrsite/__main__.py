"""`python -m okrsite` is the same program as the `okrsite` command."""

import sys

from okrsite.commands.cli import main

sys.exit(main())

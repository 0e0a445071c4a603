"""`python -m okrsite` is the same program as the `okrsite` command."""

import sys

from okrsite.cli import main

sys.exit(main())

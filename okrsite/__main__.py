"""`python -m okrsite` is the same program as the `okrsite` command."""

import os
import sys

# `python -m` puts the current folder first on the module path, where builds run: a yaml.py or
# numpy.py in a site folder is content, never imported as the library (okrsite's own modules are
# found through its package, wherever it was imported from).
if not sys.flags.safe_path and sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.getcwd():
    del sys.path[0]

from okrsite.commands.cli import run  # noqa: E402

run()

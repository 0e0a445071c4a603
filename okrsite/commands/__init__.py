"""The commands users run: the command line, the preview server and its reload channel, the
git hook and `okrsite init`."""

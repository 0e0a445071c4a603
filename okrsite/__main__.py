"""`python -m okrsite` is the same program as the `okrsite` command."""

from okrsite.commands.cli import run

run()

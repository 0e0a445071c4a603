"""The exit codes of every command: 0 success, 1 content errors (or warnings under --strict),
2 usage errors; 141 when the reader of the output left (as a shell reports SIGPIPE)."""

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command whose reader left: not a content error

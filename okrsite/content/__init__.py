"""The content stage: files -> documents. Finding a site's files, YAML with the position of
every value, declared fields and their checks, okrsite.yaml, and the commit being built."""

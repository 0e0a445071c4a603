"""The build machinery: the orchestrator that runs the stages in order, what one build keeps
for the next (incremental state, caches), work done beside it, and the staged output swap."""

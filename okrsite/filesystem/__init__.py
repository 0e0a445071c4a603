"""The file system's rules every stage shares: a file replaced whole (atomic), a path that stays
inside its folder (realpaths), a name every system a site is built on accepts (names), a stamp
that says an input file changed without reading it (stamps), a cache file that reads as
nothing when it is damaged or foreign and never runs code (cachefiles)."""

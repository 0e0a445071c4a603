"""Names a file or folder may have wherever a site is built or checked out.

Ids, file names and team names become folder and file names of the site and its output. On
Linux nearly any name will do; Windows keeps a few for devices, with or without an extension,
so a site that uses one builds here but cannot be built, or even checked out, there.
"""

from __future__ import annotations

_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10))})


def device_name_problem(name: str) -> str | None:
    """Why a file or folder cannot have this name on Windows, if it cannot ("nul.png" neither)."""
    if name.split(".")[0].lower() in _DEVICE_NAMES:
        return (f"'{name}' is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9), which no file or "
                "folder may have there")
    return None


def made_device_name(made: str, source: str) -> str | None:
    """The problem of a name made from a file's (an id from "Con!.md"), where that file's own name
    has none: of the file's own name the content walk warns already."""
    return None if device_name_problem(source) else device_name_problem(made)

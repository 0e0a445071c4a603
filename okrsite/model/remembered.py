"""What one assembly of a site worked out for each document, kept for the next (okrsite serve),
and its checked fields also with the document cache, for the next process."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from okrsite.content.source import Document, dump_checked, load_meta
from okrsite.model.site import KeyResult

_T = TypeVar("_T")
_V = TypeVar("_V")
_S = TypeVar("_S")


@dataclass
class _Known:
    doc: Document  # kept, so its id() names no other document while remembered
    values: dict[str, Any]  # as checked, before any reference is resolved
    histories: Any = None  # its KRs' history worked out of the file's versions ...
    histories_of: tuple[Any, ...] = ()  # ... of these versions (compared by identity) since this date
    key_results: list[KeyResult] | None = None
    scored_with: tuple[Any, ...] = ()  # what they were scored against: pace, settings, history
    made: Any = None  # the objective or project made of it
    made_from: str = ""  # ... with these worked-out values (their repr: 1 and 1.0 differ on a page)
    parts: tuple[Any, ...] = ()  # ... and these model objects in it (compared by identity)


class CheckedStore(Protocol):
    """Where checked fields outlive the process: okrsite.content.source.DocumentCache."""

    def checked(self, doc: Document) -> str: ...

    def keep_checked(self, doc: Document, checked: Callable[[], str]) -> None: ...


class Remembered:
    """What one assembly worked out for each document, for the next assembly of the same site
    (`okrsite serve` rebuilds with one Builder, whose document cache hands out the same object
    for a file that did not change). Such a document is not checked again, nor are its key
    results scored again while their pace, the site's settings and their history are as they
    were, and its objective or project is the same object while all it is made of is the same
    (so the page digests, okrsite.build.incremental, know it). Only what was worked out without a
    diagnostic is remembered: every problem is reported by every build.

    Checked fields are also kept in a store (the document cache, saved with the build), under
    a key that names the code that checked them: a new process (every `okrsite build` and
    `okrsite check`) does not check an unchanged document's fields again either."""

    def __init__(self) -> None:
        self._last: dict[int, _Known] = {}
        self._now: dict[int, _Known] = {}
        self._store: CheckedStore | None = None
        self._key = ""
        self.restored = 0  # documents whose checked fields this assembly took from the store

    def store_in(self, store: CheckedStore, key: str) -> None:
        """Keep checked fields in `store` too, as checked by the code named by `key`."""
        self._store, self._key, self.restored = store, f"{key}\n", 0

    def _known(self, doc: Document) -> _Known | None:
        known = self._last.get(id(doc))
        return known if known is not None and known.doc is doc else None

    def fields(self, doc: Document) -> dict[str, Any] | None:
        known = self._known(doc)
        if known is None:
            stored = self._stored(doc)
            if stored is None:
                return None
            known = _Known(doc, stored)
            self.restored += 1
        self._now[id(doc)] = known  # carried on: this assembly may update what it holds
        return dict(known.values)  # the assembly resolves references in its copy

    def keep_fields(self, doc: Document, values: dict[str, Any]) -> None:
        known = self._now[id(doc)] = _Known(doc, dict(values))
        if self._store is not None:  # written when the store is saved (TypeError then: checked next time)
            key = self._key
            self._store.keep_checked(doc, lambda: key + dump_checked(known.values))

    def _stored(self, doc: Document) -> dict[str, Any] | None:
        text = self._store.checked(doc) if self._store is not None else ""
        if not self._key or not text.startswith(self._key):
            return None
        try:
            values = load_meta(text[len(self._key):])
        except ValueError:
            return None
        return values if isinstance(values, dict) else None

    def histories(self, doc: Document, versions: _V, since: _S, work_out: Callable[[_V, _S], _T]) -> _T:
        """The KRs' history `work_out(versions, since)` gives: the last assembly's when the file's
        versions are the same object (the preview's history read keeps a file's versions while no
        commit or save changes them) and the period starts on the same day."""
        known = self._now.get(id(doc))
        if known is not None and known.histories_of and known.histories_of[0] is versions \
                and known.histories_of[1] == since:
            return known.histories  # type: ignore[no-any-return]
        histories = work_out(versions, since)
        if known is not None:
            known.histories, known.histories_of = histories, (versions, since)
        return histories

    def key_results(self, doc: Document, scored_with: tuple[Any, ...]) -> list[KeyResult] | None:
        known = self._now.get(id(doc))
        return known.key_results if known is not None and known.scored_with == scored_with else None

    def keep_key_results(self, doc: Document, scored_with: tuple[Any, ...], key_results: list[KeyResult]) -> None:
        known = self._now.get(id(doc))
        if known is not None:
            known.key_results, known.scored_with = key_results, scored_with

    def made(self, doc: Document, made_from: str, parts: tuple[Any, ...], make: Callable[[], _T]) -> _T:
        """What `make` makes of the document: the last assembly's object when it was made from the
        same checked fields (the file did not change), `made_from` and the same `parts`."""
        known = self._now.get(id(doc))
        if known is not None and known.made is not None and known.made_from == made_from \
                and len(known.parts) == len(parts) and all(map(operator.is_, known.parts, parts)):
            return known.made  # type: ignore[no-any-return]
        made = make()
        if known is not None:
            known.made, known.made_from, known.parts = made, made_from, parts
        return made

    def turn(self) -> None:
        """This assembly's documents are the next one's to look up; the others are forgotten."""
        self._last, self._now = self._now, {}

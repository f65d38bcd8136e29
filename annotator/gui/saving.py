"""Coding writes on a team server: in the background, in order, shown at once.

A write to a local SQLite file takes about a millisecond, so there the coding keys go through
:meth:`Operations.edit` on the UI thread. A write to a team server can wait for the network, a row
lock or its statement timeout, and the window must not freeze meanwhile. So on a server:

1. The row shows the **guess** at once: the coding as the edit will leave it (a chip added or
   removed, "none applies", the flag) and the status "saving…" (:class:`Saving`, emitted on
   :attr:`Operations.saving`; the clause model keeps the guess on top of the database state).
2. The service call runs as a *serial* job of the runner: one thread for every background write,
   so two keys pressed quickly are committed in the order they were pressed.
3. **Committed**: "saving…" goes away, the :class:`Edit` goes on the undo stack and is announced as
   a :class:`Change` like any edit (the navigator then reloads the clause from the database).
4. **Failed**: the row returns to the database state and says "not saved: <why>"; the reason is
   also shown once by the runner. Nothing goes on the undo stack.

While a write is saving, other edits and undo/redo wait (a status-bar note says so).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from annotator.core.edits import Edit
from annotator.services.types import ClauseCoding, SpanTag

if TYPE_CHECKING:
    from annotator.gui.workspace import Workspace

Guess = Callable[[ClauseCoding], ClauseCoding]
SAVING = "saving…"

_tokens = itertools.count(1)


@dataclass(frozen=True)
class Saving:
    """One background write of one clause: begun (``done`` False) or ended (``error`` if failed)."""

    clause_id: int
    token: int
    guess: Guess | None = None
    done: bool = False
    error: str | None = None


def write_in_background(
    workspace: Workspace, clause_id: int, action: Callable[[], Edit], guess: Guess | None
) -> bool:
    """Run ``action`` as a serial job; the row shows ``guess`` and "saving…" until it ends.

    Returns False (nothing submitted) when the runner says edits must wait.
    """
    ops = workspace.ops
    if ops.busy(queue=True):
        return False
    token = next(_tokens)

    def ended(error: str | None) -> None:
        if ops.workspace is workspace:  # not a project closed (or switched) meanwhile
            ops.saving.emit(Saving(clause_id, token, done=True, error=error))

    def committed(edit: Edit) -> None:
        ended(None)
        if ops.workspace is workspace:
            ops.record(edit)

    def failed(message: str) -> None:
        ended(message)
        # The reason, once, besides the row's note: also when the project was left meanwhile.
        ops.fail("Not saved", message)

    ops.saving.emit(Saving(clause_id, token, guess))
    ops.run(lambda _progress: action(), on_done=committed, on_failed=failed, serial=True)
    return True


# -- the guesses: the coding as each edit will leave it -----------------------------------------


def guess_tag(category: str) -> Guess:
    """Toggle ``category`` on the whole clause (as :meth:`Project.toggle_tag` does)."""

    def apply(c: ClauseCoding) -> ClauseCoding:
        if category in c.tags:
            tags = c.tags - {category}
            review = None if c.review == "done" and not tags and not c.spans else c.review
            return replace(c, tags=tags, review=review)
        return replace(c, tags=c.tags | {category}, review=None if c.review == "none" else c.review)

    return apply


def guess_span(category: str, start: int, end: int) -> Guess:
    """Toggle a span tag (as :meth:`Project.toggle_span` does)."""

    def apply(c: ClauseCoding) -> ClauseCoding:
        same = [s for s in c.spans if (s.category, s.start, s.end) == (category, start, end)]
        if same:
            return replace(c, spans=tuple(s for s in c.spans if s not in same))
        span = SpanTag("", category, start, end)
        return replace(c, spans=(*c.spans, span), review=None if c.review == "none" else c.review)

    return apply


def guess_none(c: ClauseCoding) -> ClauseCoding:
    """No category applies, or take that back (as :meth:`Project.mark_none` does)."""
    if c.review == "none":
        return replace(c, review=None)
    return replace(c, tags=frozenset(), spans=(), review="none")


def guess_flag(c: ClauseCoding) -> ClauseCoding:
    return replace(c, flagged=not c.flagged)


def guess_memo(memo: str) -> Guess:
    return lambda c: replace(c, memo=memo)

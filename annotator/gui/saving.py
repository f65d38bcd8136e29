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
   a :class:`Change` like any edit (the navigator then shows the clause as the write read it back
   on its own thread, ``Change.read``).
4. **Failed**: the row returns to the database state and says "not saved: <why>"; the reason is
   also shown once by the runner. Nothing goes on the undo stack.

The same path carries every other write on a server: split, join and move boundary, accepting,
rejecting and removing clause links (:func:`save_in_background`: the status bar says "Saving…",
the rows of the clauses say "saving…"), and **undo and redo** (:func:`replay_in_background`). A
replay is a serial job too; the undo stack is held where it is while it runs and its index is
moved only when the replay commits (the command is then already in that state, so moving the
index replays nothing). A refused replay leaves the stack where it was and says why once.

So do the writes made from dialogs (the codebook editor, a settle, blind mode, re-segmenting or
removing a plan, applying a merge or a sync): ``Workspace.edit(..., what=…, on_done=…)`` says
"Saving <what>…" and, on failure, "Not saved: <what>. <why>" (see :mod:`dialog_writes`).

An undo or redo pressed while a write is saving is queued (``Workspace.queue_replay``) and runs
once the writes before it have committed; an edit pressed after it waits (a status-bar note says
so). Right after committing, the write's thread reads back what the views will show
(:func:`read_back`); the announced change carries it, so the UI thread need not ask the server.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from annotator.core.changes import Kind, kinds_of
from annotator.core.codebook import Category
from annotator.core.edits import Edit
from annotator.services.types import (
    ClauseCoding,
    ClauseInfo,
    DocumentData,
    DocumentSummary,
    SpanTag,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from annotator.gui.ops import EditCommand, Job
    from annotator.gui.workspace import Workspace

Guess = Callable[[ClauseCoding], ClauseCoding]
PlanRead = tuple[DocumentData, list[ClauseInfo], dict[int, ClauseCoding]]
SAVING = "saving…"

_tokens = itertools.count(1)
SAY_AGAIN_MS = 5000  # the main window shows a note for 6 s
_PLAN_KINDS = frozenset({Kind.CODING, Kind.CLAUSES, Kind.CODERS})


@dataclass(frozen=True)
class ReadBack:
    """What a background write read right after committing, on its own thread (so the UI thread
    need not ask the server): the coding of the clauses it touched as ``coder_id`` sees them; for
    a clause edit (split, join…) the whole plan as :meth:`ClauseNavigator.open_document` shows
    it; for a codebook edit the whole codebook, retired categories included."""

    coder_id: str
    coding: dict[int, ClauseCoding]
    plan: PlanRead | None = None
    codebook: list[Category] | None = None
    #: The touched clauses' coding by the other coders whose rows the edit wrote (a settle
    #: writes the consensus layer's), by coder id.
    others: dict[str, dict[int, ClauseCoding]] = field(default_factory=dict)
    #: After a plan added or removed, a merge or a sync: the plan list with its counts.
    documents: list[DocumentSummary] | None = None
    #: A coding edit in a plan the window no longer showed: the coder's coded count there.
    coded: int | None = None

    def plan_of(self, key: str, coder_id: str) -> PlanRead | None:
        """The plan read back, if it is ``key`` as ``coder_id`` sees it."""
        if self.plan is None or self.plan[0].key != key or self.coder_id != coder_id:
            return None
        return self.plan


def read_back(workspace: Workspace, edit: Edit) -> ReadBack | None:
    """On the write thread, after the commit: what the views will show. None if the read fails
    (the write stands; the views read it themselves)."""
    kinds, key = kinds_of(edit), edit.document_key
    coder, project = workspace.coder_id, workspace.project
    coding: dict[int, ClauseCoding] = {}
    plan = codebook = None
    try:
        if Kind.CODEBOOK in kinds:
            codebook = project.categories(include_retired=True)
        if Kind.DOCUMENTS in kinds or (key is None and kinds & _PLAN_KINDS):
            # A plan added or removed, a merge, a sync: the plan list, and the plan shown.
            documents = project.documents(coder)
            shown = workspace.shown_document
            if shown is not None and shown in {d.key for d in documents}:
                plan = (
                    project.document(shown),
                    project.clauses(shown),
                    project.coding(shown, coder),
                )
            return ReadBack(coder, coding, plan, codebook, documents=documents)
        if key is None:  # a setting, the codebook: nothing the plan views show
            return ReadBack(coder, coding, plan, codebook)
        if Kind.CLAUSES in kinds:
            plan = (project.document(key), project.clauses(key), project.coding(key, coder))
        elif Kind.CODING in kinds and edit.clause_ids:
            coding = {c: project.clause_coding(c, coder) for c in edit.clause_ids}
            others = {
                who: {c: project.clause_coding(c, who) for c in edit.clause_ids}
                for who in _coders_written(edit) - {coder}
            }
            # The coder left the plan before this committed: its count in the plan list.
            left = workspace.shown_document != key
            coded = project.coded_count(key, coder) if left else None
            return ReadBack(coder, coding, plan, codebook, others, coded=coded)
    except Exception:
        return None
    return ReadBack(coder, coding, plan, codebook)


def _coders_written(edit: Edit) -> set[str]:
    return {
        str(row["coder_id"])
        for change in edit.changes
        for row in (change.before, change.after)
        if row is not None and row.get("coder_id")
    }


def _change(edit: Edit, read: ReadBack | None, follow: bool = True) -> object:
    from annotator.gui.ops import Change  # ops imports this module

    return Change(kinds_of(edit), edit, read, follow)


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
    return _submit(workspace, (clause_id,), action, guess, "Not saved", follow=False) is not None


def save_in_background(
    workspace: Workspace,
    action: Callable[[], Edit],
    clause_ids: tuple[int, ...] = (),
    *,
    what: str | None = None,
    title: str = "Not saved",
    on_done: Callable[[Edit], None] | None = None,
    on_failed: Callable[[str], None] | None = None,
    owner: QObject | None = None,
) -> bool:
    """A write with no guess to show (split, join, a link, a dialog's write): the status bar and
    the rows of ``clause_ids`` say it is saving until it commits or fails. False if it must wait.

    ``what`` names the write for the user ("the merge of a.json"): the status bar says "Saving
    …", a failure "Not saved: <what>. <why>". Once it has committed and is on the undo stack,
    ``on_done(edit)`` runs; a failure goes to ``on_failed`` (a dialog showing it inline), else
    to a message. ``owner`` is the dialog these callbacks belong to: once it is deleted they are
    skipped (the edit is still recorded, a failure still shown in a message).
    """
    job = _submit(
        workspace,
        clause_ids,
        action,
        None,
        title,
        what=what,
        then=on_done,
        on_failed=on_failed,
        owner=owner,
    )
    if job is None:
        return False
    saying = f"Saving {what}…" if what else SAVING
    say = f"{saying[:1].upper()}{saying[1:]}"
    workspace.ops.said.emit(say)
    # A status-bar note fades after a few seconds; a write waiting longer keeps saying so.
    timer = QTimer(job)
    timer.setInterval(SAY_AGAIN_MS)
    timer.timeout.connect(lambda: workspace.ops.said.emit(say))
    job.finished.connect(timer.stop)
    timer.start()
    return True


def _submit(
    workspace: Workspace,
    clause_ids: tuple[int, ...],
    action: Callable[[], Edit],
    guess: Guess | None,
    title: str,
    *,
    on_commit: Callable[[Edit, ReadBack | None], None] | None = None,
    then: Callable[[Edit], None] | None = None,
    on_failed: Callable[[str], None] | None = None,
    what: str | None = None,
    owner: QObject | None = None,
    verb: str | None = None,
    follow: bool = True,
) -> Job[tuple[Edit, ReadBack | None]] | None:
    """Submit the write; its job, or None when it must wait (a status-bar note says why)."""
    ops = workspace.ops
    if ops.busy(queue=verb is None):  # a replay never queues: it must see the stack as it is
        return None
    if verb is None and workspace.replays_waiting:  # it would overtake the undo pressed before
        ops.said.emit("Wait until the queued undo steps are saved.")
        return None
    token = next(_tokens)
    gone: list[bool] = []  # the owner (a dialog) was deleted: its callbacks must not run
    if owner is not None:
        owner.destroyed.connect(lambda: gone.append(True))

    def ended(error: str | None) -> None:
        if ops.workspace is workspace:  # not a project closed (or switched) meanwhile
            for clause_id in clause_ids:
                ops.saving.emit(Saving(clause_id, token, done=True, error=error))
            # Then the next queued undo or redo, once this callback (and its record) is done.
            QTimer.singleShot(0, workspace.run_queued_replay)

    def committed(result: tuple[Edit, ReadBack | None]) -> None:
        edit, read = result
        ended(None)
        if what is not None and ops.workspace is workspace:
            ops.said.emit("")  # no longer "Saving <what>…"; on_done may say what was done
        if on_commit is not None:
            on_commit(edit, read)
        elif ops.workspace is workspace:
            ops.record(edit, announce=False)
            if not edit.empty:  # announced with what the write thread read back
                ops.changed.emit(_change(edit, read, follow))
        if then is not None and not gone and ops.workspace is workspace:
            then(edit)

    def job(_progress: object) -> tuple[Edit, ReadBack | None]:
        edit = action()
        return edit, read_back(workspace, edit)

    def failed(message: str) -> None:
        ended(message)
        if verb is not None:
            message = f"{message[:1].upper()}{message[1:]}. The undo history is unchanged."
            dropped = workspace.drop_replays()  # they were meant to follow this one
            if dropped:
                message += f" {dropped} queued undo or redo step{'s' * (dropped > 1)} not run."
        elif what is not None:
            message = f"Not saved: {what}. {message[:1].upper()}{message[1:]}"
        # The reason, once, besides the row's note: also when the project was left meanwhile.
        ops.fail(title, message, on_failed if not gone else None)

    for clause_id in clause_ids:
        ops.saving.emit(Saving(clause_id, token, guess))
    return ops.run(job, on_done=committed, on_failed=failed, serial=True)


def replay_in_background(command: EditCommand, undo: bool) -> None:
    """Undo (or redo) ``command`` on a server: the stack stays where it is until it commits."""
    workspace, ops = command.workspace, command.ops
    workspace.hold_stack()  # QUndoStack moves its index after this returns: it is moved back
    verb = "undo" if undo else "redo"
    how = workspace.project.undo if undo else workspace.project.redo
    edit = command.edit

    def committed(written: Edit, read: ReadBack | None) -> None:
        command.applied = not undo  # ``applied`` follows the database
        if ops.workspace is not workspace:
            return
        stack = workspace.undo_stack
        at = next((i for i in range(stack.count()) if stack.command(i) is command), None)
        if at is not None:
            stack.setIndex(at if undo else at + 1)  # the command is in that state: no replay
        ops.said.emit("")
        ops.changed.emit(_change(written, read))

    if (
        _submit(
            workspace,
            edit.clause_ids,
            lambda: how(edit),
            None,
            f"Cannot {verb}",
            on_commit=committed,
            verb=verb,
        )
        is not None
    ):
        ops.said.emit(f"Saving the {verb} of “{command.text()}”…")


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


@dataclass(frozen=True)
class PendingSpan:
    """A span tag as a memo target, found by its place: one still saving has no id yet, and its
    memo's write (queued behind the tag's on the write thread) looks the id up once it runs."""

    category: str
    start: int
    end: int

    @classmethod
    def of(cls, span: SpanTag) -> PendingSpan:
        return cls(span.category, span.start, span.end)


def guess_span_memo(target: PendingSpan, memo: str) -> Guess:
    """The memo on the span tag at ``target`` (as :func:`notes.set_annotation_memo` does)."""

    def apply(c: ClauseCoding) -> ClauseCoding:
        spans = tuple(replace(s, memo=memo) if PendingSpan.of(s) == target else s for s in c.spans)
        return replace(c, spans=spans)

    return apply

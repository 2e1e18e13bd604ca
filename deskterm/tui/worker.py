"""Database work off the UI thread: `run_db` for screens and widgets.

    self.run_db(lambda s: logbook.add_entry(session=s, ...),
                on_done=self.entry_saved, on_error=None)

The work runs in a thread worker inside `deskterm.db.run_write` (or `run_read` with
`write=False`), so it is one transaction, retried while another desk holds the lock. The
callbacks run on the UI thread. With `write=None` the work gets the engine instead of a
session (for services that run their own transactions, like `users.sign_in`). While work is pending the app's status line shows that it
is waiting; the form stays as typed. A failure shows its one sentence (DeskError) next to the
field it names, or as a notification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.dom import DOMNode
from textual.worker import Worker

from deskterm.errors import AccountChanged, DeskError, InvalidInput, PermissionDenied
from deskterm.reasons import unexpected_sentence
from deskterm.tui.messages import BusyChanged

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskterm.tui.app import DeskApp


def describe_error(exc: BaseException) -> str:
    """One sentence for a failure: the DeskError's own (a refusal in words, not an action
    id), or a plain word about the database."""
    if isinstance(exc, PermissionDenied):
        from deskterm.tui.refusals import refusal_text

        return refusal_text(exc)
    if isinstance(exc, DeskError):
        return str(exc)
    from deskterm.db import failure_sentence

    said = failure_sentence(exc)
    if said is not None:
        return said
    return unexpected_sentence(exc)


KEY_HOLD_LIMIT_S = 2.0


def run_db(
    node: DOMNode,
    app: DeskApp,
    work: Callable[[Any], Any],  # work(session); with write=None, work(engine)
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    write: bool | None = True,
    group: str = "db",
    exclusive: bool = False,
    hold_keys: bool = False,
) -> Worker:
    """Run `work(session)` in a thread worker of `node`; call `on_done(result)` /
    `on_error(exc)` on the UI thread. Without `on_error` the failure is shown by `show_error`.
    `hold_keys`: the result opens a dialog; keys typed meanwhile wait for it
    (DeskApp.hold_typed_keys). `app` is `node.app`, as the desk's (Textual types it any App)."""
    hold = getattr(app, "hold_typed_keys", None) if hold_keys else None
    release = hold() if hold is not None else (lambda: None)
    if hold is not None:  # a worker cancelled before it ran never releases: keys wait 2 s at most
        app.set_timer(KEY_HOLD_LIMIT_S, release)

    notices: list = []
    # A save is counted while it runs: a sign-out for a changed account waits for it, then
    # says whether it was saved (DeskApp.account_changed).
    finished = getattr(app, "write_finished", None) if write is True else None
    if finished is not None:
        app.write_started()

    def job() -> Any:
        app.post_message(BusyChanged(1))
        try:
            # Off the UI thread: the database layer and the engine, if not loaded yet.
            from deskterm.db import run_read, run_write

            engine = app.engine
            if write is None:
                result = work(engine)
            else:
                checked = _checked(app, work)
                result = (
                    run_write(engine, checked, notices=notices)
                    if write
                    else run_read(engine, checked)
                )
        except AccountChanged as exc:  # disabled or role changed: signed out, with the sentence
            app.call_from_thread(release)
            if finished is not None:
                app.call_from_thread(finished, False)
            # (mypy cannot solve Textual's `T | Awaitable[T]` callback type for a coroutine)
            app.call_from_thread(app.account_changed, str(exc), refused_save=write is True)  # type: ignore[arg-type]
            return None
        except Exception as exc:  # delivered to the UI thread, never lost
            if write is not None:  # work(engine) runs its own transactions and audits them
                _audit_refusal(app, exc)
            seen_version = getattr(exc, "current", None)
            if seen_version is not None and hasattr(app, "stale_seen"):
                app.stale_seen.add(seen_version)  # saving again puts the typed values over it
            if finished is not None:
                app.call_from_thread(finished, False)
            app.call_from_thread(deliver, _deliver_error, node, exc, on_error)
            return None
        finally:
            app.post_message(BusyChanged(-1))
        if finished is not None:  # committed: said before the screen's own callback runs
            app.call_from_thread(finished, True)
        if notices:  # personal numbers typed in free text were stored masked: say so
            from deskterm.models.guard import masked_sentence

            app.call_from_thread(
                app.notify, masked_sentence(notices), severity="warning", markup=False, timeout=8
            )
        if on_done is not None:
            app.call_from_thread(deliver, on_done, result)
        else:
            app.call_from_thread(release)
        return result

    def deliver(callback: Callable[..., None], *args: Any) -> None:
        # A read replaced by a newer one of its group (exclusive: the dashboard's arrow keys,
        # a list paging) can finish after it, in a thread that cannot be stopped: its rows
        # would be shown under the newer one's title. A write is always reported.
        try:
            if write is False and worker.is_cancelled:
                return
            callback(*args)
        finally:
            release()

    worker = node.run_worker(
        job, thread=True, group=group, exclusive=exclusive, exit_on_error=False, name=group
    )
    return worker


def _checked(app, work: Callable[[Session], Any]) -> Callable[[Session], Any]:
    """Every database action of the desk first checks, in its own transaction, that the
    signed-in account is still enabled and still has its role (issue 14, item 5)."""
    actor = getattr(app, "actor", None)
    if actor is None or actor.user_id is None:
        return work

    def checked(session: Session) -> Any:
        from deskterm.services.admin.users import check_account
        from deskterm.services.overwrite import SEEN

        check_account(session, actor)
        session.info[SEEN] = frozenset(getattr(app, "stale_seen", ()))
        return work(session)

    return checked


def _audit_refusal(app, exc: BaseException) -> None:
    """A service refused the actor (PermissionDenied): the denial is audited (issue 9, #8)."""
    from deskterm.errors import PermissionDenied

    if not isinstance(exc, PermissionDenied):
        return
    from deskterm.services.permissions import record_refusal

    try:
        record_refusal(engine=app.engine, clock=app.clock, exc=exc)
    except Exception as failure:  # the refusal itself is still shown
        app.call_from_thread(app.log.error, repr(failure))


def _deliver_error(node: DOMNode, exc: BaseException, on_error) -> None:
    if on_error is not None:
        on_error(exc)
    else:
        show_error(node, exc)


def on_field(exc: BaseException) -> str:
    """The sentence shown under the field a refusal names, which the field's own label
    already names ("✗ Visitor: It cannot be left empty."): the refusal without its leading
    field name when it carries one apart (`problem`: models.forms.validated, the flush
    guard), else the whole sentence."""
    problem = exc.context.get("problem") if isinstance(exc, InvalidInput) else None
    return str(problem) if problem else describe_error(exc)


def show_error(node: DOMNode, exc: BaseException) -> None:
    """Show a failure: on the form field it names if the screen has one, else as a notice."""
    message = describe_error(exc)
    if not isinstance(exc, DeskError):
        node.app.log.error(repr(exc))
    field = exc.field if isinstance(exc, InvalidInput) else None
    screen = node.screen if hasattr(node, "screen") else None
    if field and screen is not None:
        from deskterm.tui.widgets.field import FormField

        for candidate in screen.query(FormField):
            if candidate.shows(field):
                candidate.show_refusal(on_field(exc))
                return
    node.app.notify(message, severity="error", markup=False, timeout=8)

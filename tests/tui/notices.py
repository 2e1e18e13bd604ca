"""What the desk shows in its notifications (the toasts on screen), for tests.

Textual's `run_test` shows no toasts unless asked: a test that reads them runs the app with
`app.run_test(..., notifications=True)`.
"""

from __future__ import annotations


def shown_notices(app) -> list[str]:
    """The text of every notification shown on the screen in view, oldest first."""
    return [toast.render().plain for toast in app.screen.query("Toast")]

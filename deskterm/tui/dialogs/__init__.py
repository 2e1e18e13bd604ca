"""ModalScreen[T] dialogs: they return a typed value; the screen that pushed them acts on it."""

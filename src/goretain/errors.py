"""Errors that carry a one-line message for the user (exit code 2)."""


def read_failure(path: str, exc: OSError, what: str) -> str:
    """The one-line message for a file that cannot be opened as ``what`` ("a profile")."""
    if isinstance(exc, FileNotFoundError):
        return f"{path}: no such file"
    if isinstance(exc, IsADirectoryError):
        return f"{path}: is a directory, not {what}"
    return f"{path}: cannot read: {exc.strerror}"


class UserError(Exception):
    """A mistake in the user's input: bad path, bad config, unreadable profile.

    The CLI prints ``goretain: <message>`` and exits 2, never a traceback.
    """

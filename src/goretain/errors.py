"""Errors that carry a one-line message for the user (exit code 2)."""


class UserError(Exception):
    """A mistake in the user's input: bad path, bad config, unreadable profile.

    The CLI prints ``goretain: <message>`` and exits 2, never a traceback.
    """

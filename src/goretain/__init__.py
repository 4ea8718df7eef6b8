"""goretain: find memory the Go garbage collector cannot free, and who holds it."""

__version__ = "0.1.0"

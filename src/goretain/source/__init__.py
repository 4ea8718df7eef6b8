"""The Go source model: file discovery, parsing, package-level names and a light type resolver."""

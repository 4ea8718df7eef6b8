"""tree-sitter setup and the few tree helpers every rule uses.

Walking a tree node by node in Python is the slow part of a scan, so searches for
node kinds run as tree-sitter queries (C speed) and return only the matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import tree_sitter_go
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

GO = Language(tree_sitter_go.language())

FUNC_KINDS = frozenset({"function_declaration", "method_declaration", "func_literal"})
LOOP_KIND = "for_statement"


@lru_cache(maxsize=1)
def parser() -> Parser:
    return Parser(GO)


def parse(src: bytes) -> Tree:
    return parser().parse(src)


def text(node: Node | None) -> str:
    if node is None:
        return ""
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


@lru_cache(maxsize=256)
def _kinds_query(kinds: tuple[str, ...]) -> Query:
    return Query(GO, "[" + " ".join(f"({k})" for k in kinds) + "] @n")


def descendants(node: Node, *kinds: str) -> list[Node]:
    """All nodes of the given kinds under ``node`` (itself included), in source order."""
    if not kinds:
        return []
    caps = QueryCursor(_kinds_query(tuple(sorted(kinds)))).captures(node)
    found = caps.get("n", [])
    found.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return found


def ancestors(node: Node) -> Iterable[Node]:
    cur = node.parent
    while cur is not None:
        yield cur
        cur = cur.parent


def enclosing(node: Node, kinds: Iterable[str] | str) -> Node | None:
    """The nearest ancestor of one of ``kinds``."""
    want = {kinds} if isinstance(kinds, str) else set(kinds)
    for a in ancestors(node):
        if a.type in want:
            return a
    return None


def enclosing_func(node: Node) -> Node | None:
    return enclosing(node, FUNC_KINDS)


def contains(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def strip_parens(node: Node | None) -> Node | None:
    while node is not None and node.type == "parenthesized_expression":
        node = node.named_children[0] if node.named_children else None
    return node


def call_name(call: Node) -> tuple[str, str]:
    """(qualifier, name) of a call: ``pkg.F(...)`` -> ("pkg", "F"), ``F()`` -> ("", "F"),
    ``x.y.M()`` -> ("x.y", "M")."""
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None:
        return "", ""
    if fn.type == "selector_expression":
        return text(fn.child_by_field_name("operand")), text(fn.child_by_field_name("field"))
    if fn.type in ("identifier", "field_identifier"):
        return "", text(fn)
    return "", ""


def call_args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def expr_list(node: Node | None) -> list[Node]:
    """Children of an expression_list (or the node itself when it is a single expression)."""
    if node is None:
        return []
    if node.type == "expression_list":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def first_error(root: Node) -> Node | None:
    """The first ERROR or MISSING node, for a syntax-error message."""
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            return n
        stack.extend(c for c in reversed(n.children) if c.has_error or c.is_missing)
    return None


def statements(block: Node | None) -> list[Node]:
    """The statements of a block (tree-sitter-go wraps them in a statement_list)."""
    if block is None:
        return []
    out: list[Node] = []
    for c in block.named_children:
        if c.type == "statement_list":
            out.extend(s for s in c.named_children if s.type != "comment")
        elif c.type != "comment":
            out.append(c)
    return out

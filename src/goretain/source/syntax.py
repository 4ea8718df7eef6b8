"""tree-sitter setup and the few tree helpers every rule uses.

Walking a tree node by node in Python is the slow part of a scan, so searches for
node kinds run as tree-sitter queries (C speed) and return only the matches.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
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


def _query(node: Node, kinds: tuple[str, ...]) -> list[Node]:
    found = QueryCursor(_kinds_query(kinds)).captures(node).get("n", [])
    found.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return found


# Rules ask for the same node kinds in every function of a file; running one query per
# (file, kind) and slicing it by byte range is much cheaper than a query per function.
# Kinds with a node on nearly every line are not worth materialising for a whole file.
_UNINDEXED = frozenset({"identifier", "field_identifier", "type_identifier", "package_identifier"})
_INDEX: dict[int, tuple[Node, dict[str, tuple[list[int], list[Node]]]]] = {}


def _root(node: Node) -> Node:
    while True:
        parent = node.parent
        if parent is None:
            return node
        node = parent


def _index_of(root: Node) -> dict[str, tuple[list[int], list[Node]]]:
    entry = _INDEX.get(root.id)
    if entry is None:
        # Keeping the root keeps its tree alive, so the id cannot be reused meanwhile.
        entry = _INDEX[root.id] = (root, {})
    return entry[1]


# Kinds the rules ask for file-wide; the first index build of a file fetches all of
# them in the same traversal, since the traversal, not the node count, is the cost.
# Only sparse kinds: materialising dense ones (calls, returns) costs more than it saves.
_PREFETCH = ("defer_statement", "go_statement", "for_statement", "func_literal", "select_statement")


# Dense kinds a rule will ask for file-wide when the file's bytes pass its pre-filter:
# fetching them in the first traversal saves a second one over the same file. A hint is
# only a guess (a wrong one costs time, never results), so it may look at the imports only.
_HINTS: list[tuple[str, Callable[[bytes, bytes], bool]]] = []


def prefetch_when(kind: str, test: Callable[[bytes, bytes], bool]) -> None:
    """Index ``kind`` in a file's first traversal when ``test(head, src)`` holds, where
    ``head`` is the file up to its first func declaration (the imports are in it)."""
    _HINTS.append((kind, test))


def _build_index(root: Node, index: dict[str, tuple[list[int], list[Node]]], kinds: list[str]) -> None:
    """One traversal for all missing kinds (plus the usual ones), split per kind."""
    if not index:
        wanted = set(kinds).union(_PREFETCH)
        if _HINTS:
            src = root.text or b""
            cut = src.find(b"\nfunc ")
            head = src if cut < 0 else src[:cut]
            wanted.update(k for k, test in _HINTS if k not in wanted and test(head, src))
        kinds = sorted(wanted)
    per: dict[str, list[Node]] = {k: [] for k in kinds}
    for n in _query(root, tuple(sorted(kinds))):
        per[n.type].append(n)
    for k, nodes in per.items():
        index[k] = ([n.start_byte for n in nodes], nodes)


def clear_index() -> None:
    """Forget the per-tree node index (call when a package's trees are done with)."""
    _INDEX.clear()


def descendants(node: Node, *kinds: str, file_wide: bool = False) -> list[Node]:
    """All nodes of the given kinds under ``node`` (itself included), in source order.
    ``file_wide``: index the kinds for the whole file even when ``node`` is a subtree
    (the caller will ask about most of the file)."""
    if not kinds:
        return []
    if _UNINDEXED.intersection(kinds):
        return _query(node, tuple(sorted(kinds)))
    root = _root(node)
    index = _index_of(root)
    missing = [k for k in kinds if k not in index]
    if missing:
        if node.id != root.id and not file_wide:
            # A subtree query costs only the subtree: cheaper than indexing the file.
            return _query(node, tuple(sorted(kinds)))
        _build_index(root, index, missing)
    start, end = node.start_byte, node.end_byte
    out: list[Node] = []
    for kind in kinds:
        starts, nodes = index[kind]
        i = bisect_left(starts, start)
        while i < len(nodes) and starts[i] < end:
            n = nodes[i]
            if n.end_byte <= end:
                out.append(n)
            i += 1
    if len(kinds) > 1:
        out.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return out


def has_keyword(root: Node, src: bytes, word: bytes) -> bool:
    """Does the file (``src`` parsed as ``root``) hold the keyword token ``word``?

    Exact, without a traversal: a keyword is lexed as a whole identifier, so only
    occurrences not followed by an identifier byte can be one, and the tree says which
    are (the others sit in comments, strings or longer words like ``ago``)."""
    kind = word.decode()
    for m in _keyword_regex(word).finditer(src):
        i, j = m.span()
        node = root.descendant_for_byte_range(i, j)
        if node is not None and node.type == kind and node.start_byte == i and node.end_byte == j:
            return True
    return False


@lru_cache(maxsize=16)
def _keyword_regex(word: bytes) -> re.Pattern[bytes]:
    return re.compile(re.escape(word) + rb"(?![0-9A-Za-z_])")


def _is_word_byte(b: int) -> bool:
    return b == 95 or 48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b >= 128


def word_offsets(src: bytes, words: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """Offsets of whole-word occurrences, word by word (bytes.find is much faster than a
    regex with word boundaries, and far cheaper than a query over the tree)."""
    n = len(src)
    for w in words:
        i = src.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not _is_word_byte(src[i - 1])) and (j >= n or not _is_word_byte(src[j])):
                yield i, w
            i = src.find(w, j)


def word_nodes(root: Node, src: bytes, words: Iterable[bytes]) -> Iterator[Node]:
    """The named nodes (identifiers, field names, ...) spelling exactly one of ``words``;
    occurrences in comments and strings are skipped."""
    for i, w in word_offsets(src, words):
        node = root.named_descendant_for_byte_range(i, i + len(w))
        if node is not None and node.start_byte == i and node.end_byte == i + len(w):
            yield node


def method_calls(root: Node, src: bytes, words: Iterable[bytes]) -> Iterator[Node]:
    """Calls ``x.word(...)`` of one of ``words``, found by their bytes."""
    for node in word_nodes(root, src, words):
        sel = node.parent if node.type == "field_identifier" else None
        call = sel.parent if sel is not None and sel.type == "selector_expression" else None
        fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
        if fn is not None and sel is not None and fn.id == sel.id:
            yield call  # type: ignore[misc]


def param_index(fn: Node, name: str) -> int:
    """Position of the parameter called ``name`` in ``fn``'s signature (unnamed parameters
    count too), or -1."""
    params = fn.child_by_field_name("parameters")
    i = 0
    for p in params.named_children if params is not None else []:
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        for n in p.children_by_field_name("name") or [None]:
            if n is not None and n.text is not None and n.text.decode("utf-8", "replace") == name:
                return i
            i += 1
    return -1


def up(node: Node) -> Node | None:
    """The parent of ``node``, looking through parentheses (the upward strip_parens)."""
    p = node.parent
    while p is not None and p.type == "parenthesized_expression":
        p = p.parent
    return p


def ancestors_until(node: Node, top: Node) -> list[Node]:
    """The ancestors of ``node`` below ``top``, innermost first."""
    out: list[Node] = []
    cur = node.parent
    while cur is not None and cur.id != top.id:
        out.append(cur)
        cur = cur.parent
    return out


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


def callee_name(call: Node) -> str:
    """``call_name(call)[1]`` without decoding the qualifier (rules filter every call by it)."""
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None:
        return ""
    if fn.type == "selector_expression":
        return text(fn.child_by_field_name("field"))
    if fn.type in ("identifier", "field_identifier"):
        return text(fn)
    return ""


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

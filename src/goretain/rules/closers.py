"""GR304: response bodies, rows, statements, files and connections not closed on some path.

Acquisitions are calls whose (first) result has a closable type: ``*http.Response`` (its
``Body`` must be closed), ``*sql.Rows``, ``*sql.Stmt``, ``*sql.Conn``, ``*os.File``,
``net.Conn``, ``net.Listener``, ``*zip.ReadCloser`` - from the standard library or from a
same-package constructor. The value's lifetime is read by ``ownership.analyse``: every
exit after the acquisition must be preceded by a Close or an ownership handoff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.ownership import (
    Classifier,
    Spec,
    analyse,
    following,
    ident_uses,
    same_node,
    stmt_of,
    within,
)
from goretain.source.package import Package, SourceFile, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    ancestors_until,
    call_args,
    call_name,
    callee_name,
    descendants,
    enclosing_func,
    expr_list,
    strip_parens,
    text,
    up,
)
from goretain.source.types import STDLIB_METHODS, GoType

GR304 = RuleMeta(
    id="GR304",
    name="closer-not-called",
    category="closer-not-called",
    summary="a response body, rows, statement, file or connection is not closed on some path",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs="""
An `*http.Response` whose `Body` is never closed keeps its connection (and the
transport's read/write buffers and goroutines) alive; an unclosed `*sql.Rows` or
`*sql.Stmt`, or an `*sql.Tx` neither rolled back nor committed, keeps a pool connection
checked out; an unclosed `*os.File`, `net.Conn` or
`net.Listener` holds a file descriptor plus its runtime poller state until a finalizer
happens to run - if it ever does. Each request that takes such a path leaks one more.
A response body read to EOF (`io.ReadAll`, `io.Copy`) already gave its connection back,
and a HEAD response has no body, so neither needs a `Close` to avoid a leak.

The rule follows the value from the call that acquires it to every way the function (or
the variable's block) can be left: a `return`, a `continue`/`break` out of the block, the
end of the block, an overwrite of the variable. Each must be preceded, on every path, by
a `Close` (directly, deferred, in a goroutine or closure) or by a handoff of ownership:
returning the value, storing it in a field, map, slice, global or channel, passing it to
a function that closes or keeps it (same-package functions are read; unknown functions
are trusted). A `go func() {...}()` that is the only user of the value owns it and must
close it on every way out. Calls through a local bound to a method value
(`get := c.Get; resp, err := get(url)`) are acquisitions too. Reading helpers of the standard library (`io.ReadAll`, `bufio.NewReader`,
`json.NewDecoder`, ...) do not take ownership. The `if err != nil { return }` right after
the call is not a leak (the value is nil there); an early return such as
`if resp.StatusCode != 200 { return }` before the deferred Close is.

`cmd.Start()` on an `*exec.Cmd` acquires the child process: every way out must
`cmd.Wait()` (or hand `cmd` on), or the exited child stays a zombie with its pipes open; a
function that starts a process and leaves at once is taken to mean it to run on. Calls
through a func-typed field or variable (`s.do(req)` with `do func(*http.Request)
(*http.Response, error)`) acquire what their type returns.

It also reports a deferred closure that closes a variable which is overwritten later
(`defer func() { r.Close() }()` then `r = other` or `r = nil`): the closure reads the
variable when it runs, so the original value is never closed.
""",
    bad="""package p

import (
	"fmt"
	"io"
	"net/http"
)

func Fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
""",
    good="""package p

import (
	"fmt"
	"io"
	"net/http"
)

func Fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}
""",
    fix="defer the Close right after the error check (before any early return), or hand the value to its new owner explicitly",
)


# type -> (what it is, how it is released, what stays allocated)
_KINDS: dict[str, tuple[str, Spec, str]] = {
    "*net/http.Response": ("response", Spec(via_field="Body", drains=(
        ("io.ReadAll", 0), ("io/ioutil.ReadAll", 0), ("io.Copy", 1), ("io.CopyBuffer", 1)),
        owner_releases=frozenset({"Write"})),
                           "its connection, buffers and transport goroutines stay in use"),
    "*database/sql.Rows": ("rows", Spec(), "its pool connection stays checked out"),
    "*database/sql.Stmt": ("statement", Spec(), "its prepared statement and connection stay allocated"),
    "*database/sql.Conn": ("connection", Spec(), "the pool connection is never returned"),
    "*os.File": ("file", Spec(handoff_methods=frozenset({"Fd", "SyscallConn"})), "its file descriptor stays open until a finalizer happens to run"),
    "net.Conn": ("connection", Spec(), "its socket and buffers stay open"),
    "net.Listener": ("listener", Spec(), "its socket stays open"),
    "net.PacketConn": ("connection", Spec(), "its socket and buffers stay open"),
    "*archive/zip.ReadCloser": ("zip reader", Spec(), "its file descriptor stays open"),
    "*database/sql.Tx": ("transaction", Spec(methods=frozenset({"Rollback", "Commit"})),
                         "its pool connection stays checked out and its locks held (until its context is cancelled, if ever)"),
    # Started by cmd.Start (not by its constructor): Wait reaps the child and closes the pipes.
    "*os/exec.Cmd": ("process", Spec(methods=frozenset({"Wait"}), handoff_methods=frozenset({"Process"})),
                     "the exited child stays a zombie process and its pipes and copying goroutines stay open"),
}
# How the release is spelled, for kinds not released by Close: (past participle, method to defer).
_RELEASE_WORDS = {"transaction": ("rolled back or committed", "Rollback"), "process": ("waited for", "Wait")}
_HTTP_CLIENT_METHODS = frozenset({"Do", "Get", "Post", "PostForm", "Head"})
# Names of standard-library calls that return closable values (a cheap pre-filter).
_ACQ_NAMES = frozenset({
    "Get", "Post", "PostForm", "Head", "Do", "RoundTrip", "Open", "Create",
    "OpenFile", "CreateTemp", "Dial", "DialTimeout", "DialContext", "Listen", "ListenPacket",
    "Accept", "Query", "QueryContext", "Prepare", "PrepareContext", "Conn", "OpenReader",
    "Begin", "BeginTx",
})
_START = frozenset({"Start"})  # (*exec.Cmd).Start: the process is the acquisition
_ACQ_CALL = re.compile(rb"\b(?:" + "|".join(sorted(_ACQ_NAMES)).encode() + rb")\(")
_IMPORT_HINTS = (b'"net/http"', b'"database/sql"', b'"os"', b'"net"', b'"archive/zip"', b'"os/exec"')


_IMPORT_HINT = re.compile(b"|".join(re.escape(h) for h in _IMPORT_HINTS))  # one pass, not five


def _may_acquire(src: bytes) -> bool:
    return _IMPORT_HINT.search(src) is not None


_EXIT_WORDS = {
    "return_statement": "returns", "continue_statement": "continues the loop",
    "break_statement": "breaks out", "}": "reaches the end of its block", "identifier": "overwrites it",
}
MAX_RELATED = 3


def type_key(t: GoType) -> str:
    if t.kind == "pointer" and t.elem is not None and t.elem.kind == "named":
        return f"*{t.elem.pkg}.{t.elem.name}"
    if t.kind == "named":
        return f"{t.pkg}.{t.name}"
    return ""


def _local_constructors(pkg: Package) -> set[str]:
    """Same-package functions and methods that return a closable value."""
    from goretain.source.types import results_of

    out: set[str] = set()
    for f in pkg.files:
        for top in f.root.named_children:
            if top.type != "function_declaration" and top.type != "method_declaration":
                continue
            res = top.child_by_field_name("result")
            raw = res.text if res is not None else None
            if raw is None or _RESULT_HINT.search(raw) is None:
                continue
            keys = [type_key(t) for t in results_of(top, f.imports)]
            body = top.child_by_field_name("body")
            # A constructor acquires something itself; a getter returning a stored value does not.
            if body is None or not _ACQ_CALL.search(body.text or b""):
                continue
            if keys and keys[0] in _KINDS and not _self_closing(pkg, top, _KINDS[keys[0]][1]):
                out.add(text(top.child_by_field_name("name")))
    return out


_RESULT_HINTS = (b"File", b"Conn", b"Response", b"Rows", b"Stmt", b"Listener", b"Tx")
_RESULT_HINT = re.compile(b"|".join(_RESULT_HINTS))  # one C-level search per result


def _self_closing(pkg: Package, func: Node, spec: Spec) -> bool:
    """A constructor that already arranges the close of what it returns (a deferred Close,
    ``t.Cleanup(func() { f.Close() })``): its callers do not own the result."""
    body = func.child_by_field_name("body")
    if body is None:
        return False
    cls = Classifier(pkg, spec)
    from goretain.rules.flow import own_descendants

    for ret in own_descendants(body, "return_statement"):
        vals = expr_list(ret.named_children[0]) if ret.named_children else []
        first = strip_parens(vals[0]) if vals else None
        if first is None or first.type != "identifier":
            continue
        b = pkg.resolve(first)
        if isinstance(b, Binding) and any(
            cls.classify(u)[0] == "release" for u in ident_uses(body, b, pkg) if not within(ret, u)
        ):
            return True
    return False


# Package functions that acquire, by import path (answered without type resolution).
_ACQ_FUNCS = {
    "net/http.Get": "*net/http.Response", "net/http.Post": "*net/http.Response",
    "net/http.PostForm": "*net/http.Response", "net/http.Head": "*net/http.Response",
    "os.Open": "*os.File", "os.Create": "*os.File", "os.OpenFile": "*os.File", "os.CreateTemp": "*os.File",
    "net.Dial": "net.Conn", "net.DialTimeout": "net.Conn", "net.Listen": "net.Listener",
    "net.ListenPacket": "net.PacketConn", "archive/zip.OpenReader": "*archive/zip.ReadCloser",
}
# Methods that acquire, and the import a file needs for its receiver to be one of ours.
_METHOD_IMPORT = {
    "Do": "net/http", "Get": "net/http", "Post": "net/http", "PostForm": "net/http", "Head": "net/http",
    "RoundTrip": "net/http", "Query": "database/sql", "QueryContext": "database/sql",
    "Prepare": "database/sql", "PrepareContext": "database/sql", "Conn": "database/sql",
    "Accept": "net", "Dial": "net", "DialContext": "net", "Begin": "database/sql", "BeginTx": "database/sql",
    "Start": "os/exec",
}


def _acquired_type(pkg: Package, call: Node, imports: set[str], local: set[str], func_vars: frozenset[str] = frozenset()) -> str:
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None:
        return ""
    name = text(fn.child_by_field_name("field")) if fn.type == "selector_expression" else text(fn)
    if name == "Head":
        return ""  # a HEAD response's Body is http.NoBody: nothing to release
    if name in func_vars and name not in _ACQ_NAMES and _local_operand(pkg, fn):
        return _type_key_of(pkg, call)  # a call through a func-typed field or variable
    if fn.type == "selector_expression":
        op = strip_parens(fn.child_by_field_name("operand"))
        if op is not None and op.type == "identifier":
            path = pkg.is_package_name(op)
            if path:
                return _ACQ_FUNCS.get(f"{path}.{name}", "") if not pkg.in_module(path) or path == "os" else \
                    _type_key_of(pkg, call)
        if name not in local and _METHOD_IMPORT.get(name) not in imports:
            return ""  # the receiver cannot be an http.Client, sql.DB, net.Listener, ...
        if (op is not None and op.type == "selector_expression" and text(op.child_by_field_name("field")) == "DefaultClient"
                and text(fn.child_by_field_name("field")) in _HTTP_CLIENT_METHODS):
            inner = strip_parens(op.child_by_field_name("operand"))
            if inner is not None and inner.type == "identifier" and pkg.is_package_name(inner) == "net/http":
                return "*net/http.Response"
    elif name not in local:
        sel = _bound_selector(pkg, fn) if fn.type == "identifier" else None
        return _method_value_type(pkg, sel, imports) if sel is not None else ""
    return _type_key_of(pkg, call)


def _local_operand(pkg: Package, fn: Node) -> bool:
    """``s.do(...)`` / ``do(...)`` on a local, parameter or receiver: typed cheaply."""
    if fn.type == "selector_expression":
        fn = strip_parens(fn.child_by_field_name("operand"))
    return fn is not None and fn.type == "identifier" and isinstance(pkg.resolve(fn), Binding)


def _type_key_of(pkg: Package, call: Node) -> str:
    t = pkg.type_of(call)
    if t.kind == "tuple":
        t = t.results[0] if t.results else t
    return type_key(t)


def _acquisition_target(call: Node) -> tuple[str, Node | None, Node | None, str]:
    """How the call's result is received: ("discard"|"var"|"other", statement, ident, err name)."""
    p = up(call)
    if p is None:
        return "other", None, None, ""
    if p.type == "expression_statement":
        return "discard", p, None, ""
    if p.type == "expression_list":
        stmt = p.parent
        if stmt is None or len(expr_list(p)) != 1:
            return "other", None, None, ""
        if stmt.type in ("short_var_declaration", "assignment_statement") and stmt.child_by_field_name("right") == p:
            lefts = expr_list(stmt.child_by_field_name("left"))
        elif stmt.type == "var_spec" and stmt.child_by_field_name("value") == p:
            lefts = stmt.children_by_field_name("name")
        else:
            return "other", None, None, ""
        if stmt.type == "assignment_statement" and text(stmt.child_by_field_name("operator")) != "=":
            return "other", None, None, ""
        if not lefts:
            return "other", None, None, ""
        first = strip_parens(lefts[0])
        err = text(lefts[-1]) if len(lefts) > 1 and lefts[-1].type == "identifier" and text(lefts[-1]) != "_" else ""
        if first is not None and first.type == "identifier":
            if text(first) == "_":
                return "discard", stmt, None, err
            return "var", stmt, first, err
    return "other", None, None, ""


def _in_main(node: Node) -> bool:
    """Directly in func main: the process exit releases everything."""
    top = node
    while top.parent is not None and top.parent.type != "source_file":
        top = top.parent
    return top.type == "function_declaration" and text(top.child_by_field_name("name")) == "main" and \
        not any(a.type == "func_literal" for a in ancestors_until(node, top))



def _callee(call: Node) -> str:
    q, n = call_name(call)
    return f"{q}.{n}" if q else n


@register(GR304)
def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    files = [f for f in pkg.files if _may_acquire(f.src)]
    if not files:
        return []
    local = _local_constructors(pkg)
    names = _ACQ_NAMES | local
    func_vars = _func_vars(files)
    classifiers: dict[str, Classifier] = {}
    out: list[Finding] = []
    for f in files:
        imports = set(f.imports.values())
        file_names = names | _method_value_names(f.src) | func_vars
        if "os/exec" in imports:
            file_names |= _START
        calls = _calls_named(f.src, f.root, file_names) if "" not in file_names else \
            [c for c in descendants(f.root, "call_expression") if callee_name(c) in file_names]
        for call in calls:
            if callee_name(call) == "Start":
                finding = _check_start(pkg, ctx, call, imports, classifiers)
                if finding is not None:
                    out.append(finding)
                continue
            key = _acquired_type(pkg, call, imports, local, func_vars)
            if key not in _KINDS:
                continue
            finding = _check_call(pkg, ctx, call, key, classifiers)
            if finding is not None:
                out.append(finding)
    return out


# `do func(*http.Request) (*http.Response, error)`: a field, parameter or variable of a
# func type whose first result is closable (the call site's type is checked after).
_CLOSABLE_WORD = re.compile(rb"\.(?:Response|Rows|Stmt|File|Conn|Listener|Tx|ReadCloser)\b")
_FUNC_VAR_LINE = re.compile(rb"(\w+)[ \t]+func\([^{}]*\)[ \t]*\(?[ \t]*\*?\w+$")


def _func_vars(files: list[SourceFile]) -> frozenset[str]:
    out: set[str] = set()
    for f in files:
        src = f.src
        for m in _CLOSABLE_WORD.finditer(src):  # the result type first: rare, found fast
            start = src.rfind(b"\n", 0, m.start()) + 1
            if src.find(b"func(", start, m.start()) < 0:
                continue
            line = _FUNC_VAR_LINE.search(src, start, m.start())
            if line is not None:
                out.add(line.group(1).decode())
    return frozenset(out) - {"func", "type", "return", "case", "or", "and"}


def _check_start(pkg: Package, ctx: RuleContext, call: Node, imports: set[str], classifiers: dict[str, Classifier]) -> Finding | None:
    """``cmd.Start()`` acquires the child process: every way out must Wait (or hand cmd on)."""
    fn = strip_parens(call.child_by_field_name("function"))
    op = strip_parens(fn.child_by_field_name("operand")) if fn is not None and fn.type == "selector_expression" else None
    if op is None or op.type != "identifier" or "os/exec" not in imports or _in_main(call):
        return None
    b = pkg.resolve(op)
    if not isinstance(b, Binding) or b.kind not in ("short", "var") or type_key(pkg.binding_type(b)) != "*os/exec.Cmd":
        return None
    p = up(call)
    err = ""
    if p is not None and p.type == "expression_list" and p.parent is not None \
            and p.parent.type in ("short_var_declaration", "assignment_statement") \
            and same_node(p.parent.child_by_field_name("right"), p):
        lefts = expr_list(p.parent.child_by_field_name("left"))
        err = text(lefts[0]) if len(lefts) == 1 and lefts[0].type == "identifier" and text(lefts[0]) != "_" else ""
        stmt = p.parent
    elif p is not None and p.type == "expression_statement":
        stmt = p
    else:
        return None  # `return cmd.Start()`, `if cmd.Start() != nil`: not followed
    what, spec, held = _KINDS["*os/exec.Cmd"]
    cls = classifiers.get("*os/exec.Cmd")
    if cls is None:
        cls = classifiers["*os/exec.Cmd"] = Classifier(pkg, spec)
    life = analyse(pkg, cls, b, stmt, err)
    if any(u.kind != "neutral" and u.node.start_byte < call.start_byte for u in life.uses if u.kind != "assign"):
        return None  # handed on (or waited for by someone) before it was started
    if not life.leaks or (not life.released and _detached(call, err)):
        return None
    name = text(op)
    first = life.leaks[0]
    line = pkg.location(first).line
    if life.goroutine is not None or not life.released:
        msg = f"the process started by {name}.Start() ({name} is *exec.Cmd) is never waited for or handed off: {held}"
    else:
        msg = (f"the process started by {name}.Start() ({name} is *exec.Cmd) is not waited for on the path that "
               f"{_EXIT_WORDS.get(first.type, 'leaves')} at line {line}: {held}")
    rel = [Related(pkg.location(x if x.type != "identifier" else stmt_of(x)),
                   f"process not waited for when the function {_EXIT_WORDS.get(x.type, 'leaves')} here")
           for x in life.leaks[:MAX_RELATED]]
    return ctx.finding(GR304, pkg, call, msg, symbol=f"{pkg.name}.{name}", related=rel,
                       confidence=Confidence.MEDIUM if pkg.file_of(call).is_test else Confidence.HIGH,
                       fix=f"call {name}.Wait() on every path after a successful Start (drain its pipes first), "
                       "or kill it and then Wait")


def _detached(call: Node, err: str) -> bool:
    """Start and leave at once (only the error check follows): a process meant to outlive
    the function (a daemon, a crash monitor), not one whose output was consumed."""
    rest = following(stmt_of(call))
    rest = [s for s in rest if not (s.type == "if_statement" and err and _err_test_text(s, err))]
    return not rest or (len(rest) == 1 and rest[0].type == "return_statement" and rest[0].named_child_count == 0)


def _err_test_text(s: Node, err: str) -> bool:
    cond = s.child_by_field_name("condition")
    return cond is not None and re.search(rf"\b{re.escape(err)}\b", text(cond)) is not None


# `= x.Get` ending its line: a method value bound to a local (the regex starts at the
# literal "=" so the scan stays fast); the local's name is read back from the line.
_METHOD_VALUE = re.compile(rb"=[ \t]*[\w.]*\.(?:" + "|".join(sorted(_ACQ_NAMES)).encode() + rb")[ \t]*(?:\r?\n|;|//)")
_BOUND_NAME = re.compile(rb"(\w+)[ \t]*:?$")


def _method_value_names(src: bytes) -> frozenset[str]:
    """Locals bound to an acquiring method or function value (``get := c.Get``)."""
    out: set[str] = set()
    for m in _METHOD_VALUE.finditer(src):
        start = src.rfind(b"\n", 0, m.start()) + 1
        name = _BOUND_NAME.search(src, start, m.start())
        if name is not None:
            out.add(name.group(1).decode())
    return frozenset(out)


def _bound_selector(pkg: Package, fn: Node) -> Node | None:
    """The selector a local func variable was bound to once (``get := p.hc.Get``)."""
    ref = pkg.resolve(fn)
    if not isinstance(ref, Binding) or ref.kind not in ("short", "var") or len(ref.values) != 1 or ref.index != 0:
        return None
    v = strip_parens(ref.values[0])
    return v if v is not None and v.type == "selector_expression" else None


def _method_value_type(pkg: Package, sel: Node, imports: set[str]) -> str:
    """The closable type a call of the bound method/function value ``sel`` returns."""
    name = text(sel.child_by_field_name("field"))
    op = strip_parens(sel.child_by_field_name("operand"))
    if op is None or name not in _ACQ_NAMES or name == "Head":
        return ""
    if op.type == "identifier":
        path = pkg.is_package_name(op)
        if path:
            return _ACQ_FUNCS.get(f"{path}.{name}", "")
    if _METHOD_IMPORT.get(name) not in imports:
        return ""
    base = pkg.type_of(op).deref()
    res = STDLIB_METHODS.get(f"{base.pkg}.{base.name}.{name}", ()) if base.kind == "named" and base.pkg else ()
    return type_key(res[0]) if res else ""


def _calls_named(src: bytes, root: Node, names: frozenset[str]) -> list[Node]:
    """The calls whose callee_name is in ``names``, in source order: found from the places
    where a name starts in the source (far fewer than the file's calls)."""
    found: list[Node] = []
    # Names are identifiers, so a match inside a longer word can hide no identifier start:
    # non-overlapping matches find every call.
    for m in _names_regex(names).finditer(src):
        i = m.start()
        if src[m.end():m.end() + 1] in _WORD_BYTES:
            continue  # the identifier goes on (longer names are tried first): no name
        node = root.named_descendant_for_byte_range(i, i + 1)
        if node is not None and node.start_byte == i and node.type in ("identifier", "field_identifier") \
                and text(node) in names:
            call = _call_of_callee(node)
            if call is not None:
                found.append(call)
    found.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return found


_WORD_BYTES = frozenset(bytes([c]) for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


@lru_cache(maxsize=64)
def _names_regex(names: frozenset[str]) -> re.Pattern[bytes]:
    return re.compile(b"|".join(re.escape(n.encode()) for n in sorted(names, key=lambda n: (-len(n), n))))


def _call_of_callee(node: Node) -> Node | None:
    """The call whose callee_name is ``node`` (an identifier or a selector's field)."""
    if node.type == "field_identifier":
        fn = node.parent
        if fn is None or fn.type != "selector_expression":
            return None
        field = fn.child_by_field_name("field")
        if field is None or field.id != node.id:
            return None
    elif node.type == "identifier":
        fn = node
    else:
        return None
    p = up(fn)
    if p is None or p.type != "call_expression":
        return None
    callee = strip_parens(p.child_by_field_name("function"))
    return p if callee is not None and callee.id == fn.id else None


def _check_call(pkg: Package, ctx: RuleContext, call: Node, key: str, classifiers: dict[str, Classifier]) -> Finding | None:
    what, spec, held = _KINDS[key]
    how, stmt, ident, err = _acquisition_target(call)
    callee = _callee(call)
    fn = strip_parens(call.child_by_field_name("function"))
    sel = _bound_selector(pkg, fn) if fn is not None and fn.type == "identifier" else None
    if sel is not None:
        callee = f"{callee} (bound to {text(sel)})"
    if how == "other" or stmt is None or _in_main(call):
        return None
    if _expects_failure(stmt, err):
        return None
    if how == "discard" and _error_as_value(stmt, err):
        return None
    if how == "discard":
        part = "its Body is" if spec.via_field else "it is"
        msg = f"the {what} returned by {callee} is discarded, so {part} never closed: {held}"
        return ctx.finding(GR304, pkg, call, msg, symbol=f"{pkg.name}.{callee}")
    assert ident is not None
    b = pkg.resolve(ident)
    if not isinstance(b, Binding) or b.kind in ("result", "receiver") or isinstance(b, VarDecl):
        return None
    cls = classifiers.get(key)
    if cls is None:
        cls = classifiers[key] = Classifier(pkg, spec)
    life = analyse(pkg, cls, b, stmt, err)
    name = text(ident)
    closed = f"{name}.{spec.via_field}" if spec.via_field else name
    if life.reassigned_after_closure:
        x = life.reassigned_after_closure[0]
        line = pkg.location(x).line
        msg = (f"{closed} ({what} from {callee}) is closed by a deferred closure that reads {name} when it "
               f"runs, but {name} is overwritten at line {line}: the closure closes the new value (or skips nil) "
               f"and this {what} is never closed; {held}")
        rel = [Related(pkg.location(stmt_of(x)), f"{name} overwritten here")]
        return ctx.finding(GR304, pkg, call, msg, symbol=f"{pkg.name}.{name}", related=rel,
                           fix=f"close the original before overwriting {name}, or defer {closed}.Close() directly")
    if not life.leaks:
        return None
    first = life.leaks[0]
    line = pkg.location(first).line
    word = _EXIT_WORDS.get(first.type, "leaves")
    done, method = _RELEASE_WORDS.get(what, ("closed", "Close"))
    if life.goroutine is not None:
        start = pkg.location(life.goroutine).line
        how = "never releases it" if not life.released else f"can end at line {line} without releasing it"
        msg = f"{closed} ({what} from {callee}) is used only by the goroutine started at line {start}, which {how}: {held}"
    elif not life.released:
        msg = f"{closed} ({what} from {callee}) is never {done} or handed off: {held}"
    else:
        msg = f"{closed} ({what} from {callee}) is not {done} on the path that {word} at line {line}: {held}"
    rel = [Related(pkg.location(x if x.type != "identifier" else stmt_of(x)), f"{what} still open when the function {_EXIT_WORDS.get(x.type, 'leaves')} here")
           for x in life.leaks[:MAX_RELATED]]
    conf = Confidence.MEDIUM if pkg.file_of(call).is_test else Confidence.HIGH
    return ctx.finding(GR304, pkg, call, msg, symbol=f"{pkg.name}.{name}", related=rel, confidence=conf,
                       fix=f"defer {closed}.{method}() right after the error check, before any early return"
                       + (" (a no-op after Commit)" if method == "Rollback" else ""))


def _error_as_value(stmt: Node, err: str) -> bool:
    """The result is discarded and its error is neither compared nor returned anywhere in
    the function (``_, errF := os.Open("missing")`` then ``errF`` used as test data): the
    call is made to obtain an error value, not a resource."""
    func = enclosing_func(stmt)
    if not err or func is None:
        return False
    for cond in descendants(func, "binary_expression"):
        if text(cond.child_by_field_name("operator")) not in ("==", "!="):
            continue
        sides = {text(cond.child_by_field_name("left")), text(cond.child_by_field_name("right"))}
        if err in sides:
            return False
    for ret in descendants(func, "return_statement"):
        if any(text(e) == err for e in descendants(ret, "identifier")):
            return False
    return True


def _expects_failure(stmt: Node, err: str) -> bool:
    """The call is asserted to fail, so no value exists past the check: ``_, err := c.Get(u)``
    (or ``if _, err = c.Get(u); ...``) followed by ``if err == nil { t.Fatal(...) }``,
    ``if err != context.Canceled { t.Errorf(...) }`` or ``if !errors.Is(err, X) { ... }``."""
    if not err:
        return False
    from goretain.rules.ownership import terminates_any

    parent = stmt.parent
    if parent is not None and parent.type == "if_statement" and same_node(parent.child_by_field_name("initializer"), stmt):
        check: Node | None = parent
    else:
        check = next(iter(following(stmt)), None)
    if check is None or check.type != "if_statement" or not _asserts_error(check.child_by_field_name("condition"), err):
        return False
    cons = check.child_by_field_name("consequence")
    stmts = [c for c in (cons.named_children[0].named_children if cons is not None and cons.named_children else [])
             if c.type != "comment"]
    return bool(stmts) and (terminates_any(stmts[-1]) or "Fatal" in text(stmts[-1]) or "Error" in text(stmts[-1]))


def _asserts_error(cond: Node | None, err: str) -> bool:
    """Is ``cond`` true when the call did not fail the expected way (``err == nil``,
    ``err != ErrX``, ``!errors.Is(err, ErrX)``)?"""
    cond = strip_parens(cond)
    if cond is None:
        return False
    if cond.type == "binary_expression":
        op = text(cond.child_by_field_name("operator"))
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        if op == "||":  # `err == nil || !strings.Contains(err.Error(), want)`
            return _asserts_error(left, err) or _asserts_error(right, err)
        if text(left) != err or right is None:
            return False
        return (op == "==" and text(right) == "nil") or (op == "!=" and text(right) != "nil")
    if cond.type == "unary_expression" and text(cond.child_by_field_name("operator")) == "!":
        inner = strip_parens(cond.child_by_field_name("operand"))
        return inner is not None and inner.type == "call_expression" and any(text(a) == err for a in call_args(inner))
    return False

"""A light Go type model: enough to tell pointers, maps, channels and big structs apart.

Types come from syntax (declarations, literals, make/new) and from a small table of
standard-library signatures; anything else is ``UNKNOWN`` and rules treat it as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from goretain.source.syntax import text


@dataclass(frozen=True)
class GoType:
    # named, pointer, slice, array, map, chan, func, struct, interface, basic, tuple, unknown
    kind: str
    name: str = ""  # named: type name; basic: "int", "string", ...
    pkg: str = ""  # import path of a named type; "" is the package being analysed
    elem: GoType | None = None  # pointer/slice/array/chan element, map value
    key: GoType | None = None  # map key
    length: int | None = None  # array length when constant
    fields: tuple[tuple[str, GoType], ...] = ()  # struct type literals
    results: tuple[GoType, ...] = ()  # func results; tuple members

    def __str__(self) -> str:  # Go-like spelling for messages
        k = self.kind
        if k == "named":
            short = self.pkg.rsplit("/", 1)[-1]
            return f"{short}.{self.name}" if self.pkg else self.name
        if k == "basic":
            return self.name
        if k == "pointer":
            return f"*{self.elem}"
        if k == "slice":
            return f"[]{self.elem}"
        if k == "array":
            return f"[{self.length if self.length is not None else '?'}]{self.elem}"
        if k == "map":
            return f"map[{self.key}]{self.elem}"
        if k == "chan":
            return f"chan {self.elem}"
        if k == "tuple":
            return "(" + ", ".join(map(str, self.results)) + ")"
        return {"func": "func", "struct": "struct{...}", "interface": "interface{...}"}.get(k, "?")

    def is_named(self, pkg: str, name: str) -> bool:
        return self.kind == "named" and self.pkg == pkg and self.name == name

    def deref(self) -> GoType:
        return self.elem if self.kind == "pointer" and self.elem is not None else self


UNKNOWN = GoType("unknown")


def named(pkg: str, name: str) -> GoType:
    return GoType("named", name=name, pkg=pkg)


def ptr(t: GoType) -> GoType:
    return GoType("pointer", elem=t)


def basic(name: str) -> GoType:
    return GoType("basic", name=name)


BASIC_SIZES = {
    "bool": 1, "int8": 1, "uint8": 1, "byte": 1, "int16": 2, "uint16": 2,
    "int32": 4, "uint32": 4, "rune": 4, "float32": 4, "int": 8, "uint": 8, "int64": 8,
    "uint64": 8, "uintptr": 8, "float64": 8, "complex64": 8, "complex128": 16,
    "string": 16, "error": 16, "any": 16, "unsafe.Pointer": 8,
}


_INT_OPS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a // b if b else None, "%": lambda a, b: a % b if b else None,
    "<<": lambda a, b: a << b if 0 <= b < 64 else None, ">>": lambda a, b: a >> b if 0 <= b < 64 else None,
    "|": lambda a, b: a | b, "&": lambda a, b: a & b, "^": lambda a, b: a ^ b,
}


def const_int(node: Node | None, consts: dict[str, int] | None = None, depth: int = 0) -> int | None:
    """Value of a constant integer expression such as `16 << 10` or `N * 2` (None if unknown)."""
    if node is None or depth > 12:
        return None
    k = node.type
    if k == "int_literal":
        try:
            return int(text(node).replace("_", ""), 0)
        except ValueError:
            return None
    if k == "identifier":
        return (consts or {}).get(text(node))
    if k == "parenthesized_expression" and node.named_children:
        return const_int(node.named_children[0], consts, depth + 1)
    if k == "binary_expression":
        op = _INT_OPS.get(text(node.child_by_field_name("operator")))
        a = const_int(node.child_by_field_name("left"), consts, depth + 1)
        b = const_int(node.child_by_field_name("right"), consts, depth + 1)
        return op(a, b) if op and a is not None and b is not None else None
    return None


def type_from_node(node: Node | None, imports: dict[str, str], consts: dict[str, int] | None = None) -> GoType:
    """The GoType a type expression spells. ``imports`` maps file-local package names to paths."""
    if node is None:
        return UNKNOWN
    k = node.type
    if k in ("type_identifier", "identifier"):
        name = text(node)
        return basic(name) if name in BASIC_SIZES else named("", name)
    if k == "qualified_type":
        pkg_name = text(node.child_by_field_name("package"))
        name = text(node.child_by_field_name("name"))
        full = f"{pkg_name}.{name}"
        if full in BASIC_SIZES:
            return basic(full)
        return named(imports.get(pkg_name, pkg_name), name)
    if k == "generic_type":
        return type_from_node(node.child_by_field_name("type"), imports, consts)
    if k == "pointer_type":
        inner = node.named_children[0] if node.named_children else None
        return ptr(type_from_node(inner, imports, consts))
    if k == "slice_type":
        return GoType("slice", elem=type_from_node(node.child_by_field_name("element"), imports, consts))
    if k in ("array_type", "implicit_length_array_type"):
        length_node = node.child_by_field_name("length")
        length = const_int(length_node, consts)
        return GoType("array", length=length, elem=type_from_node(node.child_by_field_name("element"), imports, consts))
    if k == "map_type":
        return GoType(
            "map",
            key=type_from_node(node.child_by_field_name("key"), imports, consts),
            elem=type_from_node(node.child_by_field_name("value"), imports, consts),
        )
    if k == "channel_type":
        return GoType("chan", elem=type_from_node(node.child_by_field_name("value"), imports, consts))
    if k == "function_type":
        return GoType("func", results=_results(node.child_by_field_name("result"), imports))
    if k == "struct_type":
        return GoType("struct", fields=tuple(struct_fields(node, imports, consts)))
    if k == "interface_type":
        return GoType("interface")
    if k == "parenthesized_type":
        return type_from_node(node.named_children[0] if node.named_children else None, imports, consts)
    return UNKNOWN


def struct_fields(struct_node: Node, imports: dict[str, str], consts: dict[str, int] | None = None) -> list[tuple[str, GoType]]:
    """(name, type) of each field; embedded fields are named after their type."""
    out: list[tuple[str, GoType]] = []
    for fl in struct_node.named_children:
        if fl.type != "field_declaration_list":
            continue
        for fd in fl.named_children:
            if fd.type != "field_declaration":
                continue
            t = type_from_node(fd.child_by_field_name("type"), imports, consts)
            names = [text(c) for c in fd.children_by_field_name("name")]
            if not names:  # embedded
                names = [t.deref().name or "?"]
            out.extend((n, t) for n in names)
    return out


def _results(node: Node | None, imports: dict[str, str]) -> tuple[GoType, ...]:
    if node is None:
        return ()
    if node.type != "parameter_list":
        return (type_from_node(node, imports),)
    out: list[GoType] = []
    for p in node.named_children:
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        t = type_from_node(p.child_by_field_name("type"), imports)
        out.extend([t] * max(1, len(p.children_by_field_name("name"))))
    return tuple(out)


def results_of(func_node: Node, imports: dict[str, str]) -> tuple[GoType, ...]:
    return _results(func_node.child_by_field_name("result"), imports)


# --- the standard library, as far as our rules need it -------------------------------

def _p(pkg: str, name: str) -> GoType:
    return ptr(named(pkg, name))


_ERR = basic("error")
_CTX = named("context", "Context")
_CANCEL = named("context", "CancelFunc")
_BYTES = GoType("slice", elem=basic("byte"))

# "pkgpath.Func" -> result types
STDLIB_FUNCS: dict[str, tuple[GoType, ...]] = {
    "context.Background": (_CTX,),
    "context.TODO": (_CTX,),
    "context.WithCancel": (_CTX, _CANCEL),
    "context.WithTimeout": (_CTX, _CANCEL),
    "context.WithDeadline": (_CTX, _CANCEL),
    "context.WithCancelCause": (_CTX, named("context", "CancelCauseFunc")),
    "context.WithTimeoutCause": (_CTX, _CANCEL),
    "context.WithDeadlineCause": (_CTX, _CANCEL),
    "context.WithValue": (_CTX,),
    "context.WithoutCancel": (_CTX,),
    "time.Now": (named("time", "Time"),),
    "time.NewTicker": (_p("time", "Ticker"),),
    "time.NewTimer": (_p("time", "Timer"),),
    "time.AfterFunc": (_p("time", "Timer"),),
    "time.After": (GoType("chan", elem=named("time", "Time")),),
    "time.Tick": (GoType("chan", elem=named("time", "Time")),),
    "net/http.Get": (_p("net/http", "Response"), _ERR),
    "net/http.Post": (_p("net/http", "Response"), _ERR),
    "net/http.PostForm": (_p("net/http", "Response"), _ERR),
    "net/http.Head": (_p("net/http", "Response"), _ERR),
    "net/http.NewRequest": (_p("net/http", "Request"), _ERR),
    "net/http.NewRequestWithContext": (_p("net/http", "Request"), _ERR),
    "database/sql.Open": (_p("database/sql", "DB"), _ERR),
    "os.Open": (_p("os", "File"), _ERR),
    "os.Create": (_p("os", "File"), _ERR),
    "os.OpenFile": (_p("os", "File"), _ERR),
    "os.CreateTemp": (_p("os", "File"), _ERR),
    "os.ReadFile": (_BYTES, _ERR),
    "io.ReadAll": (_BYTES, _ERR),
    "bytes.Clone": (_BYTES,),
    "bytes.NewBuffer": (_p("bytes", "Buffer"),),
    "bytes.NewReader": (_p("bytes", "Reader"),),
    "strings.Clone": (basic("string"),),
    "strings.NewReader": (_p("strings", "Reader"),),
    "net.Dial": (named("net", "Conn"), _ERR),
    "net.DialTimeout": (named("net", "Conn"), _ERR),
    "net.Listen": (named("net", "Listener"), _ERR),
    "bufio.NewReader": (_p("bufio", "Reader"),),
    "bufio.NewWriter": (_p("bufio", "Writer"),),
    "bufio.NewScanner": (_p("bufio", "Scanner"),),
    "errors.New": (_ERR,),
    "fmt.Errorf": (_ERR,),
    "fmt.Sprintf": (basic("string"),),
    "os/exec.Command": (_p("os/exec", "Cmd"),),
    "os/exec.CommandContext": (_p("os/exec", "Cmd"),),
    "context.AfterFunc": (GoType("func", results=(basic("bool"),)),),
}

# "pkgpath.Type.Method" -> result types (receiver pointer-ness is not distinguished)
STDLIB_METHODS: dict[str, tuple[GoType, ...]] = {
    "net/http.Client.Do": (_p("net/http", "Response"), _ERR),
    "net/http.Client.Get": (_p("net/http", "Response"), _ERR),
    "net/http.Client.Post": (_p("net/http", "Response"), _ERR),
    "net/http.Client.Head": (_p("net/http", "Response"), _ERR),
    "net/http.Client.PostForm": (_p("net/http", "Response"), _ERR),
    "net/http.Request.Context": (_CTX,),
    "database/sql.DB.Query": (_p("database/sql", "Rows"), _ERR),
    "database/sql.DB.QueryContext": (_p("database/sql", "Rows"), _ERR),
    "database/sql.DB.Prepare": (_p("database/sql", "Stmt"), _ERR),
    "database/sql.DB.PrepareContext": (_p("database/sql", "Stmt"), _ERR),
    "database/sql.DB.Begin": (_p("database/sql", "Tx"), _ERR),
    "database/sql.DB.BeginTx": (_p("database/sql", "Tx"), _ERR),
    "database/sql.DB.Conn": (_p("database/sql", "Conn"), _ERR),
    "database/sql.Conn.BeginTx": (_p("database/sql", "Tx"), _ERR),
    "database/sql.Tx.Query": (_p("database/sql", "Rows"), _ERR),
    "database/sql.Tx.QueryContext": (_p("database/sql", "Rows"), _ERR),
    "database/sql.Tx.Prepare": (_p("database/sql", "Stmt"), _ERR),
    "database/sql.Stmt.Query": (_p("database/sql", "Rows"), _ERR),
    "database/sql.Stmt.QueryContext": (_p("database/sql", "Rows"), _ERR),
    "net.Listener.Accept": (named("net", "Conn"), _ERR),
    "net.Dialer.Dial": (named("net", "Conn"), _ERR),
    "net.Dialer.DialContext": (named("net", "Conn"), _ERR),
    "bytes.Buffer.Bytes": (_BYTES,),
    "bytes.Buffer.String": (basic("string"),),
    "context.Context.Done": (GoType("chan", elem=GoType("struct")),),
    "time.Ticker.C": (GoType("chan", elem=named("time", "Time")),),
    "sync.Map.Load": (basic("any"), basic("bool")),
    "sync.Map.LoadOrStore": (basic("any"), basic("bool")),
    "sync.Map.LoadAndDelete": (basic("any"), basic("bool")),
    "sync.Map.Swap": (basic("any"), basic("bool")),
}

# Fields of standard-library structs that rules follow.
STDLIB_FIELDS: dict[str, GoType] = {
    "net/http.Response.Body": named("io", "ReadCloser"),
    "net/http.Request.Body": named("io", "ReadCloser"),
    "net/http.Request.URL": _p("net/url", "URL"),
    "net/http.Request.Header": named("net/http", "Header"),
    "time.Ticker.C": GoType("chan", elem=named("time", "Time")),
    "time.Timer.C": GoType("chan", elem=named("time", "Time")),
}

# Approximate sizes (bytes) of standard-library types, and what they own.
STDLIB_SIZES: dict[str, tuple[int, frozenset[str]]] = {
    "sync.Mutex": (8, frozenset()),
    "sync.RWMutex": (24, frozenset()),
    "sync.WaitGroup": (16, frozenset()),
    "sync.Once": (12, frozenset()),
    "sync.Map": (64, frozenset({"map"})),
    "sync.Pool": (64, frozenset({"slice"})),
    "time.Time": (24, frozenset()),
    "time.Duration": (8, frozenset()),
    "bytes.Buffer": (40, frozenset({"slice"})),
    "strings.Builder": (32, frozenset({"slice"})),
    "net/http.Request": (248, frozenset({"map", "string", "slice"})),
    "net/http.Response": (160, frozenset({"map", "string", "slice"})),
    "net/http.Header": (8, frozenset({"map"})),
    "context.Context": (16, frozenset()),
}

"""The light resolver: names, scopes, types and size estimates."""

from __future__ import annotations

import os
import textwrap

from goretain.analysis import packages_of, read_files
from goretain.source.loader import load
from goretain.source.package import Package
from goretain.source.syntax import descendants, text

SRC = textwrap.dedent('''
    package p

    import (
        "context"
        h "net/http"
        "sync"
    )

    const N = 4

    type Big struct {
        ID   string
        Buf  [N * 0 + 4096]byte
        Tags map[string]int
        sync.Mutex
    }

    type Small struct{ A, B int32 }

    type Holder struct {
        byPtr map[*Big]bool
        inner Small
    }

    var (
        global = map[*Big]int{}
        holder = &Holder{byPtr: map[*Big]bool{}}
        arr    [N]Small
    )

    func NewBig() *Big { return &Big{} }

    func (b *Big) Name() string { return b.ID }

    func use(r *h.Request, items []Small, ch chan *Big) {
        b := NewBig()
        n := b.Name()
        ctx, cancel := context.WithCancel(r.Context())
        resp, err := h.Get("x")
        v, ok := global[b]
        for i, it := range items {
            _ = it
            _ = i
        }
        for x := range ch {
            _ = x
        }
        s := make([]byte, 0, 10)
        sub := s[1:2]
        p := new(Small)
        m := holder.byPtr
        q := holder.inner.A
        if b := 3; b > 0 {
            _ = b
        }
        _ = b
        func() {
            shadow := b
            _ = shadow
        }()
        _, _, _, _, _, _, _, _, _, _, _, _ = n, ctx, cancel, resp, err, v, ok, sub, p, m, q, arr
    }
''')


def _pkg(tmp_path: object) -> Package:
    d = os.path.join(str(tmp_path), "p")
    os.makedirs(d)
    with open(os.path.join(d, "p.go"), "w", encoding="utf-8") as fh:
        fh.write(SRC)
    spec = load([d])[0]
    files, errors, _ = read_files(spec)
    assert not errors
    return packages_of(spec, files)[0]


def _types_of_last_use(pkg: Package) -> dict[str, str]:
    """Type of each identifier at its last use in the file (the big `_, _ = ...` line)."""
    out: dict[str, str] = {}
    for ident in descendants(pkg.files[0].root, "identifier"):
        out[text(ident)] = str(pkg.type_of(ident))
    return out


def test_types_of_locals(tmp_path: object) -> None:
    pkg = _pkg(tmp_path)
    t = _types_of_last_use(pkg)
    assert t["n"] == "string"
    assert t["ctx"] == "context.Context"
    assert t["cancel"] == "context.CancelFunc"
    assert t["resp"] == "*http.Response"
    assert t["err"] == "error"
    assert t["v"] == "int" and t["ok"] == "bool"
    assert t["sub"] == "[]byte"
    assert t["p"] == "*Small"
    assert t["m"] == "map[*Big]bool"
    assert t["q"] == "int32"
    assert t["arr"] == "[4]Small"
    assert t["x"] == "*Big"
    assert t["it"] == "Small" and t["i"] == "int"


def test_shadowing_and_closures(tmp_path: object) -> None:
    pkg = _pkg(tmp_path)
    idents = [i for i in descendants(pkg.files[0].root, "identifier") if text(i) == "b"]
    decls = {id(pkg.resolve(i)) for i in idents}
    # b := NewBig(), the `if b := 3` shadow, the method receiver b: three bindings.
    assert len(decls) == 3
    shadow = next(i for i in descendants(pkg.files[0].root, "identifier") if text(i) == "shadow")
    assert str(pkg.type_of(shadow)) == "*Big"  # closure sees the outer b


def test_package_level_and_sizes(tmp_path: object) -> None:
    pkg = _pkg(tmp_path)
    assert set(pkg.vars) == {"global", "holder", "arr"}
    assert str(pkg.var_type(pkg.vars["holder"])) == "*Holder"
    assert "Name" in pkg.methods["Big"]
    big = pkg.size_of(pkg.vars["global"] and pkg.var_type(pkg.vars["global"]).key.deref())
    assert big.bytes >= 4096 and "map" in big.owns and "string" in big.owns
    assert pkg.size_of(pkg.underlying(pkg.var_type(pkg.vars["holder"]).deref())).bytes == 16


def test_types_from_other_packages_of_the_module(tmp_path: object) -> None:
    root = str(tmp_path)
    files = {
        "go.mod": "module example.com/m\n\ngo 1.22\n",
        "store/store.go": "package store\n\ntype Blob struct {\n\tData [1 << 16]byte\n\tName string\n}\n\n"
                          "func New() *Blob { return &Blob{} }\n\nvar Default = New()\n",
        "api/api.go": 'package api\n\nimport st "example.com/m/store"\n\nfunc f() {\n\tb := st.New()\n\t'
                      "d := st.Default\n\tn := b.Name\n\t_, _ = d, n\n}\n",
    }
    for rel, content in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(content)
    spec = load([os.path.join(root, "api")])[0]
    pkg = packages_of(spec, read_files(spec)[0])[0]
    t = _types_of_last_use(pkg)
    assert t["b"] == "*store.Blob" and t["d"] == "*store.Blob" and t["n"] == "string"
    b = next(i for i in descendants(pkg.files[0].root, "identifier") if text(i) == "b")
    assert pkg.size_of(pkg.type_of(b).deref()).bytes >= 1 << 16


def test_type_declared_per_platform_is_not_guessed(tmp_path: object) -> None:
    d = os.path.join(str(tmp_path), "q")
    os.makedirs(d)
    for name, body in {"fd_unix.go": "type netFD struct{ buf [8192]byte }", "fd_fake.go": "type netFD struct{ peer *netFD }"}.items():
        with open(os.path.join(d, name), "w", encoding="utf-8") as fh:
            fh.write(f"package q\n\n{body}\n\nvar x *netFD\n" if name == "fd_unix.go" else f"package q\n\n{body}\n")
    spec = load([d])[0]
    pkg = packages_of(spec, read_files(spec)[0])[0]
    t = pkg.var_type(pkg.vars["x"]).deref()
    assert pkg.underlying(t) == t and pkg.size_of(t).bytes == 0

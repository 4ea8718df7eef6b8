package gr501

import (
	"os"
	"runtime"
)

type Handle struct {
	f   *os.File
	buf []byte
}

type Node struct {
	next *Node
	data []byte
}

type Res struct {
	fd   int
	meta struct{ name string }
}

func captured(f *os.File) *Handle {
	h := &Handle{f: f}
	runtime.SetFinalizer(h, func(_ *Handle) { h.f.Close() }) // want "GR501"
	return h
}

func cyclic(head *Node) *Node {
	n := &Node{next: head}
	runtime.SetFinalizer(n, func(n *Node) { n.data = nil }) // want "GR501"
	return n
}

// Loop can point to another Loop, but the package only ever points one at itself: a
// self-reference is no cycle for the collector, so the finalizer runs.
type Loop struct {
	self *Loop
	data []byte
}

func selfLoop() *Loop {
	l := &Loop{}
	l.self = l
	runtime.SetFinalizer(l, func(l *Loop) { l.data = nil })
	return l
}

func cleanupSelf() *Res {
	r := &Res{}
	runtime.AddCleanup(r, func(r *Res) { _ = r.fd }, r) // want "GR501"
	return r
}

func cleanupInterior() *Res {
	r := &Res{}
	runtime.AddCleanup(r, func(m *struct{ name string }) {}, &r.meta) // want "GR501"
	return r
}

func cleanupCaptures() *Res {
	r := &Res{}
	runtime.AddCleanup(r, func(int) { _ = r.fd }, 0) // want "GR501"
	return r
}

// --- negatives ---

func usesParam(f *os.File) *Handle {
	h := &Handle{f: f}
	runtime.SetFinalizer(h, func(h *Handle) { h.f.Close() })
	return h
}

func namedFinalizer(f *os.File) *Handle {
	h := &Handle{f: f}
	runtime.SetFinalizer(h, (*Handle).close)
	return h
}

func (h *Handle) close() { h.f.Close() }

func cleanupField() *Res {
	r := &Res{fd: 3}
	runtime.AddCleanup(r, func(fd int) { _ = fd }, r.fd)
	return r
}

func clearFinalizer(h *Handle) {
	runtime.SetFinalizer(h, nil)
}

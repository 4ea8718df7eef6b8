package relay

import (
	"context"
	"io"
	"net"
)

type Relay struct {
	life context.Context // the server's lifetime
}

func (r *Relay) copy(dst, src net.Conn) {
	unregister := context.AfterFunc(r.life, func() { // want "GR302"
		dst.Close()
	})
	_ = unregister
	_, _ = io.Copy(dst, src)
	dst.Close()
}

func (r *Relay) Serve(a, b net.Conn) {
	go r.copy(a, b)
	r.copy(b, a)
}

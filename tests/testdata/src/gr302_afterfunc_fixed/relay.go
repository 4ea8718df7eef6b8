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
	unregister := context.AfterFunc(r.life, func() {
		dst.Close()
	})
	defer unregister()
	_, _ = io.Copy(dst, src)
	dst.Close()
}

// watch derives from a request context: it ends with the request.
func (r *Relay) watch(ctx context.Context, c net.Conn) {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	_ = stop
	_, _ = io.Copy(io.Discard, c)
}

func (r *Relay) Serve(a, b net.Conn) {
	go r.copy(a, b)
	r.copy(b, a)
	r.watch(context.Background(), a)
}

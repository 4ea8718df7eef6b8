package polldrain

// Rows are pushed into a buffer; the consumer only ever drains one value when it closes.
type rowChannel struct {
	data chan int
}

func (rc *rowChannel) init(n int) { rc.data = make(chan int, n) }

func (rc *rowChannel) push(v int) {
	rc.data <- v // want "GR202"
}

func (rc *rowChannel) consumerClosed() {
	select {
	case <-rc.data:
	default:
	}
}

// Fixed twin: a consumer goroutine drains in a loop until the producer closes.
type goodRowChannel struct {
	data chan int
}

func (rc *goodRowChannel) init(n int) {
	rc.data = make(chan int, n)
	go rc.consume()
}

func (rc *goodRowChannel) push(v int) { rc.data <- v }

func (rc *goodRowChannel) producerDone() { close(rc.data) }

func (rc *goodRowChannel) consume() {
	for v := range rc.data {
		_ = v
	}
}

func (rc *goodRowChannel) consumerClosed() {
	select {
	case <-rc.data:
	default:
	}
}

// A polling loop drains continuously: not a one-off.
type ticker struct {
	c    chan int
	stop chan struct{}
}

func newTicker() *ticker {
	t := &ticker{c: make(chan int, 1), stop: make(chan struct{})}
	go func() {
		for {
			select {
			case <-t.stop:
				return
			default:
			}
			select {
			case <-t.c:
			default:
			}
		}
	}()
	return t
}

func (t *ticker) tick() { t.c <- 1 }

func (t *ticker) close() { close(t.stop) }

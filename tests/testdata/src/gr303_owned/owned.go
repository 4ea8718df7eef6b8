package gr303_owned

import (
	"errors"
	"log"
	"time"
)

var errTimeout = errors.New("timeout")

// A ticker kept in a struct field (composite literal) that nothing ever stops.
type sampler struct {
	ticker *time.Ticker
	quit   chan struct{}
}

func startSampler(every time.Duration) *sampler {
	s := &sampler{ticker: time.NewTicker(every), quit: make(chan struct{})} // want "GR303"
	go s.loop()
	return s
}

func (s *sampler) loop() {
	for {
		select {
		case <-s.ticker.C:
			log.Print("sample")
		case <-s.quit:
			return
		}
	}
}

func (s *sampler) Stop() { close(s.quit) }

// The same through an assignment, and through a local handed to a literal.
type pinger struct {
	tick *time.Ticker
	beat *time.Ticker
}

func (p *pinger) start(d time.Duration) {
	p.tick = time.NewTicker(d) // want "GR303"
}

func newPinger(d time.Duration) *pinger {
	t := time.NewTicker(d) // want "GR303"
	return &pinger{beat: t}
}

func (p *pinger) wait() {
	<-p.tick.C
	<-p.beat.C
}

// A ticker used only by a goroutine that never stops it.
type session struct {
	done chan struct{}
	ping func() error
}

func (s *session) keepalive(every time.Duration) {
	t := time.NewTicker(every) // want "GR303"
	go func() {
		for {
			select {
			case <-t.C:
				if err := s.ping(); err != nil {
					log.Print(err)
					return
				}
			case <-s.done:
				return
			}
		}
	}()
}

// A per-call timer the select does not fire when the reply wins.
func invoke(reply <-chan []byte, timeout time.Duration) ([]byte, error) {
	timer := time.NewTimer(timeout) // want "GR303"
	select {
	case rep := <-reply:
		return rep, nil
	case <-timer.C:
		return nil, errTimeout
	}
}

// Stopped on one path only.
func invokeOrQuit(reply <-chan []byte, quit <-chan struct{}, timeout time.Duration) ([]byte, error) {
	timer := time.NewTimer(timeout) // want "GR303"
	select {
	case rep := <-reply:
		timer.Stop()
		return rep, nil
	case <-quit:
		return nil, nil
	case <-timer.C:
		return nil, errTimeout
	}
}

// --- negatives ---

// Waited out: the timer fires, nothing is left to stop.
func sleepish(d time.Duration) {
	t := time.NewTimer(d)
	<-t.C
}

// An exported field: importers may stop it.
type Clock struct {
	Ticker *time.Ticker
}

func NewClock(d time.Duration) *Clock { return &Clock{Ticker: time.NewTicker(d)} }

// An AfterFunc watchdog stopped on success only: on the error path it still fires later.
type conn struct {
	write func([]byte) error
	kill  func()
}

func (c *conn) writeFrame(frame []byte, idle time.Duration) error {
	t := time.AfterFunc(idle, func() { c.kill() }) // want "GR303"
	if err := c.write(frame); err != nil {
		return err
	}
	t.Stop()
	return nil
}

// Never stopped anywhere: a fire-and-forget timer, by design.
func (c *conn) killLater(d time.Duration) *conn {
	t := time.AfterFunc(d, c.kill)
	_ = t
	return c
}

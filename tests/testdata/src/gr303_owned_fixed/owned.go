package gr303_owned_fixed

import (
	"errors"
	"log"
	"time"
)

var errTimeout = errors.New("timeout")

type sampler struct {
	ticker *time.Ticker
	quit   chan struct{}
}

func startSampler(every time.Duration) *sampler {
	s := &sampler{ticker: time.NewTicker(every), quit: make(chan struct{})}
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

func (s *sampler) Stop() {
	s.ticker.Stop()
	close(s.quit)
}

type pinger struct {
	tick *time.Ticker
	beat *time.Ticker
}

func (p *pinger) start(d time.Duration) {
	p.tick = time.NewTicker(d)
}

func newPinger(d time.Duration) *pinger {
	t := time.NewTicker(d)
	return &pinger{beat: t}
}

func (p *pinger) wait() {
	<-p.tick.C
	<-p.beat.C
}

func (p *pinger) close() {
	p.tick.Stop()
	p.beat.Stop()
}

type session struct {
	done chan struct{}
	ping func() error
}

func (s *session) keepalive(every time.Duration) {
	t := time.NewTicker(every)
	go func() {
		defer t.Stop()
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

func invoke(reply <-chan []byte, timeout time.Duration) ([]byte, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case rep := <-reply:
		return rep, nil
	case <-timer.C:
		return nil, errTimeout
	}
}

func invokeOrQuit(reply <-chan []byte, quit <-chan struct{}, timeout time.Duration) ([]byte, error) {
	timer := time.NewTimer(timeout)
	select {
	case rep := <-reply:
		timer.Stop()
		return rep, nil
	case <-quit:
		timer.Stop()
		return nil, nil
	case <-timer.C:
		return nil, errTimeout
	}
}

// Every path after the select either fired or stopped the timer.
func firstOf(reply <-chan []byte, timeout time.Duration) []byte {
	timer := time.NewTimer(timeout)
	var out []byte
	select {
	case <-timer.C:
	case out = <-reply:
		timer.Stop()
	}
	return out
}

type conn struct {
	write func([]byte) error
	kill  func()
}

func (c *conn) writeFrame(frame []byte, idle time.Duration) error {
	t := time.AfterFunc(idle, func() { c.kill() })
	defer t.Stop()
	return c.write(frame)
}

package retry

import (
	"sync"
	"time"
)

type Scheduler struct {
	mu     sync.Mutex
	timers map[string]*time.Timer
	every  time.Duration
	fire   func(string)
}

func NewScheduler(every time.Duration, fire func(string)) *Scheduler {
	return &Scheduler{timers: map[string]*time.Timer{}, every: every, fire: fire}
}

func (s *Scheduler) Arm(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timers[key] = time.AfterFunc(s.every, func() {
		s.fire(key)
		s.Arm(key)
	})
}

func (s *Scheduler) Disarm(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.timers[key]; ok {
		delete(s.timers, key) // want "GR303"
	}
}

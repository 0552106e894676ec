// Package settings reads the service's settings from the environment.
package settings

import (
	"os"
	"strconv"
	"sync"
	"time"
)

// Current holds the settings main parsed; the rest of the program reads
// them through its getters.
var Current *Settings

// Settings are the parsed settings.
type Settings struct {
	mu       sync.RWMutex
	siteName string
	maxNotes int
	timeout  time.Duration
}

// Load parses the environment.
func Load() (*Settings, error) {
	s := &Settings{siteName: "notes", maxNotes: 100, timeout: 5 * time.Second}
	if v := os.Getenv("SITE_NAME"); v != "" {
		s.siteName = v
	}
	if v := os.Getenv("MAX_NOTES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, err
		}
		s.maxNotes = n
	}
	return s, nil
}

// SiteName is the name pages show.
func (s *Settings) SiteName() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.siteName
}

// MaxNotes is how many notes a user may keep.
func (s *Settings) MaxNotes() int { return s.maxNotes }

// Timeout bounds a request.
func (s *Settings) Timeout() time.Duration { return s.timeout }

package users_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/users"
)

var (
	start = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	home  = users.Address{Name: "Ada Lovelace", Line1: "Main St 1", City: "Berlin", PostalCode: "10115", Country: "DE"}
)

func newService(t *testing.T) (*users.Service, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(start)
	return users.NewService(users.NewMemoryStore(), clk, ids.NewSequence(),
		users.WithHashIterations(1000), users.WithTokenTTL(time.Hour)), clk
}

func register(t *testing.T, s *users.Service, email string) users.User {
	t.Helper()
	u, err := s.Register(t.Context(), users.Registration{Email: email, Name: "Ada", Password: "correct horse", Address: home})
	if err != nil {
		t.Fatalf("Register(%q): %v", email, err)
	}
	return u
}

func TestRegister(t *testing.T) {
	s, _ := newService(t)
	u := register(t, s, " Ada@Example.COM ")
	want := users.User{ID: "usr_000001", Email: "ada@example.com", Name: "Ada", Address: home, CreatedAt: start}
	if u != want {
		t.Errorf("Register = %+v; want %+v", u, want)
	}
	got, err := s.Get(t.Context(), u.ID)
	if err != nil || got != want {
		t.Errorf("Get(%q) = %+v, %v; want %+v", u.ID, got, err, want)
	}
}

func TestRegisterInvalid(t *testing.T) {
	tests := []struct {
		name string
		reg  users.Registration
	}{
		{"bad email", users.Registration{Email: "not-an-email", Name: "A", Password: "long enough"}},
		{"display name in email", users.Registration{Email: "Ada <ada@example.com>", Name: "A", Password: "long enough"}},
		{"no name", users.Registration{Email: "a@example.com", Name: "  ", Password: "long enough"}},
		{"short password", users.Registration{Email: "a@example.com", Name: "A", Password: "short"}},
		{"partial address", users.Registration{Email: "a@example.com", Name: "A", Password: "long enough",
			Address: users.Address{City: "Berlin"}}},
		{"long country", users.Registration{Email: "a@example.com", Name: "A", Password: "long enough",
			Address: users.Address{Name: "A", Line1: "x", City: "y", PostalCode: "1", Country: "DEU"}}},
	}
	s, _ := newService(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Register(t.Context(), tt.reg); !errors.Is(err, users.ErrInvalid) {
				t.Errorf("Register: %v; want ErrInvalid", err)
			}
		})
	}
}

func TestRegisterDuplicateEmail(t *testing.T) {
	s, _ := newService(t)
	register(t, s, "ada@example.com")
	_, err := s.Register(t.Context(), users.Registration{Email: "ADA@example.com", Name: "Other", Password: "long enough"})
	if !errors.Is(err, users.ErrEmailTaken) {
		t.Errorf("second Register: %v; want ErrEmailTaken", err)
	}
}

func TestLoginAndAuthenticate(t *testing.T) {
	s, _ := newService(t)
	u := register(t, s, "ada@example.com")
	sess, err := s.Login(t.Context(), "ADA@example.com", "correct horse")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if sess.User != u || !sess.ExpiresAt.Equal(start.Add(time.Hour)) {
		t.Errorf("Login = %+v; want session of %+v expiring in an hour", sess, u)
	}
	got, err := s.Authenticate(t.Context(), sess.Token)
	if err != nil || got != u {
		t.Errorf("Authenticate = %+v, %v; want %+v", got, err, u)
	}
}

func TestLoginBadCredentials(t *testing.T) {
	s, _ := newService(t)
	register(t, s, "ada@example.com")
	for _, c := range []struct{ email, password string }{
		{"ada@example.com", "wrong horse"},
		{"bob@example.com", "correct horse"},
		{"garbage", "correct horse"},
	} {
		if _, err := s.Login(t.Context(), c.email, c.password); !errors.Is(err, users.ErrBadCredentials) {
			t.Errorf("Login(%q, %q): %v; want ErrBadCredentials", c.email, c.password, err)
		}
	}
}

func TestAuthenticateExpired(t *testing.T) {
	s, clk := newService(t)
	u := register(t, s, "ada@example.com")
	sess, err := s.StartSession(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(59 * time.Minute)
	if _, err := s.Authenticate(t.Context(), sess.Token); err != nil {
		t.Fatalf("Authenticate before expiry: %v", err)
	}
	clk.Advance(time.Minute)
	if _, err := s.Authenticate(t.Context(), sess.Token); !errors.Is(err, users.ErrUnauthenticated) {
		t.Errorf("Authenticate at expiry: %v; want ErrUnauthenticated", err)
	}
	for _, tok := range []string{"", "tok_unknown"} {
		if _, err := s.Authenticate(t.Context(), tok); !errors.Is(err, users.ErrUnauthenticated) {
			t.Errorf("Authenticate(%q): %v; want ErrUnauthenticated", tok, err)
		}
	}
}

func TestGetNotFound(t *testing.T) {
	s, _ := newService(t)
	if _, err := s.Get(context.Background(), "usr_missing"); !errors.Is(err, users.ErrNotFound) {
		t.Errorf("Get: %v; want ErrNotFound", err)
	}
	if _, err := s.StartSession(t.Context(), "usr_missing"); !errors.Is(err, users.ErrNotFound) {
		t.Errorf("StartSession: %v; want ErrNotFound", err)
	}
}

func TestUpdateAddress(t *testing.T) {
	s, _ := newService(t)
	u := register(t, s, "ada@example.com")
	moved := users.Address{Name: "Ada Lovelace", Line1: "Rue de Rivoli 5", City: "Paris", PostalCode: "75001", Country: "FR"}
	got, err := s.UpdateAddress(t.Context(), u.ID, moved)
	if err != nil || got.Address != moved {
		t.Fatalf("UpdateAddress = %+v, %v; want address %+v", got, err, moved)
	}
	if again, _ := s.Get(t.Context(), u.ID); again.Address != moved {
		t.Errorf("stored address = %+v; want %+v", again.Address, moved)
	}
	if _, err := s.UpdateAddress(t.Context(), u.ID, users.Address{}); !errors.Is(err, users.ErrInvalid) {
		t.Errorf("UpdateAddress(empty): %v; want ErrInvalid", err)
	}
	if _, err := s.UpdateAddress(t.Context(), "usr_missing", moved); !errors.Is(err, users.ErrNotFound) {
		t.Errorf("UpdateAddress(unknown user): %v; want ErrNotFound", err)
	}
}

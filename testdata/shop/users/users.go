// Package users manages shop customers: registration, passwords, sessions
// and the default delivery address.
package users

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
)

// Errors returned by the service. Callers compare with errors.Is.
var (
	ErrNotFound        = errors.New("user not found")
	ErrEmailTaken      = errors.New("email already registered")
	ErrInvalid         = errors.New("invalid user data")
	ErrBadCredentials  = errors.New("wrong email or password")
	ErrUnauthenticated = errors.New("session invalid or expired")
)

// MinPasswordLen is the shortest password Register accepts.
const MinPasswordLen = 8

// Address is a postal address.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2, e.g. "DE"
}

// Validate reports what is missing from a, wrapping ErrInvalid.
func (a Address) Validate() error {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"name", a.Name}, {"line1", a.Line1}, {"city", a.City},
		{"postal_code", a.PostalCode}, {"country", a.Country},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: address: missing %s", ErrInvalid, strings.Join(missing, ", "))
	}
	if len(a.Country) != 2 {
		return fmt.Errorf("%w: address: country must be a two-letter code", ErrInvalid)
	}
	return nil
}

// User is a registered customer as the rest of the shop sees them.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Address   Address   `json:"address"`
	CreatedAt time.Time `json:"created_at"`
}

// Account is a User with its credentials, as stored.
type Account struct {
	User
	PasswordHash []byte
	Salt         []byte
}

// Registration is what a new customer submits.
type Registration struct {
	Email    string  `json:"email"`
	Name     string  `json:"name"`
	Password string  `json:"password"`
	Address  Address `json:"address"`
}

// Session is a signed-in user and the bearer token that identifies them.
type Session struct {
	Token     string    `json:"token"`
	User      User      `json:"user"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Service registers users and checks their credentials.
type Service struct {
	store      Store
	clock      clock.Clock
	ids        ids.Generator
	iterations int
	tokenTTL   time.Duration
}

// Option configures a Service.
type Option func(*Service)

// WithHashIterations sets the PBKDF2 iteration count for new password
// hashes. Tests use a small count to stay fast.
func WithHashIterations(n int) Option {
	return func(s *Service) { s.iterations = n }
}

// WithTokenTTL sets how long a session token is valid.
func WithTokenTTL(d time.Duration) Option {
	return func(s *Service) { s.tokenTTL = d }
}

// NewService returns a Service keeping accounts in store.
func NewService(store Store, clk clock.Clock, gen ids.Generator, opts ...Option) *Service {
	s := &Service{store: store, clock: clk, ids: gen, iterations: 200_000, tokenTTL: 30 * 24 * time.Hour}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Register creates an account and returns the new user.
func (s *Service) Register(ctx context.Context, r Registration) (User, error) {
	email, err := normalizeEmail(r.Email)
	if err != nil {
		return User{}, err
	}
	name := strings.TrimSpace(r.Name)
	if name == "" {
		return User{}, fmt.Errorf("%w: name is required", ErrInvalid)
	}
	if len(r.Password) < MinPasswordLen {
		return User{}, fmt.Errorf("%w: password must have at least %d characters", ErrInvalid, MinPasswordLen)
	}
	if r.Address != (Address{}) {
		if err := r.Address.Validate(); err != nil {
			return User{}, err
		}
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	hash, err := s.hash(r.Password, salt, s.iterations)
	if err != nil {
		return User{}, fmt.Errorf("register: %w", err)
	}
	acct := Account{
		User: User{
			ID:        s.ids.New("usr"),
			Email:     email,
			Name:      name,
			Address:   r.Address,
			CreatedAt: s.clock.Now(),
		},
		PasswordHash: hash,
		Salt:         salt,
	}
	if err := s.store.Create(ctx, acct); err != nil {
		return User{}, fmt.Errorf("register %s: %w", email, err)
	}
	return acct.User, nil
}

// Login checks an email and password and opens a session.
func (s *Service) Login(ctx context.Context, email, password string) (Session, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return Session{}, ErrBadCredentials
	}
	acct, err := s.store.ByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return Session{}, ErrBadCredentials
	}
	if err != nil {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	hash, err := s.hash(password, acct.Salt, s.iterations)
	if err != nil {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	if subtle.ConstantTimeCompare(hash, acct.PasswordHash) != 1 {
		return Session{}, ErrBadCredentials
	}
	return s.openSession(ctx, acct.User)
}

// StartSession opens a session for a user who has just registered.
func (s *Service) StartSession(ctx context.Context, userID string) (Session, error) {
	u, err := s.Get(ctx, userID)
	if err != nil {
		return Session{}, err
	}
	return s.openSession(ctx, u)
}

func (s *Service) openSession(ctx context.Context, u User) (Session, error) {
	sess := Session{
		Token:     s.ids.New("tok"),
		User:      u,
		ExpiresAt: s.clock.Now().Add(s.tokenTTL),
	}
	if err := s.store.SaveToken(ctx, sess.Token, u.ID, sess.ExpiresAt); err != nil {
		return Session{}, fmt.Errorf("open session: %w", err)
	}
	return sess, nil
}

// Authenticate returns the user a bearer token belongs to, or
// ErrUnauthenticated if the token is unknown or has expired.
func (s *Service) Authenticate(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, ErrUnauthenticated
	}
	userID, expires, err := s.store.TokenUser(ctx, token)
	if errors.Is(err, ErrNotFound) {
		return User{}, ErrUnauthenticated
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if !s.clock.Now().Before(expires) {
		return User{}, ErrUnauthenticated
	}
	return s.Get(ctx, userID)
}

// Get returns the user with the given ID.
func (s *Service) Get(ctx context.Context, id string) (User, error) {
	acct, err := s.store.Get(ctx, id)
	if err != nil {
		return User{}, fmt.Errorf("get user %s: %w", id, err)
	}
	return acct.User, nil
}

// UpdateAddress replaces a user's default delivery address.
func (s *Service) UpdateAddress(ctx context.Context, id string, addr Address) (User, error) {
	if err := addr.Validate(); err != nil {
		return User{}, err
	}
	acct, err := s.store.Get(ctx, id)
	if err != nil {
		return User{}, fmt.Errorf("update address of %s: %w", id, err)
	}
	acct.Address = addr
	if err := s.store.Update(ctx, acct); err != nil {
		return User{}, fmt.Errorf("update address of %s: %w", id, err)
	}
	return acct.User, nil
}

func (s *Service) hash(password string, salt []byte, iterations int) ([]byte, error) {
	return pbkdf2.Key(sha256.New, password, salt, iterations, 32)
}

func normalizeEmail(raw string) (string, error) {
	addr, err := mail.ParseAddress(strings.TrimSpace(raw))
	if err != nil || addr.Name != "" {
		return "", fmt.Errorf("%w: email %q is not an address", ErrInvalid, raw)
	}
	return strings.ToLower(addr.Address), nil
}

// Package api is the shop's HTTP JSON API. It authenticates requests,
// decodes them, calls the domain services and maps their errors to HTTP
// status codes. It holds no business rules of its own.
package api

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"example.com/shop/cart"
	"example.com/shop/catalog"
	"example.com/shop/inventory"
	"example.com/shop/notifications"
	"example.com/shop/orders"
	"example.com/shop/payments"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

// AdminKeyHeader carries the key that unlocks the /v1/admin endpoints.
const AdminKeyHeader = "X-Admin-Key"

// Deps are the services behind the API.
type Deps struct {
	Users         *users.Service
	Catalog       *catalog.Service
	Stock         *inventory.Service
	Carts         *cart.Service
	Orders        *orders.Service
	Payments      *payments.Service
	Shipping      *shipping.Service
	Notifications *notifications.Service
	Reminder      *cart.Reminder
	// AdminKey unlocks the admin endpoints; empty disables them.
	AdminKey string
	Log      *slog.Logger
}

// Server serves the API.
type Server struct {
	users    *users.Service
	catalog  *catalog.Service
	stock    *inventory.Service
	carts    *cart.Service
	orders   *orders.Service
	payments *payments.Service
	shipping *shipping.Service
	notify   *notifications.Service
	reminder *cart.Reminder
	adminKey string
	log      *slog.Logger
}

// New returns a Server over the given services.
func New(d Deps) *Server {
	return &Server{
		users:    d.Users,
		catalog:  d.Catalog,
		stock:    d.Stock,
		carts:    d.Carts,
		orders:   d.Orders,
		payments: d.Payments,
		shipping: d.Shipping,
		notify:   d.Notifications,
		reminder: d.Reminder,
		adminKey: d.AdminKey,
		log:      d.Log,
	}
}

// Handler returns the API's routes, wrapped in logging and panic recovery.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)

	mux.HandleFunc("POST /v1/users", s.register)
	mux.HandleFunc("POST /v1/sessions", s.login)
	mux.HandleFunc("GET /v1/me", s.authed(s.me))
	mux.HandleFunc("PUT /v1/me/address", s.authed(s.updateAddress))

	mux.HandleFunc("GET /v1/products", s.searchProducts)
	mux.HandleFunc("GET /v1/products/{ref}", s.getProduct)

	mux.HandleFunc("GET /v1/cart", s.authed(s.getCart))
	mux.HandleFunc("DELETE /v1/cart", s.authed(s.clearCart))
	mux.HandleFunc("POST /v1/cart/items", s.authed(s.addToCart))
	mux.HandleFunc("PUT /v1/cart/items/{product}", s.authed(s.setCartQuantity))
	mux.HandleFunc("DELETE /v1/cart/items/{product}", s.authed(s.removeFromCart))

	mux.HandleFunc("POST /v1/orders", s.authed(s.checkout))
	mux.HandleFunc("GET /v1/orders", s.authed(s.listOrders))
	mux.HandleFunc("GET /v1/orders/{id}", s.authed(s.getOrder))
	mux.HandleFunc("POST /v1/orders/{id}/cancel", s.authed(s.cancelOrder))
	mux.HandleFunc("GET /v1/orders/{id}/shipment", s.authed(s.getShipment))

	mux.HandleFunc("GET /v1/notifications", s.authed(s.listNotifications))

	mux.HandleFunc("POST /v1/admin/products", s.admin(s.createProduct))
	mux.HandleFunc("PATCH /v1/admin/products/{id}", s.admin(s.updateProduct))
	mux.HandleFunc("GET /v1/admin/stock/{product}", s.admin(s.getStock))
	mux.HandleFunc("PUT /v1/admin/stock/{product}", s.admin(s.setStock))
	mux.HandleFunc("GET /v1/admin/payments/{id}", s.admin(s.getPayment))
	mux.HandleFunc("POST /v1/admin/shipping/dispatch", s.admin(s.dispatch))
	mux.HandleFunc("POST /v1/admin/carts/remind", s.admin(s.remindCarts))

	return s.recover(s.logRequests(mux))
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// userHandler handles a request of a signed-in user.
type userHandler func(w http.ResponseWriter, r *http.Request, u users.User)

// authed resolves the bearer token of a request to its user.
func (s *Server) authed(h userHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			s.fail(w, r, users.ErrUnauthenticated)
			return
		}
		u, err := s.users.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, u)
	}
}

// admin lets through requests carrying the admin key.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(AdminKeyHeader)
		if s.adminKey == "" || subtle.ConstantTimeCompare([]byte(key), []byte(s.adminKey)) != 1 {
			writeError(w, http.StatusForbidden, "forbidden", "admin key required")
			return
		}
		h(w, r)
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.DebugContext(r.Context(), "request",
			"method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
	})
}

func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic serving request", "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, "internal", "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

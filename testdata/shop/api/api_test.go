package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/shop/catalog"
	"example.com/shop/inventory"
	"example.com/shop/orders"
	"example.com/shop/page"
	"example.com/shop/payments"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

func quiet() *Server {
	return &Server{log: slog.New(slog.DiscardHandler)}
}

func TestFailMapsErrors(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("get user usr_1: %w", users.ErrNotFound), http.StatusNotFound, "not_found"},
		{fmt.Errorf("checkout: charge for ord_1: %w: issuer declined", payments.ErrDeclined), http.StatusPaymentRequired, "payment_declined"},
		{fmt.Errorf("checkout: reserve: %w", &inventory.StockError{ProductID: "p", Requested: 2, Available: 1}), http.StatusConflict, "out_of_stock"},
		{fmt.Errorf("cancel: %w: %w", orders.ErrNotCancellable, shipping.ErrAlreadyDispatched), http.StatusConflict, "not_cancellable"},
		{errors.Join(fmt.Errorf("checkout: %w", shipping.ErrUndeliverable), nil), http.StatusUnprocessableEntity, "undeliverable"},
		{catalog.ErrDuplicateSKU, http.StatusConflict, "duplicate_sku"},
		{errors.New("disk on fire"), http.StatusInternalServerError, "internal"},
	}
	s := quiet()
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		s.fail(rec, httptest.NewRequest("GET", "/", nil), tt.err)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), `"code": "`+tt.code+`"`) {
			t.Errorf("fail(%v) = %d %s; want %d %s", tt.err, rec.Code, rec.Body, tt.status, tt.code)
		}
	}
}

func TestInternalErrorsAreNotLeaked(t *testing.T) {
	rec := httptest.NewRecorder()
	quiet().fail(rec, httptest.NewRequest("GET", "/", nil), errors.New("password=hunter2"))
	if strings.Contains(rec.Body.String(), "hunter2") {
		t.Errorf("internal error text leaked: %s", rec.Body)
	}
}

func TestSearchQuery(t *testing.T) {
	r := httptest.NewRequest("GET", "/v1/products?q=moka+pot&category=equipment&tag=a&tag=b&attr=cups:6&attr=material:steel&min_price=10.5&max_price=40&sort=price_asc&page=2&per_page=5", nil)
	q, err := searchQuery(r)
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "moka pot" || q.Category != "equipment" || strings.Join(q.Tags, ",") != "a,b" ||
		q.Attributes["cups"] != "6" || q.Attributes["material"] != "steel" ||
		q.MinPrice != 1050 || q.MaxPrice != 4000 || q.Sort != catalog.SortPriceAsc ||
		q.Page != (page.Request{Page: 2, PerPage: 5}) {
		t.Errorf("searchQuery = %+v", q)
	}
	for _, bad := range []string{"sort=random", "attr=nocolon", "attr=:v", "min_price=-1", "max_price=1.234", "page=-1"} {
		r := httptest.NewRequest("GET", "/v1/products?"+bad, nil)
		if _, err := searchQuery(r); !errors.Is(err, errBadRequest) {
			t.Errorf("searchQuery(%s): %v; want errBadRequest", bad, err)
		}
	}
}

func TestDecode(t *testing.T) {
	var v struct{ Name string }
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"name":"x"}`, true},
		{`{"name":"x"}` + "\n", true},
		{`{"nom":"x"}`, false},
		{`{"name":`, false},
		{`{"name":"x"}{"name":"y"}`, false},
		{``, false},
	}
	for _, tt := range tests {
		err := decode(httptest.NewRequest("POST", "/", strings.NewReader(tt.body)), &v)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, errBadRequest)) {
			t.Errorf("decode(%q): %v; want ok=%v", tt.body, err, tt.ok)
		}
	}
}

func TestRecoverPanics(t *testing.T) {
	s := quiet()
	h := s.recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d; want 500", rec.Code)
	}
}

func TestAdminDisabledWithoutKey(t *testing.T) {
	s := quiet()
	called := false
	h := s.admin(func(http.ResponseWriter, *http.Request) { called = true })
	r := httptest.NewRequest("POST", "/v1/admin/shipping/dispatch", nil)
	r.Header.Set(AdminKeyHeader, "")
	rec := httptest.NewRecorder()
	h(rec, r)
	if called || rec.Code != http.StatusForbidden {
		t.Errorf("empty admin key let the request through (status %d)", rec.Code)
	}
}

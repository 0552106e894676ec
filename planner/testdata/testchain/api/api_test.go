package api

import (
	"net/http/httptest"
	"testing"

	"example.com/testchain/internal/testdb"
)

func TestBalance(t *testing.T) {
	a := &API{Store: testdb.Seeded()}
	w := httptest.NewRecorder()
	a.Routes().ServeHTTP(w, httptest.NewRequest("GET", "/balance/ada", nil))
	if got := w.Body.String(); got != "100\n" {
		t.Errorf("balance = %q; want 100", got)
	}
}

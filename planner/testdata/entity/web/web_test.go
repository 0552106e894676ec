package web

import (
	"net/http/httptest"
	"testing"

	"example.com/ent/catalog"
)

func TestQuote(t *testing.T) {
	a := &API{Cat: catalog.New()}
	w := httptest.NewRecorder()
	a.Quote(w, httptest.NewRequest("GET", "/quote?sku=+ab1+&n=2", nil))
	if got, want := w.Body.String(), "AB1 x2 = 500\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

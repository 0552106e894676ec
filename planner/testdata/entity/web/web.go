// Package web answers price questions.
package web

import (
	"fmt"
	"net/http"
	"strconv"

	"example.com/ent/catalog"
)

type API struct{ Cat *catalog.Catalog }

func (a *API) Quote(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	it := &catalog.Item{SKU: r.URL.Query().Get("sku"), Qty: n}
	it.Normalize()
	fmt.Fprintf(w, "%s x%d = %d\n", it.SKU, it.Qty, a.Cat.Price(it.SKU, it.Qty))
}

func Routes(a *API) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/quote", a.Quote)
	return mux
}

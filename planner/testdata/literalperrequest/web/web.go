package web

import (
	"fmt"
	"net/http"
	"strconv"

	"example.com/litreq/pricing"
)

type API struct{ Rates *pricing.Table }

func (a *API) Quote(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	q := &pricing.Quoter{Rates: a.Rates, Discount: 10}
	fmt.Fprintln(w, q.Quote(r.URL.Query().Get("sku"), n))
}

func Routes(a *API) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/quote", a.Quote)
	return mux
}

// Package web serves users and orders.
package web

import (
	"fmt"
	"net/http"

	orders "example.com/dup/orders/store"
	users "example.com/dup/users/store"
)

type API struct {
	Users  *users.Store
	Orders *orders.Store
}

func (a *API) Summary(w http.ResponseWriter, r *http.Request) {
	name, _ := a.Users.Get(r.URL.Query().Get("user"))
	total, _ := a.Orders.Get(r.URL.Query().Get("order"))
	fmt.Fprintf(w, "%s %d\n", name, total)
}

func Routes(a *API) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/summary", a.Summary)
	return mux
}

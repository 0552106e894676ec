// Package admin serves the back office.
package admin

import (
	"net/http"

	"example.com/helperlib/orders"
	"example.com/helperlib/respond"
)

// Office is the back office's HTTP API.
type Office struct{ Book *orders.Book }

// Routes registers the back office's routes on mux.
func (o *Office) Routes(mux *http.ServeMux) {
	mux.HandleFunc("DELETE /admin/orders/{id}", o.cancel)
}

func (o *Office) cancel(w http.ResponseWriter, r *http.Request) {
	if err := o.Book.Cancel(r.PathValue("id")); err != nil {
		respond.Error(w, http.StatusNotFound, err)
		return
	}
	respond.JSON(w, http.StatusOK, map[string]bool{"cancelled": true})
}

package api

import (
	"fmt"
	"net/http"
	"time"

	"example.com/shop/money"
	"example.com/shop/orders"
	"example.com/shop/page"
	"example.com/shop/users"
)

func (s *Server) checkout(w http.ResponseWriter, r *http.Request, u users.User) {
	var req orders.CheckoutRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.orders.Checkout(r.Context(), u.ID, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/orders/"+o.ID)
	writeJSON(w, http.StatusCreated, o)
}

// orderSummary is an order as listed.
type orderSummary struct {
	ID        string        `json:"id"`
	Status    orders.Status `json:"status"`
	Items     int           `json:"items"`
	Total     money.Money   `json:"total"`
	CreatedAt time.Time     `json:"created_at"`
}

func summarize(o orders.Order) orderSummary {
	n := 0
	for _, l := range o.Lines {
		n += l.Quantity
	}
	return orderSummary{ID: o.ID, Status: o.Status, Items: n, Total: o.Total, CreatedAt: o.CreatedAt}
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request, u users.User) {
	p, err := pageRequest(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.orders.List(r.Context(), u.ID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page.Map(list, summarize))
}

// userOrder returns the order named in the path if it belongs to u.
// Other users' orders are reported as not found.
func (s *Server) userOrder(r *http.Request, u users.User) (orders.Order, error) {
	id := r.PathValue("id")
	o, err := s.orders.Get(r.Context(), id)
	if err != nil {
		return orders.Order{}, err
	}
	if o.UserID != u.ID {
		return orders.Order{}, fmt.Errorf("get order %s: %w", id, orders.ErrNotFound)
	}
	return o, nil
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request, u users.User) {
	o, err := s.userOrder(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

type cancelRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request, u users.User) {
	var req cancelRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	o, err := s.userOrder(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if o, err = s.orders.Cancel(r.Context(), o.ID, req.Reason); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) getShipment(w http.ResponseWriter, r *http.Request, u users.User) {
	o, err := s.userOrder(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sh, err := s.shipping.Get(r.Context(), o.ShipmentID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sh)
}

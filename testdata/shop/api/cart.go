package api

import (
	"context"
	"net/http"

	"example.com/shop/cart"
	"example.com/shop/money"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

// cartView is a cart with the delivery cost to the user's address, when
// the user has one and the shop delivers there.
type cartView struct {
	cart.Cart
	ShippingEstimate *money.Money `json:"shipping_estimate,omitempty"`
}

func (s *Server) viewCart(ctx context.Context, u users.User, c cart.Cart) (cartView, error) {
	v := cartView{Cart: c}
	if c.Empty() || u.Address == (users.Address{}) {
		return v, nil
	}
	weight := 0
	for _, it := range c.Items {
		p, err := s.catalog.Get(ctx, it.ProductID)
		if err != nil {
			return v, err
		}
		weight += p.WeightGrams * it.Quantity
	}
	if est, err := shipping.Quote(shipping.Address(u.Address), weight, c.Subtotal); err == nil {
		v.ShippingEstimate = &est
	}
	return v, nil
}

func (s *Server) writeCart(w http.ResponseWriter, r *http.Request, u users.User, c cart.Cart) {
	v, err := s.viewCart(r.Context(), u, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) getCart(w http.ResponseWriter, r *http.Request, u users.User) {
	c, err := s.carts.Get(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCart(w, r, u, c)
}

type cartItemRequest struct {
	ProductID string `json:"product_id"`
	Quantity  int    `json:"quantity"`
}

func (s *Server) addToCart(w http.ResponseWriter, r *http.Request, u users.User) {
	var req cartItemRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Quantity == 0 {
		req.Quantity = 1
	}
	c, err := s.carts.Add(r.Context(), u.ID, req.ProductID, req.Quantity)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCart(w, r, u, c)
}

type quantityRequest struct {
	Quantity int `json:"quantity"`
}

func (s *Server) setCartQuantity(w http.ResponseWriter, r *http.Request, u users.User) {
	var req quantityRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.carts.SetQuantity(r.Context(), u.ID, r.PathValue("product"), req.Quantity)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCart(w, r, u, c)
}

func (s *Server) removeFromCart(w http.ResponseWriter, r *http.Request, u users.User) {
	c, err := s.carts.Remove(r.Context(), u.ID, r.PathValue("product"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCart(w, r, u, c)
}

func (s *Server) clearCart(w http.ResponseWriter, r *http.Request, u users.User) {
	if err := s.carts.Clear(r.Context(), u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

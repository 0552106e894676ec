package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"example.com/shop/catalog"
	"example.com/shop/inventory"
)

func (s *Server) searchProducts(w http.ResponseWriter, r *http.Request) {
	q, err := searchQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.catalog.Search(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// searchQuery reads a catalog query from the URL: q, category, tag
// (repeatable), attr=key:value (repeatable), min_price, max_price, sort,
// page and per_page.
func searchQuery(r *http.Request) (catalog.Query, error) {
	v := r.URL.Query()
	q := catalog.Query{
		Text:     v.Get("q"),
		Category: v.Get("category"),
		Tags:     v["tag"],
		Sort:     v.Get("sort"),
	}
	if !catalog.ValidSort(q.Sort) {
		return q, fmt.Errorf("%w: sort %q", errBadRequest, q.Sort)
	}
	for _, a := range v["attr"] {
		k, val, ok := strings.Cut(a, ":")
		if !ok || k == "" {
			return q, fmt.Errorf("%w: attr %q: want key:value", errBadRequest, a)
		}
		if q.Attributes == nil {
			q.Attributes = make(map[string]string)
		}
		q.Attributes[k] = val
	}
	var err error
	if q.MinPrice, err = priceParam(v, "min_price"); err != nil {
		return q, err
	}
	if q.MaxPrice, err = priceParam(v, "max_price"); err != nil {
		return q, err
	}
	q.Page, err = pageRequest(v)
	return q, err
}

// productView is a product with how many units can be ordered now.
type productView struct {
	Product   catalog.Product `json:"product"`
	Available int             `json:"available"`
}

// getProduct serves a product by ID or by slug.
func (s *Server) getProduct(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ref := r.PathValue("ref")
	p, err := s.catalog.Get(ctx, ref)
	if errors.Is(err, catalog.ErrNotFound) {
		p, err = s.catalog.GetBySlug(ctx, ref)
	}
	if err == nil && !p.Active {
		err = fmt.Errorf("%s: %w", ref, catalog.ErrNotFound)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	avail, err := s.stock.Available(ctx, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, productView{Product: p, Available: avail})
}

func (s *Server) createProduct(w http.ResponseWriter, r *http.Request) {
	var np catalog.NewProduct
	if err := decode(r, &np); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.catalog.Create(r.Context(), np)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

func (s *Server) updateProduct(w http.ResponseWriter, r *http.Request) {
	var patch catalog.Patch
	if err := decode(r, &patch); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.catalog.Update(r.Context(), r.PathValue("id"), &patch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// levelView is a stock level as the admin API shows it.
type levelView struct {
	inventory.Level
	Available int `json:"available"`
}

func viewLevel(l inventory.Level) levelView {
	return levelView{Level: l, Available: l.Available()}
}

func (s *Server) getStock(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("product")
	if _, err := s.catalog.Get(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.stock.Level(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewLevel(l))
}

type stockRequest struct {
	OnHand int `json:"on_hand"`
}

func (s *Server) setStock(w http.ResponseWriter, r *http.Request) {
	var req stockRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	id := r.PathValue("product")
	if _, err := s.catalog.Get(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.stock.SetStock(ctx, id, req.OnHand)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewLevel(l))
}

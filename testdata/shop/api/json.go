package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"example.com/shop/cart"
	"example.com/shop/catalog"
	"example.com/shop/inventory"
	"example.com/shop/money"
	"example.com/shop/orders"
	"example.com/shop/page"
	"example.com/shop/payments"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// errBadRequest marks requests the API cannot make sense of.
var errBadRequest = errors.New("bad request")

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	ProductID string `json:"product_id,omitempty"`
	Available *int   `json:"available,omitempty"`
}

// errorStatuses maps the errors of the domain packages to HTTP. The first
// match wins, so more specific errors come first.
var errorStatuses = []struct {
	err    error
	status int
	code   string
}{
	{errBadRequest, http.StatusBadRequest, "bad_request"},
	{users.ErrUnauthenticated, http.StatusUnauthorized, "unauthenticated"},
	{users.ErrBadCredentials, http.StatusUnauthorized, "bad_credentials"},
	{users.ErrEmailTaken, http.StatusConflict, "email_taken"},
	{users.ErrInvalid, http.StatusUnprocessableEntity, "invalid"},
	{users.ErrNotFound, http.StatusNotFound, "not_found"},
	{catalog.ErrNotFound, http.StatusNotFound, "product_not_found"},
	{catalog.ErrDuplicateSKU, http.StatusConflict, "duplicate_sku"},
	{catalog.ErrInvalid, http.StatusUnprocessableEntity, "invalid"},
	{inventory.ErrOutOfStock, http.StatusConflict, "out_of_stock"},
	{inventory.ErrInvalidQuantity, http.StatusUnprocessableEntity, "invalid_quantity"},
	{cart.ErrItemNotFound, http.StatusNotFound, "not_in_cart"},
	{cart.ErrUnavailable, http.StatusConflict, "unavailable"},
	{cart.ErrInvalidQuantity, http.StatusUnprocessableEntity, "invalid_quantity"},
	{orders.ErrNotFound, http.StatusNotFound, "order_not_found"},
	{orders.ErrEmptyCart, http.StatusConflict, "cart_empty"},
	{orders.ErrNoAddress, http.StatusUnprocessableEntity, "no_address"},
	{orders.ErrNotCancellable, http.StatusConflict, "not_cancellable"},
	{payments.ErrDeclined, http.StatusPaymentRequired, "payment_declined"},
	{payments.ErrInvalidCard, http.StatusUnprocessableEntity, "invalid_card"},
	{payments.ErrNotFound, http.StatusNotFound, "payment_not_found"},
	{shipping.ErrUndeliverable, http.StatusUnprocessableEntity, "undeliverable"},
	{shipping.ErrNotFound, http.StatusNotFound, "shipment_not_found"},
}

// fail writes the error response for err.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	for _, e := range errorStatuses {
		if errors.Is(err, e.err) {
			body := errorBody{Error: errorDetail{Code: e.code, Message: err.Error()}}
			if se, ok := errors.AsType[*inventory.StockError](err); ok {
				body.Error.ProductID, body.Error.Available = se.ProductID, &se.Available
			}
			writeJSON(w, e.status, body)
			return
		}
	}
	s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal", "internal error")
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// decode reads a JSON request body into v, refusing unknown fields and
// trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: body: %v", errBadRequest, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: body: more than one JSON value", errBadRequest)
	}
	return nil
}

// pageRequest reads the page and per_page query parameters.
func pageRequest(q url.Values) (page.Request, error) {
	var p page.Request
	var err error
	if v := q.Get("page"); v != "" {
		if p.Page, err = strconv.Atoi(v); err != nil || p.Page < 1 {
			return p, fmt.Errorf("%w: page %q", errBadRequest, v)
		}
	}
	if v := q.Get("per_page"); v != "" {
		if p.PerPage, err = strconv.Atoi(v); err != nil || p.PerPage < 1 {
			return p, fmt.Errorf("%w: per_page %q", errBadRequest, v)
		}
	}
	return p.Normalize(), nil
}

// priceParam reads a decimal price query parameter into minor units.
func priceParam(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	m, err := money.Parse(v, money.EUR)
	if err != nil || m.Amount < 0 {
		return 0, fmt.Errorf("%w: %s %q", errBadRequest, name, v)
	}
	return m.Amount, nil
}

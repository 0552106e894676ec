package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/internal/app"
	"example.com/shop/notifications"
)

const (
	adminKey = "test-admin-key"
	visa     = "4242 4242 4242 4242"
	declined = "4000 0000 0002 0000"
)

// Products of the demo catalog, by the IDs a fresh sequence gives them.
const (
	espresso  = "prd_000001" // 18.90, 1 kg, 50 in stock
	filter    = "prd_000002" // 9.50
	capsules  = "prd_000003"
	mokaPot   = "prd_000004"
	grinder   = "prd_000005" // 129.00, 2.6 kg, 4 in stock
	mug       = "prd_000006" // 12.00, 3 in stock
	frother   = "prd_000007" // out of stock
	giftCard  = "prd_000008"
	berlinAdr = `{"name":"Ada Lovelace","line1":"Main St 1","city":"Berlin","postal_code":"10115","country":"DE"}`
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// mailbox is a Mailer that keeps what it sends.
type mailbox struct {
	mu   sync.Mutex
	sent []notifications.Email
}

func (m *mailbox) Send(_ context.Context, e notifications.Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, e)
	return nil
}

func (m *mailbox) to(addr string) []notifications.Email {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []notifications.Email
	for _, e := range m.sent {
		if e.To == addr {
			out = append(out, e)
		}
	}
	return out
}

// shop is a running, seeded shop with a stopped clock.
type shop struct {
	*app.App
	url   string
	clock *clock.Manual
	mail  *mailbox
}

func newShop(t *testing.T) *shop {
	t.Helper()
	s := &shop{clock: clock.NewManual(epoch), mail: &mailbox{}}
	s.App = app.New(app.Config{
		AdminKey:       adminKey,
		Clock:          s.clock,
		IDs:            ids.NewSequence(),
		Mailer:         s.mail,
		HashIterations: 1000,
	})
	if err := s.Seed(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// client makes requests as one user, or anonymously without a token.
type client struct {
	t     *testing.T
	shop  *shop
	token string
	admin bool
}

func (s *shop) anon(t *testing.T) *client  { return &client{t: t, shop: s} }
func (s *shop) admin(t *testing.T) *client { return &client{t: t, shop: s, admin: true} }

// signUp registers a customer living in Berlin and returns their client.
func (s *shop) signUp(t *testing.T, email string) *client {
	t.Helper()
	var sess struct{ Token string }
	s.anon(t).do("POST", "/v1/users",
		`{"email":"`+email+`","name":"Ada","password":"correct horse","address":`+berlinAdr+`}`,
		http.StatusCreated, &sess)
	return &client{t: t, shop: s, token: sess.Token}
}

// do sends a request with a JSON body (none if empty), checks the status
// and decodes the response into out unless out is nil. It returns the body.
func (c *client) do(method, path, body string, wantStatus int, out any) []byte {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.shop.url+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.admin {
		req.Header.Set("X-Admin-Key", adminKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != wantStatus {
		c.t.Fatalf("%s %s: status %d; want %d\n%s", method, path, resp.StatusCode, wantStatus, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return data
}

// wantError checks that a request fails with the given status and error code.
func (c *client) wantError(method, path, body string, status int, code string) apiError {
	c.t.Helper()
	var e struct{ Error apiError }
	c.do(method, path, body, status, &e)
	if e.Error.Code != code {
		c.t.Errorf("%s %s: error code %q; want %q (%s)", method, path, e.Error.Code, code, e.Error.Message)
	}
	return e.Error
}

type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	ProductID string `json:"product_id"`
	Available *int   `json:"available"`
}

type money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

func eur(cents int64) money { return money{cents, "EUR"} }

type cartJSON struct {
	Items []struct {
		ProductID string `json:"product_id"`
		Quantity  int    `json:"quantity"`
		Total     money  `json:"total"`
	} `json:"items"`
	Subtotal         money  `json:"subtotal"`
	ShippingEstimate *money `json:"shipping_estimate"`
}

type orderJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Lines  []struct {
		ProductID string `json:"product_id"`
		SKU       string `json:"sku"`
		Quantity  int    `json:"quantity"`
		UnitPrice money  `json:"unit_price"`
		Total     money  `json:"total"`
	} `json:"lines"`
	Subtotal     money  `json:"subtotal"`
	ShippingCost money  `json:"shipping_cost"`
	Total        money  `json:"total"`
	PaymentID    string `json:"payment_id"`
	ShipmentID   string `json:"shipment_id"`
	History      []struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	} `json:"history"`
}

// available asks the admin API how many units of a product can be sold.
func (s *shop) available(t *testing.T, productID string) int {
	t.Helper()
	var l struct{ Available int }
	s.admin(t).do("GET", "/v1/admin/stock/"+productID, "", http.StatusOK, &l)
	return l.Available
}

func (c *client) addToCart(productID string, qty int) cartJSON {
	c.t.Helper()
	var out cartJSON
	c.do("POST", "/v1/cart/items", `{"product_id":"`+productID+`","quantity":`+itoa(qty)+`}`, http.StatusOK, &out)
	return out
}

func (c *client) checkout(card string) orderJSON {
	c.t.Helper()
	var o orderJSON
	c.do("POST", "/v1/orders", `{"card_number":"`+card+`"}`, http.StatusCreated, &o)
	return o
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestHealthz(t *testing.T) {
	s := newShop(t)
	body := s.anon(t).do("GET", "/healthz", "", http.StatusOK, nil)
	if got := strings.TrimSpace(string(body)); got != "{\n  \"status\": \"ok\"\n}" {
		t.Errorf("body = %q", got)
	}
}

func TestRegisterAndMe(t *testing.T) {
	s := newShop(t)
	var sess struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
		User      struct {
			ID, Email string
		} `json:"user"`
	}
	s.anon(t).do("POST", "/v1/users",
		`{"email":"Ada@Example.com","name":"Ada","password":"correct horse","address":`+berlinAdr+`}`,
		http.StatusCreated, &sess)
	if sess.Token != "tok_000001" || sess.User.ID != "usr_000001" || sess.User.Email != "ada@example.com" ||
		!sess.ExpiresAt.Equal(epoch.Add(30*24*time.Hour)) {
		t.Errorf("session = %+v", sess)
	}
	c := &client{t: t, shop: s, token: sess.Token}
	got := c.do("GET", "/v1/me", "", http.StatusOK, nil)
	want := `{
  "id": "usr_000001",
  "email": "ada@example.com",
  "name": "Ada",
  "address": {
    "name": "Ada Lovelace",
    "line1": "Main St 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE"
  },
  "created_at": "2026-01-01T00:00:00Z"
}
`
	if string(got) != want {
		t.Errorf("GET /v1/me =\n%s\nwant\n%s", got, want)
	}
	if mails := s.mail.to("ada@example.com"); len(mails) != 1 || mails[0].Subject != "Welcome to the shop" {
		t.Errorf("mails = %+v; want a welcome", mails)
	}
}

func TestRegisterErrors(t *testing.T) {
	s := newShop(t)
	s.signUp(t, "ada@example.com")
	anon := s.anon(t)
	anon.wantError("POST", "/v1/users", `{"email":"ada@example.com","name":"Ada","password":"correct horse"}`,
		http.StatusConflict, "email_taken")
	anon.wantError("POST", "/v1/users", `{"email":"bob@example.com","name":"Bob","password":"short"}`,
		http.StatusUnprocessableEntity, "invalid")
	anon.wantError("POST", "/v1/users", `{"email":"bob@example.com","nickname":"Bob"}`,
		http.StatusBadRequest, "bad_request")
	anon.wantError("POST", "/v1/users", `{"email":`, http.StatusBadRequest, "bad_request")
	anon.wantError("POST", "/v1/users", `{"email":"a@b.c"} {}`, http.StatusBadRequest, "bad_request")
}

func TestLogin(t *testing.T) {
	s := newShop(t)
	s.signUp(t, "ada@example.com")
	var sess struct{ Token string }
	s.anon(t).do("POST", "/v1/sessions", `{"email":"ada@example.com","password":"correct horse"}`, http.StatusCreated, &sess)
	c := &client{t: t, shop: s, token: sess.Token}
	c.do("GET", "/v1/me", "", http.StatusOK, nil)
	s.anon(t).wantError("POST", "/v1/sessions", `{"email":"ada@example.com","password":"wrong horse"}`,
		http.StatusUnauthorized, "bad_credentials")
}

func TestAuthentication(t *testing.T) {
	s := newShop(t)
	for _, path := range []string{"/v1/me", "/v1/cart", "/v1/orders", "/v1/notifications"} {
		s.anon(t).wantError("GET", path, "", http.StatusUnauthorized, "unauthenticated")
		bad := &client{t: t, shop: s, token: "tok_forged"}
		bad.wantError("GET", path, "", http.StatusUnauthorized, "unauthenticated")
	}
	c := s.signUp(t, "ada@example.com")
	s.clock.Advance(31 * 24 * time.Hour)
	c.wantError("GET", "/v1/me", "", http.StatusUnauthorized, "unauthenticated")
}

func TestUpdateAddress(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	var u struct {
		Address struct{ City, Country string }
	}
	c.do("PUT", "/v1/me/address",
		`{"name":"Ada","line1":"Rue de Rivoli 5","city":"Paris","postal_code":"75001","country":"FR"}`, http.StatusOK, &u)
	if u.Address.City != "Paris" || u.Address.Country != "FR" {
		t.Errorf("address = %+v", u.Address)
	}
	c.wantError("PUT", "/v1/me/address", `{"city":"Paris"}`, http.StatusUnprocessableEntity, "invalid")
}

type searchJSON struct {
	Items []struct {
		ID    string `json:"id"`
		Slug  string `json:"slug"`
		Price money  `json:"price"`
	} `json:"items"`
	Total  int `json:"total"`
	Pages  int `json:"pages"`
	Facets struct {
		Categories map[string]int `json:"categories"`
		Tags       map[string]int `json:"tags"`
	} `json:"facets"`
}

func (r searchJSON) ids() string {
	var out []string
	for _, it := range r.Items {
		out = append(out, it.ID)
	}
	return strings.Join(out, ",")
}

func TestSearchProducts(t *testing.T) {
	s := newShop(t)
	anon := s.anon(t)
	tests := []struct {
		query string
		want  string
		total int
	}{
		{"?q=coffee", filter + "," + capsules + "," + espresso, 3},
		{"?q=espresso", mokaPot + "," + espresso + "," + grinder, 3},
		{"?category=equipment&sort=price_asc", mokaPot + "," + frother + "," + grinder, 3},
		{"?tag=electric&tag=milk", frother, 1},
		{"?attr=roast:light", filter, 1},
		{"?min_price=10&max_price=20&sort=price_desc", espresso + "," + mug, 2},
		{"?sort=name&per_page=3&page=2", espresso + "," + filter + "," + giftCard, 8},
		{"?q=tea", "", 0},
	}
	for _, tt := range tests {
		var res searchJSON
		anon.do("GET", "/v1/products"+tt.query, "", http.StatusOK, &res)
		if got := res.ids(); got != tt.want || res.Total != tt.total {
			t.Errorf("search %s = %s (total %d); want %s (total %d)", tt.query, got, res.Total, tt.want, tt.total)
		}
	}
	var all searchJSON
	anon.do("GET", "/v1/products", "", http.StatusOK, &all)
	if f := all.Facets.Categories; f["coffee"] != 3 || f["equipment"] != 3 || f["accessories"] != 1 || f["gifts"] != 1 {
		t.Errorf("category facets = %v", f)
	}
	if f := all.Facets.Tags; f["coffee"] != 3 || f["electric"] != 2 {
		t.Errorf("tag facets = %v", f)
	}
	for _, q := range []string{"?sort=cheapest", "?min_price=abc", "?page=0", "?per_page=x", "?attr=roast"} {
		anon.wantError("GET", "/v1/products"+q, "", http.StatusBadRequest, "bad_request")
	}
}

func TestGetProduct(t *testing.T) {
	s := newShop(t)
	anon := s.anon(t)
	var byID, bySlug struct {
		Product struct {
			ID, Slug   string
			Attributes map[string]string
		} `json:"product"`
		Available int `json:"available"`
	}
	anon.do("GET", "/v1/products/"+mokaPot, "", http.StatusOK, &byID)
	if byID.Product.Slug != "stovetop-espresso-maker" || byID.Available != 12 || byID.Product.Attributes["cups"] != "6" {
		t.Errorf("product = %+v", byID)
	}
	anon.do("GET", "/v1/products/stovetop-espresso-maker", "", http.StatusOK, &bySlug)
	if bySlug.Product.ID != mokaPot {
		t.Errorf("by slug = %+v; want %s", bySlug, mokaPot)
	}
	anon.do("GET", "/v1/products/"+frother, "", http.StatusOK, &byID)
	if byID.Available != 0 {
		t.Errorf("frother available = %d; want 0", byID.Available)
	}
	anon.wantError("GET", "/v1/products/no-such-thing", "", http.StatusNotFound, "product_not_found")
}

func TestAdminProducts(t *testing.T) {
	s := newShop(t)
	product := `{"sku":"TEA-GRN-100","name":"Green Tea","category":"tea","tags":["tea"],"price":{"amount":790,"currency":"EUR"},"weight_grams":100}`
	s.anon(t).wantError("POST", "/v1/admin/products", product, http.StatusForbidden, "forbidden")
	wrongKey := &client{t: t, shop: s}
	wrongKey.wantError("POST", "/v1/admin/shipping/dispatch", "", http.StatusForbidden, "forbidden")

	admin := s.admin(t)
	var p struct{ ID, Slug string }
	admin.do("POST", "/v1/admin/products", product, http.StatusCreated, &p)
	if p.ID != "prd_000009" || p.Slug != "green-tea" {
		t.Errorf("created %+v", p)
	}
	admin.wantError("POST", "/v1/admin/products", product, http.StatusConflict, "duplicate_sku")
	admin.wantError("POST", "/v1/admin/products", `{"sku":"X","name":"X"}`, http.StatusUnprocessableEntity, "invalid")

	var level struct {
		OnHand    int `json:"on_hand"`
		Available int `json:"available"`
	}
	admin.do("PUT", "/v1/admin/stock/"+p.ID, `{"on_hand":25}`, http.StatusOK, &level)
	if level.OnHand != 25 || level.Available != 25 {
		t.Errorf("stock = %+v", level)
	}
	admin.wantError("PUT", "/v1/admin/stock/"+p.ID, `{"on_hand":-1}`, http.StatusUnprocessableEntity, "invalid_quantity")
	admin.wantError("PUT", "/v1/admin/stock/prd_nope", `{"on_hand":1}`, http.StatusNotFound, "product_not_found")

	var patched struct {
		Price  money
		Active bool
	}
	admin.do("PATCH", "/v1/admin/products/"+p.ID, `{"price":{"amount":690,"currency":"EUR"},"active":false}`, http.StatusOK, &patched)
	if patched.Price != eur(690) || patched.Active {
		t.Errorf("patched = %+v", patched)
	}
	s.anon(t).wantError("GET", "/v1/products/green-tea", "", http.StatusNotFound, "product_not_found")
}

func TestCart(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	got := c.addToCart(espresso, 2)
	if len(got.Items) != 1 || got.Subtotal != eur(3780) || got.ShippingEstimate == nil || *got.ShippingEstimate != eur(490) {
		t.Errorf("cart = %+v; want 37.80 with 4.90 shipping", got)
	}
	got = c.addToCart(filter, 2)
	if got.Subtotal != eur(5680) || *got.ShippingEstimate != eur(0) {
		t.Errorf("cart = %+v; want 56.80 with free shipping", got)
	}
	c.do("PUT", "/v1/cart/items/"+espresso, `{"quantity":1}`, http.StatusOK, &got)
	if got.Subtotal != eur(3790) {
		t.Errorf("after setting quantity, subtotal = %v; want 37.90", got.Subtotal)
	}
	c.do("DELETE", "/v1/cart/items/"+filter, "", http.StatusOK, &got)
	if len(got.Items) != 1 || got.Items[0].ProductID != espresso {
		t.Errorf("after removal = %+v", got)
	}
	c.wantError("DELETE", "/v1/cart/items/"+filter, "", http.StatusNotFound, "not_in_cart")

	e := c.wantError("POST", "/v1/cart/items", `{"product_id":"`+mug+`","quantity":4}`, http.StatusConflict, "out_of_stock")
	if e.ProductID != mug || e.Available == nil || *e.Available != 3 {
		t.Errorf("out of stock error = %+v; want product %s with 3 available", e, mug)
	}
	c.wantError("POST", "/v1/cart/items", `{"product_id":"prd_nope"}`, http.StatusNotFound, "product_not_found")
	c.wantError("POST", "/v1/cart/items", `{"product_id":"`+espresso+`","quantity":-1}`, http.StatusUnprocessableEntity, "invalid_quantity")

	c.do("DELETE", "/v1/cart", "", http.StatusNoContent, nil)
	var cleared cartJSON
	c.do("GET", "/v1/cart", "", http.StatusOK, &cleared)
	if len(cleared.Items) != 0 || cleared.ShippingEstimate != nil {
		t.Errorf("cleared cart = %+v", cleared)
	}
}

// TestCheckoutToDelivery walks an order from cart to parcel and checks
// every service's view of it.
func TestCheckoutToDelivery(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	c.addToCart(espresso, 2)
	c.addToCart(grinder, 1)
	o := c.checkout(visa)
	if o.ID != "ord_000001" || o.Status != "placed" || len(o.Lines) != 2 {
		t.Fatalf("order = %+v", o)
	}
	// 2 x 18.90 + 129.00 = 166.80, free domestic shipping from 50.
	if o.Subtotal != eur(16680) || o.ShippingCost != eur(0) || o.Total != eur(16680) {
		t.Errorf("amounts = %v + %v = %v; want 166.80 + 0 = 166.80", o.Subtotal, o.ShippingCost, o.Total)
	}
	if o.Lines[1].SKU != "EQP-GRIND-1" || o.Lines[1].UnitPrice != eur(12900) {
		t.Errorf("line 2 = %+v", o.Lines[1])
	}
	if got := s.available(t, grinder); got != 3 {
		t.Errorf("grinders available = %d; want 3", got)
	}
	var cart cartJSON
	c.do("GET", "/v1/cart", "", http.StatusOK, &cart)
	if len(cart.Items) != 0 {
		t.Errorf("cart after checkout = %+v", cart)
	}
	var pay struct {
		Status, Last4 string
		Amount        money
	}
	s.admin(t).do("GET", "/v1/admin/payments/"+o.PaymentID, "", http.StatusOK, &pay)
	if pay.Status != "captured" || pay.Last4 != "4242" || pay.Amount != o.Total {
		t.Errorf("payment = %+v", pay)
	}

	var sh struct {
		Status         string `json:"status"`
		Carrier        string `json:"carrier"`
		TrackingNumber string `json:"tracking_number"`
		WeightGrams    int    `json:"weight_grams"`
	}
	c.do("GET", "/v1/orders/"+o.ID+"/shipment", "", http.StatusOK, &sh)
	if sh.Status != "pending" || sh.Carrier != "DHL" || sh.WeightGrams != 4600 {
		t.Errorf("shipment = %+v", sh)
	}

	var dispatched struct{ Dispatched int }
	s.admin(t).do("POST", "/v1/admin/shipping/dispatch", "", http.StatusOK, &dispatched)
	if dispatched.Dispatched != 1 {
		t.Errorf("dispatched %d; want 1", dispatched.Dispatched)
	}
	c.do("GET", "/v1/orders/"+o.ID, "", http.StatusOK, &o)
	if o.Status != "shipped" || len(o.History) != 2 || o.History[1].Note != "DHL DHL000001DE" {
		t.Errorf("order after dispatch = %+v", o)
	}
	c.do("GET", "/v1/orders/"+o.ID+"/shipment", "", http.StatusOK, &sh)
	if sh.Status != "dispatched" || sh.TrackingNumber != "DHL000001DE" {
		t.Errorf("shipment after dispatch = %+v", sh)
	}

	var msgs struct {
		Items []struct{ Kind, Subject string }
	}
	c.do("GET", "/v1/notifications", "", http.StatusOK, &msgs)
	var kinds []string
	for _, m := range msgs.Items {
		kinds = append(kinds, m.Kind)
	}
	if got, want := strings.Join(kinds, ","), "shipment_dispatched,order_placed,welcome"; got != want {
		t.Errorf("notifications = %s; want %s", got, want)
	}
}

func TestCheckoutDeclined(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	c.addToCart(grinder, 2)
	c.wantError("POST", "/v1/orders", `{"card_number":"`+declined+`"}`, http.StatusPaymentRequired, "payment_declined")
	if got := s.available(t, grinder); got != 4 {
		t.Errorf("grinders available = %d; want all 4 back", got)
	}
	var cart cartJSON
	c.do("GET", "/v1/cart", "", http.StatusOK, &cart)
	if len(cart.Items) != 1 {
		t.Errorf("cart after decline = %+v; want it kept", cart)
	}
	var list struct{ Total int }
	c.do("GET", "/v1/orders", "", http.StatusOK, &list)
	if list.Total != 0 {
		t.Errorf("%d orders after a decline; want 0", list.Total)
	}
	o := c.checkout(visa)
	if o.Status != "placed" {
		t.Errorf("retry with another card = %+v", o)
	}
}

func TestCheckoutErrors(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	c.wantError("POST", "/v1/orders", `{"card_number":"`+visa+`"}`, http.StatusConflict, "cart_empty")

	c.addToCart(mug, 3)
	other := s.signUp(t, "bob@example.com")
	other.addToCart(mug, 1)
	other.checkout(visa) // Bob buys one of the three mugs first.
	e := c.wantError("POST", "/v1/orders", `{"card_number":"`+visa+`"}`, http.StatusConflict, "out_of_stock")
	if e.ProductID != mug || *e.Available != 2 {
		t.Errorf("out of stock error = %+v; want 2 mugs left", e)
	}

	c.do("PUT", "/v1/cart/items/"+mug, `{"quantity":1}`, http.StatusOK, nil)
	c.wantError("POST", "/v1/orders", `{"card_number":"1234"}`, http.StatusUnprocessableEntity, "invalid_card")
	c.wantError("POST", "/v1/orders", `{"card_number":"`+visa+`","address":{"name":"Ada","line1":"5th Ave","city":"New York","postal_code":"10001","country":"US"}}`,
		http.StatusUnprocessableEntity, "undeliverable")
	// Over the payment limit of 5,000.00: 99 gift cards of 50.00 plus shipping.
	c.do("DELETE", "/v1/cart", "", http.StatusNoContent, nil)
	c.addToCart(giftCard, 99)
	c.addToCart(espresso, 5)
	c.wantError("POST", "/v1/orders", `{"card_number":"`+visa+`"}`, http.StatusPaymentRequired, "payment_declined")
}

func TestCancelOrder(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	c.addToCart(mug, 2)
	o := c.checkout(visa)
	if got := s.available(t, mug); got != 1 {
		t.Errorf("mugs available = %d; want 1", got)
	}
	var cancelled orderJSON
	c.do("POST", "/v1/orders/"+o.ID+"/cancel", `{"reason":"ordered twice"}`, http.StatusOK, &cancelled)
	if cancelled.Status != "cancelled" || cancelled.History[1].Note != "ordered twice" {
		t.Errorf("cancelled = %+v", cancelled)
	}
	if got := s.available(t, mug); got != 3 {
		t.Errorf("mugs available after cancel = %d; want 3", got)
	}
	c.wantError("POST", "/v1/orders/"+o.ID+"/cancel", "", http.StatusConflict, "not_cancellable")

	c.addToCart(espresso, 1)
	shipped := c.checkout(visa)
	s.admin(t).do("POST", "/v1/admin/shipping/dispatch", "", http.StatusOK, nil)
	c.wantError("POST", "/v1/orders/"+shipped.ID+"/cancel", "", http.StatusConflict, "not_cancellable")
}

func TestOrdersArePrivate(t *testing.T) {
	s := newShop(t)
	ada := s.signUp(t, "ada@example.com")
	ada.addToCart(espresso, 1)
	o := ada.checkout(visa)
	bob := s.signUp(t, "bob@example.com")
	bob.wantError("GET", "/v1/orders/"+o.ID, "", http.StatusNotFound, "order_not_found")
	bob.wantError("POST", "/v1/orders/"+o.ID+"/cancel", "", http.StatusNotFound, "order_not_found")
	bob.wantError("GET", "/v1/orders/"+o.ID+"/shipment", "", http.StatusNotFound, "order_not_found")
	bob.wantError("GET", "/v1/orders/ord_nope", "", http.StatusNotFound, "order_not_found")
}

func TestListOrders(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	for i := range 3 {
		c.addToCart(filter, i+1)
		c.checkout(visa)
		s.clock.Advance(time.Minute)
	}
	var list struct {
		Items []struct {
			ID    string `json:"id"`
			Items int    `json:"items"`
			Total money  `json:"total"`
		} `json:"items"`
		Page, Total, Pages int
	}
	c.do("GET", "/v1/orders?per_page=2", "", http.StatusOK, &list)
	if list.Total != 3 || list.Pages != 2 || len(list.Items) != 2 {
		t.Fatalf("list = %+v", list)
	}
	if it := list.Items[0]; it.ID != "ord_000003" || it.Items != 3 || it.Total != eur(3340) {
		t.Errorf("newest order = %+v; want ord_000003, 3 items, 28.50 + 4.90", it)
	}
	c.do("GET", "/v1/orders?per_page=2&page=2", "", http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].ID != "ord_000001" {
		t.Errorf("page 2 = %+v", list.Items)
	}
}

func TestCartReminders(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	c.addToCart(mokaPot, 1)
	var res struct{ Reminded int }
	s.admin(t).do("POST", "/v1/admin/carts/remind", "", http.StatusOK, &res)
	if res.Reminded != 0 {
		t.Errorf("reminded %d fresh carts", res.Reminded)
	}
	s.clock.Advance(25 * time.Hour)
	s.admin(t).do("POST", "/v1/admin/carts/remind", "", http.StatusOK, &res)
	if res.Reminded != 1 {
		t.Errorf("reminded %d; want 1", res.Reminded)
	}
	mails := s.mail.to("ada@example.com")
	if last := mails[len(mails)-1]; last.Subject != "You left something in your cart" || !strings.Contains(last.Body, "Stovetop Espresso Maker") {
		t.Errorf("last mail = %+v", last)
	}
}

func TestLowStockAlert(t *testing.T) {
	s := newShop(t)
	c := s.signUp(t, "ada@example.com")
	c.addToCart(espresso, 1)
	c.checkout(visa)
	if got := s.mail.to("staff@shop.example"); len(got) != 0 {
		t.Errorf("staff alerted about %+v", got)
	}
	c.addToCart(mug, 1) // 3 in stock, alert at 3 or fewer left
	c.checkout(visa)
	got := s.mail.to("staff@shop.example")
	if len(got) != 1 || got[0].Subject != "Low stock: "+mug {
		t.Errorf("staff mails = %+v; want a low-stock alert for %s", got, mug)
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	s := newShop(t)
	s.anon(t).do("GET", "/v1/nothing", "", http.StatusNotFound, nil)
	s.anon(t).do("DELETE", "/v1/products", "", http.StatusMethodNotAllowed, nil)
}

// TestDeterministic checks that two shops given the same requests give
// byte-identical answers: the split services must answer like the monolith.
func TestDeterministic(t *testing.T) {
	run := func() []byte {
		s := newShop(t)
		c := s.signUp(t, "ada@example.com")
		var out bytes.Buffer
		out.Write(c.do("POST", "/v1/cart/items", `{"product_id":"`+espresso+`","quantity":2}`, http.StatusOK, nil))
		out.Write(c.do("POST", "/v1/orders", `{"card_number":"`+visa+`"}`, http.StatusCreated, nil))
		s.admin(t).do("POST", "/v1/admin/shipping/dispatch", "", http.StatusOK, nil)
		out.Write(c.do("GET", "/v1/orders/ord_000001", "", http.StatusOK, nil))
		out.Write(c.do("GET", "/v1/notifications", "", http.StatusOK, nil))
		out.Write(s.anon(t).do("GET", "/v1/products?q=coffee", "", http.StatusOK, nil))
		return out.Bytes()
	}
	if a, b := run(), run(); !bytes.Equal(a, b) {
		t.Errorf("two runs differ:\n%s\n----\n%s", a, b)
	}
}

func TestStartStop(t *testing.T) {
	s := newShop(t)
	s.Start(t.Context())
	s.Stop()
	s.Stop()
}

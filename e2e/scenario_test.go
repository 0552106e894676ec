package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The scenario is what a day at the shop looks like from its HTTP API: a
// merchant lists products and stocks them, customers sign up, browse, fill
// carts, pay (some cards are declined, some products run out), cancel, and
// the warehouse dispatches. It is written against the shop's endpoints only
// (testdata/shop/api), so it runs unchanged against the monolith and the
// split.
//
// It is a list of journeys; each journey's responses are normalised on
// their own (ids and timestamps), so journeys can be compared one by one
// and a journey's transcript does not depend on what ran before it.

// Card numbers: all pass the Luhn check; the issuer declines numbers
// ending in 0000.
const (
	cardGood     = "4242 4242 4242 4242"
	cardMaster   = "5555555555554444"
	cardDeclined = "4000020000000000"
	cardInvalid  = "4242424242424241"
)

// adminKey unlocks the shop's admin API in every run.
const adminKey = "e2e-admin-key"

// entry is one recorded response.
type entry struct {
	Journey string
	Step    string
	Request string // method and normalised path
	Status  int
	Body    string // normalised
}

func (e entry) String() string {
	return fmt.Sprintf("%s / %s: %s -> %d\n%s", e.Journey, e.Step, e.Request, e.Status, e.Body)
}

// client runs the scenario against one shop.
type client struct {
	base   string
	http   *http.Client
	run    string // unique per client: SKUs, e-mails, tags
	shared bool   // other clients use the shop at the same time

	// patience bounds the wait for what events change; patient is what
	// is left of it in this journey (cut short after a first miss).
	patience, patient time.Duration

	// lite leaves out what acts on the whole shop or waits for its
	// events — repricing, cancellation, dispatch — for the benchmark:
	// concurrent clients would dispatch each other's orders.
	lite bool

	// checkpoint is called at named points of the scenario (tests kill
	// processes there).
	checkpoint func(name string)

	journey string
	norm    *normaliser
	out     []entry
	errs    []string
	lat     []time.Duration
}

func newClient(base, run string) *client {
	return &client{
		base:     strings.TrimSuffix(base, "/"),
		http:     &http.Client{Timeout: 60 * time.Second},
		run:      run,
		patience: 30 * time.Second,
	}
}

// resp is a response, decoded.
type resp struct {
	status int
	raw    []byte
	v      any
}

// get digs a value out of the JSON body by a dotted path ("user.id",
// "items.0.kind").
func (r resp) get(path string) any {
	v := r.v
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func (r resp) str(path string) string {
	s, _ := r.get(path).(string)
	return s
}

func (r resp) num(path string) int {
	f, _ := r.get(path).(float64)
	return int(f)
}

// begin starts a journey.
func (c *client) begin(name string) {
	c.journey = name
	c.norm = newNormaliser()
	c.patient = c.patience
	if c.checkpoint != nil {
		c.checkpoint("before " + name)
	}
}

func (c *client) failf(format string, a ...any) {
	c.errs = append(c.errs, fmt.Sprintf("%s: ", c.journey)+fmt.Sprintf(format, a...))
}

// send makes one request and returns its response without recording it.
func (c *client) send(method, path, token string, body any, header ...string) resp {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			panic(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		panic(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		c.lat = append(c.lat, time.Since(start))
		return resp{status: 0, raw: []byte(err.Error())}
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	c.lat = append(c.lat, time.Since(start))
	if err != nil {
		return resp{status: 0, raw: []byte(err.Error())}
	}
	r := resp{status: res.StatusCode, raw: raw}
	json.Unmarshal(raw, &r.v)
	return r
}

// record keeps r in the transcript and checks its status.
func (c *client) record(step, method, path string, r resp, want []int) {
	e := entry{
		Journey: c.journey,
		Step:    step,
		Request: method + " " + c.norm.apply(path),
		Status:  r.status,
		Body:    c.norm.apply(string(r.raw)),
	}
	c.out = append(c.out, e)
	if !slices.Contains(want, r.status) {
		c.failf("%s: %s %s = %d; want %v: %s", step, method, path, r.status, want, bytes.TrimSpace(r.raw))
	}
}

// do makes a request, records it and checks its status is one of want.
func (c *client) do(step, method, path, token string, body any, want ...int) resp {
	r := c.send(method, path, token, body)
	c.record(step, method, path, r, want)
	return r
}

// admin is do with the admin key.
func (c *client) admin(step, method, path string, body any, want ...int) resp {
	r := c.send(method, path, "", body, "X-Admin-Key", adminKey)
	c.record(step, method, path, r, want)
	return r
}

// eventually repeats a GET until ok accepts the response — what an event
// changes shows up some time after the request that published it — and
// records the last response. It gives up after c.patient.
func (c *client) eventually(step, path, token string, ok func(resp) bool) resp {
	deadline := time.Now().Add(c.patient)
	wait := 10 * time.Millisecond
	for {
		r := c.send("GET", path, token, nil)
		if r.status == http.StatusOK && ok(r) {
			c.record(step, "GET", path, r, []int{http.StatusOK})
			return r
		}
		if time.Now().After(deadline) {
			c.record(step, "GET", path, r, []int{http.StatusOK})
			c.failf("%s: GET %s: not as expected after %v: %s", step, path, c.patient, bytes.TrimSpace(r.raw))
			// Once something never showed up, the rest of the journey
			// fails fast rather than waiting as long at every step.
			c.patient = min(c.patient, 3*time.Second)
			return r
		}
		time.Sleep(wait)
		wait = min(2*wait, 250*time.Millisecond)
	}
}

// kinds lists the kinds of a page of notifications, newest first.
func kinds(r resp) []string {
	items, _ := r.get("items").([]any)
	var ks []string
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			k, _ := m["kind"].(string)
			ks = append(ks, k)
		}
	}
	return ks
}

// customer is a signed-up user and what the scenario expects to have been
// sent to them.
type customer struct {
	name, email, password, token, id string
	sent                             []string // notification kinds, oldest first
}

func (c *client) expectNotifications(step string, u *customer) {
	want := slices.Clone(u.sent)
	slices.Reverse(want)
	c.eventually(step, "/v1/notifications?per_page=50", u.token, func(r resp) bool {
		got := kinds(r)
		if c.shared {
			// Other clients' dispatches may ship this customer's orders
			// at any time: every expected message must be there, and
			// at most one dispatch notice per order besides.
			n := map[string]int{}
			for _, k := range got {
				n[k]++
			}
			for _, k := range want {
				n[k]--
			}
			for k, extra := range n {
				if extra < 0 || extra > 0 && (k != "shipment_dispatched" || n[k]+countOf(want, k) > countOf(want, "order_placed")) {
					return false
				}
			}
			return true
		}
		return slices.Equal(got, want)
	})
}

func countOf(ks []string, k string) int {
	n := 0
	for _, x := range ks {
		if x == k {
			n++
		}
	}
	return n
}

// product is a listed product.
type product struct {
	key, sku, name, id, slug string
	price                    int64
	grams, stock             int
	tags                     []string
}

// catalog of a run: the products every customer journey shops from.
type catalogOf struct {
	beans, mug, grinder, frother, gift *product
}

func money(cents int64) map[string]any { return map[string]any{"amount": cents, "currency": "EUR"} }

// scenario runs every journey. customers is how many customer journeys
// follow the merchant's (each ~40 requests).
func (c *client) scenario(customers int) {
	cat := c.merchant()
	for i := range customers {
		c.shopper(cat, i)
	}
	c.begin("closing")
	c.admin("remind abandoned carts", "POST", "/v1/admin/carts/remind", nil, http.StatusOK)
	if !c.lite {
		c.admin("nothing left to dispatch", "POST", "/v1/admin/shipping/dispatch", nil, http.StatusOK)
	}
	c.do("health", "GET", "/healthz", "", nil, http.StatusOK)
}

// merchant lists and stocks the catalog and checks the catalog's answers.
func (c *client) merchant() *catalogOf {
	c.begin("merchant")
	r := c.run
	cat := &catalogOf{
		beans:   &product{key: "beans", sku: r + "-COF-ESP", name: "Espresso Beans " + r, price: 1890, grams: 1000, stock: 60, tags: []string{"coffee", "beans"}},
		mug:     &product{key: "mug", sku: r + "-ACC-MUG", name: "Ceramic Mug " + r, price: 1200, grams: 350, stock: 3, tags: []string{"mug"}},
		grinder: &product{key: "grinder", sku: r + "-EQP-GRIND", name: "Burr Grinder " + r, price: 12900, grams: 2600, stock: 4, tags: []string{"grinder", "electric"}},
		frother: &product{key: "frother", sku: r + "-EQP-FROTH", name: "Milk Frother " + r, price: 4990, grams: 900, stock: 0, tags: []string{"milk", "electric"}},
		gift:    &product{key: "gift", sku: r + "-GFT-50", name: "Gift Card " + r, price: 5000, grams: 20, stock: 2000, tags: []string{"gift"}},
	}
	category := map[string]string{"beans": "coffee", "mug": "accessories", "grinder": "equipment", "frother": "equipment", "gift": "gifts"}
	newProduct := func(p *product) map[string]any {
		return map[string]any{
			"sku": p.sku, "name": p.name, "description": "A " + p.key + " for the e2e scenario.",
			"category": category[p.key] + "-" + r, "tags": append([]string{r}, p.tags...),
			"attributes": map[string]string{"kind": p.key, "run": r},
			"price":      money(p.price), "weight_grams": p.grams,
		}
	}
	all := []*product{cat.beans, cat.mug, cat.grinder, cat.frother, cat.gift}

	c.do("create without the admin key", "POST", "/v1/admin/products", "", newProduct(cat.beans), http.StatusForbidden)
	c.send("POST", "/v1/admin/products", "", newProduct(cat.beans), "X-Admin-Key", "wrong")
	for _, p := range all {
		res := c.admin("list "+p.key, "POST", "/v1/admin/products", newProduct(p), http.StatusCreated)
		p.id, p.slug = res.str("id"), res.str("slug")
	}
	c.admin("duplicate sku", "POST", "/v1/admin/products", newProduct(cat.mug), http.StatusConflict)
	bad := newProduct(cat.mug)
	bad["sku"], bad["name"] = r+"-NONAME", ""
	c.admin("product without a name", "POST", "/v1/admin/products", bad, http.StatusUnprocessableEntity)
	c.admin("unknown field", "POST", "/v1/admin/products", map[string]any{"sku": r + "-X", "colour": "red"}, http.StatusBadRequest)
	for _, p := range all {
		c.admin("stock "+p.key, "PUT", "/v1/admin/stock/"+p.id, map[string]int{"on_hand": p.stock}, http.StatusOK)
	}
	c.admin("stock of an unknown product", "PUT", "/v1/admin/stock/prd_unknown", map[string]int{"on_hand": 1}, http.StatusNotFound)
	c.admin("negative stock", "PUT", "/v1/admin/stock/"+cat.mug.id, map[string]int{"on_hand": -1}, http.StatusUnprocessableEntity, http.StatusBadRequest)
	c.admin("read stock", "GET", "/v1/admin/stock/"+cat.grinder.id, nil, http.StatusOK)
	if !c.lite {
		c.admin("reprice grinder", "PATCH", "/v1/admin/products/"+cat.grinder.id,
			map[string]any{"price": money(11900), "attributes": map[string]string{"burrs": "conical"}}, http.StatusOK)
		cat.grinder.price = 11900
	}

	c.do("browse the run's products", "GET", "/v1/products?tag="+r, "", nil, http.StatusOK)
	c.do("cheapest first", "GET", "/v1/products?tag="+r+"&sort=price_asc", "", nil, http.StatusOK)
	c.do("by name, page 2", "GET", "/v1/products?tag="+r+"&sort=name&per_page=2&page=2", "", nil, http.StatusOK)
	c.do("electric equipment", "GET", "/v1/products?tag="+r+"&tag=electric&category=equipment-"+r, "", nil, http.StatusOK)
	c.do("price range", "GET", "/v1/products?tag="+r+"&min_price=10.00&max_price=60", "", nil, http.StatusOK)
	c.do("by attribute", "GET", "/v1/products?attr=kind:mug&attr=run:"+r, "", nil, http.StatusOK)
	c.do("full text", "GET", "/v1/products?q=espresso+"+r, "", nil, http.StatusOK)
	c.do("bad sort", "GET", "/v1/products?sort=sideways", "", nil, http.StatusBadRequest)
	c.do("bad page", "GET", "/v1/products?page=0", "", nil, http.StatusBadRequest)
	c.do("product by id", "GET", "/v1/products/"+cat.beans.id, "", nil, http.StatusOK)
	c.do("product by slug", "GET", "/v1/products/"+cat.mug.slug, "", nil, http.StatusOK)
	c.do("unknown product", "GET", "/v1/products/no-such-thing-"+r, "", nil, http.StatusNotFound)
	return cat
}

// shopper is one customer's journey. Customer i varies the path a little:
// where they live, which card they use, what they buy.
func (c *client) shopper(cat *catalogOf, i int) {
	name := fmt.Sprintf("customer %d", i)
	c.begin(name)
	u := &customer{
		name:     fmt.Sprintf("Customer %d %s", i, c.run),
		email:    fmt.Sprintf("c%d-%s@example.com", i, strings.ToLower(c.run)),
		password: "correct horse " + c.run,
	}
	country := []string{"DE", "FR", "DE", "NL", "DE"}[i%5]
	address := map[string]string{"name": u.name, "line1": fmt.Sprintf("Hauptstraße %d", i+1), "city": "Berlin", "postal_code": "10115", "country": country}

	reg := c.do("sign up", "POST", "/v1/users", "", map[string]any{"email": u.email, "name": u.name, "password": u.password}, http.StatusCreated)
	u.token, u.id = reg.str("token"), reg.str("user.id")
	u.sent = append(u.sent, "welcome")
	c.do("sign up again", "POST", "/v1/users", "", map[string]any{"email": u.email, "name": u.name, "password": u.password}, http.StatusConflict)
	c.do("short password", "POST", "/v1/users", "", map[string]any{"email": "x" + u.email, "name": u.name, "password": "short"}, http.StatusUnprocessableEntity)
	c.do("wrong password", "POST", "/v1/sessions", "", map[string]string{"email": u.email, "password": "wrong password"}, http.StatusUnauthorized)
	login := c.do("sign in", "POST", "/v1/sessions", "", map[string]string{"email": strings.ToUpper(u.email), "password": u.password}, http.StatusCreated)
	if t := login.str("token"); t != "" {
		u.token = t
	}
	c.do("no token", "GET", "/v1/me", "", nil, http.StatusUnauthorized)
	c.do("bad token", "GET", "/v1/me", "tok_forged", nil, http.StatusUnauthorized)
	c.do("who am I", "GET", "/v1/me", u.token, nil, http.StatusOK)
	c.expectNotifications("welcome mail", u)

	c.do("browse", "GET", "/v1/products?tag="+c.run+"&sort=price_desc", "", nil, http.StatusOK)
	c.do("look at beans", "GET", "/v1/products/"+cat.beans.slug, "", nil, http.StatusOK)
	c.do("look at the frother", "GET", "/v1/products/"+cat.frother.id, "", nil, http.StatusOK)
	c.do("empty cart", "GET", "/v1/cart", u.token, nil, http.StatusOK)
	c.do("checkout an empty cart", "POST", "/v1/orders", u.token, map[string]string{"card_number": cardGood}, http.StatusConflict)
	c.do("add beans", "POST", "/v1/cart/items", u.token, map[string]any{"product_id": cat.beans.id, "quantity": 2}, http.StatusOK)
	c.do("add the sold-out frother", "POST", "/v1/cart/items", u.token, map[string]any{"product_id": cat.frother.id}, http.StatusConflict)
	c.do("add too many grinders", "POST", "/v1/cart/items", u.token, map[string]any{"product_id": cat.grinder.id, "quantity": 50}, http.StatusConflict)
	c.do("add an unknown product", "POST", "/v1/cart/items", u.token, map[string]any{"product_id": "prd_nope"}, http.StatusNotFound)
	c.do("add a grinder", "POST", "/v1/cart/items", u.token, map[string]any{"product_id": cat.grinder.id}, http.StatusOK)
	c.do("add gift cards", "POST", "/v1/cart/items", u.token, map[string]any{"product_id": cat.gift.id, "quantity": 99}, http.StatusOK)
	c.do("checkout without an address", "POST", "/v1/orders", u.token, map[string]string{"card_number": cardGood}, http.StatusUnprocessableEntity)
	c.do("set the address", "PUT", "/v1/me/address", u.token, address, http.StatusOK)
	c.do("over the payment limit", "POST", "/v1/orders", u.token, map[string]string{"card_number": cardGood}, http.StatusPaymentRequired)
	c.do("fewer gift cards", "PUT", "/v1/cart/items/"+cat.gift.id, u.token, map[string]int{"quantity": 1}, http.StatusOK)
	c.do("too many of anything", "PUT", "/v1/cart/items/"+cat.gift.id, u.token, map[string]int{"quantity": 100}, http.StatusUnprocessableEntity)
	c.do("remove the grinder", "DELETE", "/v1/cart/items/"+cat.grinder.id, u.token, nil, http.StatusOK)
	c.do("remove it again", "DELETE", "/v1/cart/items/"+cat.grinder.id, u.token, nil, http.StatusNotFound)
	c.do("cart with shipping estimate", "GET", "/v1/cart", u.token, nil, http.StatusOK)
	c.do("declined card", "POST", "/v1/orders", u.token, map[string]string{"card_number": cardDeclined}, http.StatusPaymentRequired)
	c.do("mistyped card", "POST", "/v1/orders", u.token, map[string]string{"card_number": cardInvalid}, http.StatusUnprocessableEntity)
	c.do("to America", "POST", "/v1/orders", u.token, map[string]any{"card_number": cardGood,
		"address": map[string]string{"name": u.name, "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}}, http.StatusUnprocessableEntity)
	// The mugs run out: three in stock, the fourth customer finds none.
	mug := c.send("POST", "/v1/cart/items", u.token, map[string]any{"product_id": cat.mug.id})
	if i < cat.mug.stock {
		c.record("add a mug", "POST", "/v1/cart/items", mug, []int{http.StatusOK})
	} else {
		c.record("no mugs left", "POST", "/v1/cart/items", mug, []int{http.StatusConflict})
	}
	card := []string{cardGood, cardMaster}[i%2]
	first := c.do("checkout", "POST", "/v1/orders", u.token, map[string]string{"card_number": card}, http.StatusCreated)
	firstID := first.str("id")
	u.sent = append(u.sent, "order_placed")
	c.do("the cart is empty now", "GET", "/v1/cart", u.token, nil, http.StatusOK)
	c.do("the order", "GET", "/v1/orders/"+firstID, u.token, nil, http.StatusOK)
	c.admin("its payment", "GET", "/v1/admin/payments/"+first.str("payment_id"), nil, http.StatusOK)
	if !c.lite {
		c.do("its shipment, pending", "GET", "/v1/orders/"+firstID+"/shipment", u.token, nil, http.StatusOK)
	}
	c.expectNotifications("order confirmation", u)

	c.do("add filter beans", "POST", "/v1/cart/items", u.token, map[string]any{"product_id": cat.beans.id, "quantity": 1}, http.StatusOK)
	second := c.do("second order", "POST", "/v1/orders", u.token, map[string]any{"card_number": cardGood, "address": address}, http.StatusCreated)
	secondID := second.str("id")
	u.sent = append(u.sent, "order_placed")
	c.expectNotifications("second confirmation", u)
	c.do("both orders", "GET", "/v1/orders", u.token, nil, http.StatusOK)
	c.do("someone else's order", "GET", "/v1/orders/ord_"+c.run+"nope", u.token, nil, http.StatusNotFound)
	if c.checkpoint != nil {
		c.checkpoint(fmt.Sprintf("%s placed", name))
	}
	if c.lite {
		return
	}
	cancel := c.send("POST", "/v1/orders/"+secondID+"/cancel", u.token, map[string]string{"reason": "changed my mind"})
	if c.shared {
		c.record("cancel the second order", "POST", "/v1/orders/"+secondID+"/cancel", cancel, []int{http.StatusOK, http.StatusConflict})
	} else {
		c.record("cancel the second order", "POST", "/v1/orders/"+secondID+"/cancel", cancel, []int{http.StatusOK})
	}
	cancelled := cancel.status == http.StatusOK
	if cancelled {
		u.sent = append(u.sent, "order_cancelled")
		c.expectNotifications("cancellation", u)
		c.do("cancel again", "POST", "/v1/orders/"+secondID+"/cancel", u.token, nil, http.StatusConflict)
		c.admin("refunded payment", "GET", "/v1/admin/payments/"+second.str("payment_id"), nil, http.StatusOK)
	}
	c.admin("stock after the cancellation", "GET", "/v1/admin/stock/"+cat.beans.id, nil, http.StatusOK)

	dispatch := c.admin("dispatch", "POST", "/v1/admin/shipping/dispatch", nil, http.StatusOK)
	if !c.shared && dispatch.num("dispatched") != 1 {
		c.failf("dispatch: dispatched %d shipments; want 1", dispatch.num("dispatched"))
	}
	u.sent = append(u.sent, "shipment_dispatched")
	if !cancelled {
		u.sent = append(u.sent, "shipment_dispatched")
	}
	c.eventually("order shipped", "/v1/orders/"+firstID, u.token, func(r resp) bool { return r.str("status") == "shipped" })
	c.do("shipment on its way", "GET", "/v1/orders/"+firstID+"/shipment", u.token, nil, http.StatusOK)
	c.do("too late to cancel", "POST", "/v1/orders/"+firstID+"/cancel", u.token, nil, http.StatusConflict)
	c.expectNotifications("dispatch notice", u)
	c.do("order history", "GET", "/v1/orders?per_page=1&page=2", u.token, nil, http.StatusOK)
	c.do("new address", "PUT", "/v1/me/address", u.token, map[string]string{"name": u.name, "line1": "Rue 1", "city": "Lyon", "postal_code": "69001", "country": "FR"}, http.StatusOK)
	c.do("leave something in the cart", "POST", "/v1/cart/items", u.token, map[string]any{"product_id": cat.gift.id, "quantity": 2}, http.StatusOK)
	c.do("clear the cart", "DELETE", "/v1/cart", u.token, nil, http.StatusNoContent)
}

// normaliser replaces generated ids and timestamps by stable names: the
// first id seen becomes <prefix#1>, and so on.
type normaliser struct {
	mu    sync.Mutex
	names map[string]string
	count map[string]int
}

func newNormaliser() *normaliser {
	return &normaliser{names: map[string]string{}, count: map[string]int{}}
}

var (
	idRE       = regexp.MustCompile(`\b([a-z]{2,5})_([0-9a-f]{24}|[0-9]{6})\b`)
	trackingRE = regexp.MustCompile(`\b(DHL|DPD)([0-9A-F]{24}|[0-9]{6})([A-Z]{2})\b`)
	timeRE     = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`)
)

func (n *normaliser) apply(s string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	s = timeRE.ReplaceAllString(s, "<time>")
	s = idRE.ReplaceAllStringFunc(s, func(id string) string { return n.name(id) })
	return trackingRE.ReplaceAllStringFunc(s, func(t string) string {
		m := trackingRE.FindStringSubmatch(t)
		return m[1] + "<" + n.name("shp_"+strings.ToLower(m[2])) + ">" + m[3]
	})
}

func (n *normaliser) name(id string) string {
	if v, ok := n.names[id]; ok {
		return v
	}
	prefix, _, _ := strings.Cut(id, "_")
	n.count[prefix]++
	v := fmt.Sprintf("%s#%d", prefix, n.count[prefix])
	n.names[id] = v
	return v
}

package catalog_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"example.com/shop/catalog"
	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/money"
	"example.com/shop/page"
)

var start = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func eur(cents int64) money.Money { return money.New(cents, money.EUR) }

func newService(t *testing.T) (*catalog.Service, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(start)
	return catalog.NewService(catalog.NewMemoryStore(), clk, ids.NewSequence(), money.EUR), clk
}

// seed lists a few products, one minute apart.
func seed(t *testing.T, s *catalog.Service, clk *clock.Manual) []catalog.Product {
	t.Helper()
	nps := []catalog.NewProduct{
		{SKU: "tea-1", Name: "Green Tea", Category: "Tea", Tags: []string{"tea", "organic"},
			Description: "Sencha from Shizuoka.", Attributes: map[string]string{"origin": "Japan"}, Price: eur(790)},
		{SKU: "cof-1", Name: "Espresso Beans", Category: "coffee", Tags: []string{"coffee", "beans"},
			Description: "Dark roast, good with milk.", Attributes: map[string]string{"origin": "Brazil", "roast": "dark"}, Price: eur(1890)},
		{SKU: "cof-2", Name: "Filter Coffee", Category: "coffee", Tags: []string{"coffee", "organic"},
			Description: "Light roast for pour-over.", Attributes: map[string]string{"origin": "Ethiopia", "roast": "light"}, Price: eur(950)},
		{SKU: "mug-1", Name: "Coffee Mug", Category: "accessories", Tags: []string{"mug"},
			Description: "Holds 300 ml of coffee or tea.", Price: eur(1200)},
	}
	var out []catalog.Product
	for _, np := range nps {
		p, err := s.Create(t.Context(), np)
		if err != nil {
			t.Fatalf("Create(%s): %v", np.SKU, err)
		}
		out = append(out, p)
		clk.Advance(time.Minute)
	}
	return out
}

func skus(ps []catalog.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.SKU
	}
	return out
}

func TestSlug(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Espresso Beans 1 kg", "espresso-beans-1-kg"},
		{"Café Crème Capsules (20)", "cafe-creme-capsules-20"},
		{"  Müsli & Nüsse  ", "muesli-and-nuesse"},
		{"Straße--Kaffee!!", "strasse-kaffee"},
		{"50%", "50"},
		{"日本茶", "product"},
		{"", "product"},
	}
	for _, tt := range tests {
		if got := catalog.Slug(tt.name); got != tt.want {
			t.Errorf("Slug(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestCreate(t *testing.T) {
	s, _ := newService(t)
	p, err := s.Create(t.Context(), catalog.NewProduct{
		SKU: " cof-9 ", Name: " House Blend ", Category: "Coffee", Tags: []string{"Beans", "coffee", "beans", ""},
		Price: eur(1500), WeightGrams: 500,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "prd_000001" || p.SKU != "COF-9" || p.Name != "House Blend" || p.Slug != "house-blend" ||
		p.Category != "coffee" || !p.Active || !p.CreatedAt.Equal(start) {
		t.Errorf("Create = %+v", p)
	}
	if want := []string{"beans", "coffee"}; !slices.Equal(p.Tags, want) {
		t.Errorf("Tags = %q; want %q", p.Tags, want)
	}
	if p.Attributes == nil {
		t.Error("Attributes is nil; want an empty map")
	}
	got, err := s.GetBySlug(t.Context(), "house-blend")
	if err != nil || got.ID != p.ID {
		t.Errorf("GetBySlug = %+v, %v", got, err)
	}
}

func TestCreateInvalid(t *testing.T) {
	tests := []struct {
		name string
		np   catalog.NewProduct
		want error
	}{
		{"no sku", catalog.NewProduct{Name: "x", Price: eur(1)}, catalog.ErrInvalid},
		{"no name", catalog.NewProduct{SKU: "x", Price: eur(1)}, catalog.ErrInvalid},
		{"free", catalog.NewProduct{SKU: "x", Name: "x"}, catalog.ErrInvalid},
		{"dollars", catalog.NewProduct{SKU: "x", Name: "x", Price: money.New(100, money.USD)}, catalog.ErrInvalid},
		{"negative weight", catalog.NewProduct{SKU: "x", Name: "x", Price: eur(1), WeightGrams: -1}, catalog.ErrInvalid},
	}
	s, _ := newService(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Create(t.Context(), tt.np); !errors.Is(err, tt.want) {
				t.Errorf("Create: %v; want %v", err, tt.want)
			}
		})
	}
}

func TestCreateDuplicateSKU(t *testing.T) {
	s, _ := newService(t)
	np := catalog.NewProduct{SKU: "cof-1", Name: "Beans", Price: eur(100)}
	if _, err := s.Create(t.Context(), np); err != nil {
		t.Fatal(err)
	}
	np.SKU = "COF-1"
	if _, err := s.Create(t.Context(), np); !errors.Is(err, catalog.ErrDuplicateSKU) {
		t.Errorf("Create duplicate: %v; want ErrDuplicateSKU", err)
	}
}

func TestSlugCollision(t *testing.T) {
	s, _ := newService(t)
	var slugs []string
	for _, sku := range []string{"a", "b", "c"} {
		p, err := s.Create(t.Context(), catalog.NewProduct{SKU: sku, Name: "Mug", Price: eur(100)})
		if err != nil {
			t.Fatal(err)
		}
		slugs = append(slugs, p.Slug)
	}
	if want := []string{"mug", "mug-2", "mug-3"}; !slices.Equal(slugs, want) {
		t.Errorf("slugs = %q; want %q", slugs, want)
	}
}

func TestGetNotFound(t *testing.T) {
	s, _ := newService(t)
	if _, err := s.Get(t.Context(), "prd_nope"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Get: %v; want ErrNotFound", err)
	}
	if _, err := s.GetBySlug(t.Context(), "nope"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("GetBySlug: %v; want ErrNotFound", err)
	}
	if _, err := s.Update(t.Context(), "prd_nope", &catalog.Patch{}); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Update: %v; want ErrNotFound", err)
	}
}

func TestSearch(t *testing.T) {
	s, clk := newService(t)
	seed(t, s, clk)
	tests := []struct {
		name string
		q    catalog.Query
		want []string
	}{
		{"everything by relevance then name", catalog.Query{}, []string{"MUG-1", "COF-1", "COF-2", "TEA-1"}},
		{"text ranks name over tag over description", catalog.Query{Text: "coffee"}, []string{"COF-2", "MUG-1", "COF-1"}},
		{"every word must match", catalog.Query{Text: "coffee light"}, []string{"COF-2"}},
		{"no match", catalog.Query{Text: "chocolate"}, []string{}},
		{"category", catalog.Query{Category: "COFFEE"}, []string{"COF-1", "COF-2"}},
		{"tags", catalog.Query{Tags: []string{"organic", "coffee"}}, []string{"COF-2"}},
		{"attributes", catalog.Query{Attributes: map[string]string{"roast": "dark"}}, []string{"COF-1"}},
		{"price range", catalog.Query{MinPrice: 900, MaxPrice: 1200}, []string{"MUG-1", "COF-2"}},
		{"price ascending", catalog.Query{Sort: catalog.SortPriceAsc}, []string{"TEA-1", "COF-2", "MUG-1", "COF-1"}},
		{"price descending", catalog.Query{Sort: catalog.SortPriceDesc}, []string{"COF-1", "MUG-1", "COF-2", "TEA-1"}},
		{"newest", catalog.Query{Sort: catalog.SortNewest}, []string{"MUG-1", "COF-2", "COF-1", "TEA-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.Search(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := skus(res.Items); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v) = %q; want %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestSearchFacetsAndPaging(t *testing.T) {
	s, clk := newService(t)
	seed(t, s, clk)
	res, err := s.Search(t.Context(), catalog.Query{Sort: catalog.SortName, Page: page.Request{Page: 2, PerPage: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if got := skus(res.Items); !slices.Equal(got, []string{"TEA-1"}) || res.Total != 4 || res.Pages != 2 {
		t.Errorf("page 2 = %q (total %d, pages %d); want [TEA-1] of 4 in 2 pages", got, res.Total, res.Pages)
	}
	if want := map[string]int{"coffee": 2, "tea": 1, "accessories": 1}; !equalMaps(res.Facets.Categories, want) {
		t.Errorf("category facets = %v; want %v", res.Facets.Categories, want)
	}
	if want := map[string]int{"coffee": 2, "organic": 2, "beans": 1, "tea": 1, "mug": 1}; !equalMaps(res.Facets.Tags, want) {
		t.Errorf("tag facets = %v; want %v", res.Facets.Tags, want)
	}
}

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestUpdate(t *testing.T) {
	s, clk := newService(t)
	ps := seed(t, s, clk)
	name, price, off := "Sencha Green Tea", eur(890), false
	got, err := s.Update(t.Context(), ps[0].ID, &catalog.Patch{
		Name:       &name,
		Price:      &price,
		Active:     &off,
		Attributes: map[string]string{"origin": "", "grade": "first flush"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || got.Price != price || got.Active || got.Slug != ps[0].Slug || !got.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("Update = %+v", got)
	}
	if want := map[string]string{"grade": "first flush"}; len(got.Attributes) != 1 || got.Attributes["grade"] != want["grade"] {
		t.Errorf("Attributes = %v; want %v", got.Attributes, want)
	}
	res, _ := s.Search(t.Context(), catalog.Query{Text: "sencha"})
	if len(res.Items) != 0 {
		t.Errorf("inactive product found by search: %q", skus(res.Items))
	}
	res, _ = s.Search(t.Context(), catalog.Query{Text: "sencha", Inactive: true})
	if len(res.Items) != 1 {
		t.Errorf("Search with Inactive found %q; want the inactive tea", skus(res.Items))
	}
	bad := money.New(-1, money.EUR)
	if _, err := s.Update(t.Context(), ps[0].ID, &catalog.Patch{Price: &bad}); !errors.Is(err, catalog.ErrInvalid) {
		t.Errorf("Update negative price: %v; want ErrInvalid", err)
	}
}

func TestStoredProductIsACopy(t *testing.T) {
	s, clk := newService(t)
	p := seed(t, s, clk)[1]
	p.Tags[0] = "changed"
	p.Attributes["origin"] = "changed"
	got, _ := s.Get(t.Context(), p.ID)
	if got.Tags[0] == "changed" || got.Attributes["origin"] == "changed" {
		t.Errorf("changing a returned product changed the stored one: %+v", got)
	}
}

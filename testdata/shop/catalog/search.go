package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"example.com/shop/page"
)

// Sort orders for search results.
const (
	SortRelevance = "relevance"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortName      = "name"
	SortNewest    = "newest"
)

// Query selects and orders products. Empty fields do not filter.
type Query struct {
	Text       string            // words matched against name, tags and description
	Category   string            // exact category
	Tags       []string          // product must carry every tag
	Attributes map[string]string // product attributes must match exactly
	MinPrice   int64             // minor units, inclusive; 0 means no minimum
	MaxPrice   int64             // minor units, inclusive; 0 means no maximum
	Sort       string            // one of the Sort constants; relevance by default
	Inactive   bool              // include products taken off sale
	Page       page.Request
}

// Facets count the matching products per category and per tag, over the
// whole result rather than one page, so a shop front can offer refinements.
type Facets struct {
	Categories map[string]int `json:"categories"`
	Tags       map[string]int `json:"tags"`
}

// Result is one page of matching products and the facets of all matches.
type Result struct {
	page.Page[Product]
	Facets Facets `json:"facets"`
}

// Search returns the products matching q.
func (s *Service) Search(ctx context.Context, q Query) (Result, error) {
	all, err := s.store.All(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	words := strings.Fields(strings.ToLower(q.Text))
	type hit struct {
		p     Product
		score int
	}
	var hits []hit
	facets := Facets{Categories: map[string]int{}, Tags: map[string]int{}}
	for _, p := range all {
		if !q.matches(p) {
			continue
		}
		score := relevance(p, words)
		if len(words) > 0 && score == 0 {
			continue
		}
		hits = append(hits, hit{p, score})
		facets.Categories[p.Category]++
		for _, t := range p.Tags {
			facets.Tags[t]++
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		var c int
		switch q.Sort {
		case SortPriceAsc:
			c = cmp.Compare(a.p.Price.Amount, b.p.Price.Amount)
		case SortPriceDesc:
			c = cmp.Compare(b.p.Price.Amount, a.p.Price.Amount)
		case SortNewest:
			c = b.p.CreatedAt.Compare(a.p.CreatedAt)
		case SortName:
		default:
			c = cmp.Compare(b.score, a.score)
		}
		if c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.p.Name, b.p.Name), cmp.Compare(a.p.ID, b.p.ID))
	})
	products := make([]Product, len(hits))
	for i, h := range hits {
		products[i] = h.p
	}
	return Result{Page: page.Paginate(products, q.Page), Facets: facets}, nil
}

// ValidSort reports whether s names a sort order Search knows.
func ValidSort(s string) bool {
	switch s {
	case "", SortRelevance, SortPriceAsc, SortPriceDesc, SortName, SortNewest:
		return true
	}
	return false
}

func (q Query) matches(p Product) bool {
	if !p.Active && !q.Inactive {
		return false
	}
	if q.Category != "" && !strings.EqualFold(q.Category, p.Category) {
		return false
	}
	for _, t := range q.Tags {
		if !slices.Contains(p.Tags, strings.ToLower(t)) {
			return false
		}
	}
	for k, v := range q.Attributes {
		if p.Attributes[k] != v {
			return false
		}
	}
	if q.MinPrice > 0 && p.Price.Amount < q.MinPrice {
		return false
	}
	if q.MaxPrice > 0 && p.Price.Amount > q.MaxPrice {
		return false
	}
	return true
}

// relevance scores how well p matches the search words: a word in the name
// counts three, in a tag two, in the description one.
func relevance(p Product, words []string) int {
	name := strings.ToLower(p.Name)
	desc := strings.ToLower(p.Description)
	score := 0
	for _, w := range words {
		s := 0
		if strings.Contains(name, w) {
			s += 3
		}
		if slices.ContainsFunc(p.Tags, func(t string) bool { return strings.Contains(t, w) }) {
			s += 2
		}
		if strings.Contains(desc, w) {
			s++
		}
		if s == 0 {
			return 0 // every word must match somewhere
		}
		score += s
	}
	return score
}

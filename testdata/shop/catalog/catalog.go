// Package catalog holds the products the shop sells: their names, prices,
// categories, tags and free-form attributes, and a search over them.
// Stock levels are not part of the catalog; see package inventory.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/money"
)

// Errors returned by the service. Callers compare with errors.Is.
var (
	ErrNotFound     = errors.New("product not found")
	ErrDuplicateSKU = errors.New("sku already in catalog")
	ErrInvalid      = errors.New("invalid product")
)

// Product is an article for sale.
type Product struct {
	ID          string            `json:"id"`
	SKU         string            `json:"sku"`
	Name        string            `json:"name"`
	Slug        string            `json:"slug"`
	Description string            `json:"description"`
	Category    string            `json:"category"`
	Tags        []string          `json:"tags"`
	Attributes  map[string]string `json:"attributes"`
	Price       money.Money       `json:"price"`
	WeightGrams int               `json:"weight_grams"`
	Active      bool              `json:"active"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// NewProduct is what a merchant submits to list a product.
type NewProduct struct {
	SKU         string            `json:"sku"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Category    string            `json:"category"`
	Tags        []string          `json:"tags"`
	Attributes  map[string]string `json:"attributes"`
	Price       money.Money       `json:"price"`
	WeightGrams int               `json:"weight_grams"`
}

// Patch changes some fields of a product; nil fields are left alone.
// Attributes are merged: a key with an empty value is removed.
type Patch struct {
	Name        *string           `json:"name,omitempty"`
	Description *string           `json:"description,omitempty"`
	Price       *money.Money      `json:"price,omitempty"`
	Active      *bool             `json:"active,omitempty"`
	Tags        *[]string         `json:"tags,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"`
}

// Service manages the catalog.
type Service struct {
	store    Store
	clock    clock.Clock
	ids      ids.Generator
	currency money.Currency
}

// NewService returns a Service over store that prices in currency.
func NewService(store Store, clk clock.Clock, gen ids.Generator, currency money.Currency) *Service {
	return &Service{store: store, clock: clk, ids: gen, currency: currency}
}

// Create lists a new, active product. Its slug is derived from the name
// and made unique by a numeric suffix.
func (s *Service) Create(ctx context.Context, np NewProduct) (Product, error) {
	if err := s.validate(np); err != nil {
		return Product{}, err
	}
	now := s.clock.Now()
	p := Product{
		ID:          s.ids.New("prd"),
		SKU:         strings.ToUpper(strings.TrimSpace(np.SKU)),
		Name:        strings.TrimSpace(np.Name),
		Description: strings.TrimSpace(np.Description),
		Category:    strings.ToLower(strings.TrimSpace(np.Category)),
		Tags:        normalizeTags(np.Tags),
		Attributes:  maps.Clone(np.Attributes),
		Price:       np.Price,
		WeightGrams: np.WeightGrams,
		Active:      true,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	if p.Attributes == nil {
		p.Attributes = map[string]string{}
	}
	slug, err := s.uniqueSlug(ctx, Slug(p.Name))
	if err != nil {
		return Product{}, fmt.Errorf("create %s: %w", p.SKU, err)
	}
	p.Slug = slug
	if err := s.store.Insert(ctx, p); err != nil {
		return Product{}, fmt.Errorf("create %s: %w", p.SKU, err)
	}
	return p, nil
}

func (s *Service) validate(np NewProduct) error {
	switch {
	case strings.TrimSpace(np.SKU) == "":
		return fmt.Errorf("%w: sku is required", ErrInvalid)
	case strings.TrimSpace(np.Name) == "":
		return fmt.Errorf("%w: name is required", ErrInvalid)
	case np.Price.Amount <= 0:
		return fmt.Errorf("%w: price must be positive", ErrInvalid)
	case np.Price.Currency != s.currency:
		return fmt.Errorf("%w: price must be in %s", ErrInvalid, s.currency)
	case np.WeightGrams < 0:
		return fmt.Errorf("%w: weight must not be negative", ErrInvalid)
	}
	return nil
}

func (s *Service) uniqueSlug(ctx context.Context, base string) (string, error) {
	slug := base
	for n := 2; ; n++ {
		_, err := s.store.BySlug(ctx, slug)
		if errors.Is(err, ErrNotFound) {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
		slug = fmt.Sprintf("%s-%d", base, n)
	}
}

// Get returns the product with the given ID.
func (s *Service) Get(ctx context.Context, id string) (Product, error) {
	p, err := s.store.Get(ctx, id)
	if err != nil {
		return Product{}, fmt.Errorf("get product %s: %w", id, err)
	}
	return p, nil
}

// GetBySlug returns the product with the given slug.
func (s *Service) GetBySlug(ctx context.Context, slug string) (Product, error) {
	p, err := s.store.BySlug(ctx, slug)
	if err != nil {
		return Product{}, fmt.Errorf("get product %q: %w", slug, err)
	}
	return p, nil
}

// Update applies a patch to a product.
func (s *Service) Update(ctx context.Context, id string, patch *Patch) (Product, error) {
	p, err := s.store.Get(ctx, id)
	if err != nil {
		return Product{}, fmt.Errorf("update product %s: %w", id, err)
	}
	if patch.Name != nil {
		name := strings.TrimSpace(*patch.Name)
		if name == "" {
			return Product{}, fmt.Errorf("%w: name is required", ErrInvalid)
		}
		p.Name = name
	}
	if patch.Description != nil {
		p.Description = strings.TrimSpace(*patch.Description)
	}
	if patch.Price != nil {
		if patch.Price.Amount <= 0 || patch.Price.Currency != s.currency {
			return Product{}, fmt.Errorf("%w: price must be positive and in %s", ErrInvalid, s.currency)
		}
		p.Price = *patch.Price
	}
	if patch.Active != nil {
		p.Active = *patch.Active
	}
	if patch.Tags != nil {
		p.Tags = normalizeTags(*patch.Tags)
	}
	if len(patch.Attributes) > 0 {
		p.Attributes = maps.Clone(p.Attributes)
		for k, v := range patch.Attributes {
			if v == "" {
				delete(p.Attributes, k)
			} else {
				p.Attributes[k] = v
			}
		}
	}
	p.UpdatedAt = s.clock.Now()
	if err := s.store.Update(ctx, p); err != nil {
		return Product{}, fmt.Errorf("update product %s: %w", id, err)
	}
	return p, nil
}

func normalizeTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Package page cuts lists into pages for API responses.
package page

// Limits applied by Normalize.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
)

// Request asks for one page of a list. Pages count from 1.
type Request struct {
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// Normalize fills in defaults and clamps out-of-range values.
func (r Request) Normalize() Request {
	if r.Page < 1 {
		r.Page = 1
	}
	switch {
	case r.PerPage < 1:
		r.PerPage = DefaultPerPage
	case r.PerPage > MaxPerPage:
		r.PerPage = MaxPerPage
	}
	return r
}

// Page is one page of a list of T.
type Page[T any] struct {
	Items   []T `json:"items"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
	Pages   int `json:"pages"`
}

// Paginate returns the page of items that r asks for. Items is never nil,
// so an empty page encodes as [] rather than null.
func Paginate[T any](items []T, r Request) Page[T] {
	r = r.Normalize()
	p := Page[T]{
		Page:    r.Page,
		PerPage: r.PerPage,
		Total:   len(items),
		Pages:   (len(items) + r.PerPage - 1) / r.PerPage,
	}
	start := min((r.Page-1)*r.PerPage, len(items))
	end := min(start+r.PerPage, len(items))
	p.Items = append(make([]T, 0, end-start), items[start:end]...)
	return p
}

// Map converts the items of p with f, keeping the page bounds.
func Map[T, U any](p Page[T], f func(T) U) Page[U] {
	out := Page[U]{Page: p.Page, PerPage: p.PerPage, Total: p.Total, Pages: p.Pages}
	out.Items = make([]U, len(p.Items))
	for i, it := range p.Items {
		out.Items[i] = f(it)
	}
	return out
}

package page_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"

	"example.com/shop/page"
)

func TestPaginate(t *testing.T) {
	items := []int{1, 2, 3, 4, 5, 6, 7}
	tests := []struct {
		req       page.Request
		want      []int
		wantPages int
	}{
		{page.Request{Page: 1, PerPage: 3}, []int{1, 2, 3}, 3},
		{page.Request{Page: 3, PerPage: 3}, []int{7}, 3},
		{page.Request{Page: 4, PerPage: 3}, []int{}, 3},
		{page.Request{}, items, 1},
		{page.Request{Page: 2, PerPage: 5}, []int{6, 7}, 2},
	}
	for _, tt := range tests {
		got := page.Paginate(items, tt.req)
		if !slices.Equal(got.Items, tt.want) || got.Pages != tt.wantPages || got.Total != len(items) {
			t.Errorf("Paginate(%+v) = %+v; want items %v, %d pages", tt.req, got, tt.want, tt.wantPages)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want page.Request }{
		{page.Request{}, page.Request{Page: 1, PerPage: page.DefaultPerPage}},
		{page.Request{Page: -2, PerPage: 1000}, page.Request{Page: 1, PerPage: page.MaxPerPage}},
		{page.Request{Page: 3, PerPage: 7}, page.Request{Page: 3, PerPage: 7}},
	}
	for _, tt := range tests {
		if got := tt.in.Normalize(); got != tt.want {
			t.Errorf("%+v.Normalize() = %+v; want %+v", tt.in, got, tt.want)
		}
	}
}

func TestEmptyPageEncodesAsArray(t *testing.T) {
	b, err := json.Marshal(page.Paginate[string](nil, page.Request{}))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"items":[],"page":1,"per_page":20,"total":0,"pages":0}`; string(b) != want {
		t.Errorf("Marshal(empty page) = %s; want %s", b, want)
	}
}

func TestMap(t *testing.T) {
	p := page.Paginate([]int{1, 2, 3}, page.Request{Page: 2, PerPage: 2})
	got := page.Map(p, strconv.Itoa)
	if !slices.Equal(got.Items, []string{"3"}) || got.Page != 2 || got.Total != 3 || got.Pages != 2 {
		t.Errorf("Map = %+v", got)
	}
}

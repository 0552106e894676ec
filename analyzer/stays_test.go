package analyzer

import (
	"context"
	"path/filepath"
	"testing"
)

// TestStays loads testdata/stays/shapes.txtar and checks what the graph
// records of the shapes cleave apply leaves alone across services.
func TestStays(t *testing.T) {
	dir, _ := extract(t, filepath.Join("testdata", "stays", "shapes.txtar"))
	g, err := Load(context.Background(), dir, []string{"./..."}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const d = "example.com/stays/data"
	str := func(s *Stay) string {
		if s == nil {
			return ""
		}
		return s.Reason + ": " + s.Why
	}
	funcs := map[string]*Func{}
	for _, f := range g.Funcs {
		funcs[f.ID] = f
	}
	for _, tc := range []struct {
		id, stays, event string
	}{
		{"(*" + d + ".Cargo).Assign", "data: method of a data type (all its fields travel): it runs where the data is", ""},
		{"(" + d + ".Leg).Days", "value: method with a value receiver: a value, not a service object", ""},
		{"(*" + d + ".Repo).Find", "", "callee: event topic but the callee returns results"},
		{"(*" + d + ".Repo).Info", "payload: result *data.Result: field Rows: interface values cannot travel", ""},
		{d + ".Dial", "payload: constructor or wiring: returns *data.Conn, an object with state, not data (struct data.Conn has unexported field addr)", ""},
		{d + ".Max", "callee: generic callee", ""},
		{d + ".helper", "callee: unexported function", ""},
		{d + ".Spawn", "goroutines: the callee starts goroutines: work that outlives the call would run in another process, under the request's context", ""},
		{d + ".Notify", "", ""},
		{d + ".Totals", "callee: its signature has the unexported type data.totals, which generated code cannot name", ""},
		{d + ".Reset", "callee: its signature has the unexported type data.totals, which generated code cannot name", ""},
		{d + ".Fill", "", "payload: parameter lv *data.Level: pointer parameter: the callee's writes through it would not come back"},
		{d + ".Rename", "", ""},
		{d + ".Label", "payload: parameter c data.Code: data.Code has MarshalText but no UnmarshalText (nor a Parse(string) (T, error) in its package): its JSON does not round-trip", ""},
	} {
		f := funcs[tc.id]
		if f == nil {
			t.Errorf("no function %s", tc.id)
			continue
		}
		if got := str(f.Stays); got != tc.stays {
			t.Errorf("%s: Stays = %q; want %q", tc.id, got, tc.stays)
		}
		if got := str(f.StaysEvent); got != tc.event {
			t.Errorf("%s: StaysEvent = %q; want %q", tc.id, got, tc.event)
		}
	}
	sites := map[string]string{}
	for _, c := range g.Calls {
		if c.Site.File == "app/app.go" {
			sites[c.Site.Pos.String()] = str(c.Stays)
		}
	}
	for pos, want := range map[string]string{
		"app/app.go:8:9":  "site: receiver held by value (data.Repo): the service knows only the pointers the wiring made; hold it by pointer",
		"app/app.go:9:9":  "",
		"app/app.go:11:2": "site: " + WhyFuncValue,
		"app/app.go:12:2": "",
	} {
		if got, ok := sites[pos]; !ok {
			t.Errorf("no call at %s; calls: %q", pos, sites)
		} else if got != want {
			t.Errorf("call at %s: Stays = %q; want %q", pos, got, want)
		}
	}
}

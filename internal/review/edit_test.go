package review

import (
	"strings"
	"testing"

	"github.com/cleave-go/cleave/planner"
)

func TestApply(t *testing.T) {
	known := func(p string) bool {
		return strings.HasPrefix(p, "example.com/shop/") && !strings.HasSuffix(p, "/nope")
	}
	for _, tc := range []struct {
		name  string
		edit  Edit
		want  string // error, or "" for success
		check func(*planner.Plan) bool
	}{
		{"move", Edit{Op: OpMove, Package: "example.com/shop/cart", To: "billing"}, "", func(p *planner.Plan) bool {
			return strings.Join(p.Services[3].Packages, " ") == "example.com/shop/billing example.com/shop/cart example.com/shop/invoice" &&
				len(p.Services[1].Packages) == 1
		}},
		{"move shared into a service", Edit{Op: OpMove, Package: "example.com/shop/ids", To: "billing"}, "", func(p *planner.Plan) bool {
			return len(p.Shared) == 1 && len(p.Services[3].Packages) == 3
		}},
		{"move unknown", Edit{Op: OpMove, Package: "example.com/shop/nope", To: "billing"}, "unknown package", nil},
		{"move nowhere", Edit{Op: OpMove, Package: "example.com/shop/cart"}, "no service named", nil},
		{"create", Edit{Op: OpCreate, Service: "search"}, "", func(p *planner.Plan) bool { return p.Services[5].Name == "search" }},
		{"create upper", Edit{Op: OpCreate, Service: "Search"}, "lower-case Go identifier", nil},
		{"create markup", Edit{Op: OpCreate, Service: "<script>"}, "lower-case Go identifier", nil},
		{"create underscore first", Edit{Op: OpCreate, Service: "_x"}, "lower-case Go identifier", nil},
		{"rename keeps pins", Edit{Op: OpRename, Service: "orders", To: "sales"}, "", func(p *planner.Plan) bool {
			return p.Services[1].Name == "sales" && p.Constraints.Pin[0].Service == "sales"
		}},
		{"rename to itself", Edit{Op: OpRename, Service: "orders", To: "orders"}, "", nil},
		{"merge", Edit{Op: OpMerge, Service: "notify", To: "billing"}, "", func(p *planner.Plan) bool {
			return len(p.Services) == 4 && len(p.Services[3].Packages) == 3
		}},
		{"merge edge keeps edge", Edit{Op: OpMerge, Service: "web", To: "orders"}, "", func(p *planner.Plan) bool {
			return p.Services[0].Name == "orders" && p.Services[0].Edge
		}},
		{"delete non-empty", Edit{Op: OpDelete, Service: "notify"}, "still has 1 package:", nil},
		{"kind", Edit{Op: OpKind, Function: "example.com/shop/billing.Charge", Kind: "event"}, "", func(p *planner.Plan) bool {
			return len(p.Constraints.Kinds) == 1 && p.Constraints.Kinds[0].Kind == "event"
		}},
		{"share", Edit{Op: OpShare, Package: "example.com/shop/cart"}, "", func(p *planner.Plan) bool {
			return len(p.Shared) == 3 && len(p.Services[1].Packages) == 1 && len(p.Constraints.Pin) == 0 &&
				len(p.Constraints.Shared) == 1
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := fixturePlan(t)
			p.Constraints.Pin = []planner.Pin{{Package: "example.com/shop/cart", Service: "orders"}}
			err := Apply(p, tc.edit, known)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Apply(%+v) = %v; want success", tc.edit, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Apply(%+v) = %v; want an error with %q", tc.edit, err, tc.want)
			}
			if tc.check != nil && !tc.check(p) {
				t.Errorf("Apply(%+v): plan now %+v", tc.edit, p.Services)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	known := func(string) bool { return true }
	p := fixturePlan(t)
	p.Services[2].Packages = append(p.Services[2].Packages, "example.com/shop/cart")
	if err := Validate(p, known); err == nil || !strings.Contains(err.Error(), `"example.com/shop/cart" would be in both "orders" and "inventory"`) {
		t.Errorf("Validate with a package in two services = %v", err)
	}
	p = fixturePlan(t)
	p.Services[1].Name = "web"
	if err := Validate(p, known); err == nil || !strings.Contains(err.Error(), `two services named "web"`) {
		t.Errorf("Validate with a repeated name = %v", err)
	}
	p = fixturePlan(t)
	p.Shared = append(p.Shared, "example.com/shop/cart")
	if err := Validate(p, known); err == nil || !strings.Contains(err.Error(), "both shared and in") {
		t.Errorf("Validate with a shared service package = %v", err)
	}
	if err := Validate(fixturePlan(t), func(p string) bool { return p != "example.com/shop/notify" }); err == nil ||
		!strings.Contains(err.Error(), "unknown package") {
		t.Errorf("Validate with an unknown package = %v", err)
	}
}

func TestApplyOnBrokenPlan(t *testing.T) {
	// A plan that names a package gone from the code can still be edited,
	// and the edit that removes the stale package is welcome.
	p := fixturePlan(t)
	p.Services[4].Packages = append(p.Services[4].Packages, "example.com/shop/gone")
	known := func(s string) bool { return s != "example.com/shop/gone" }
	if err := Apply(p, Edit{Op: OpMove, Package: "example.com/shop/cart", To: "billing"}, known); err != nil {
		t.Errorf("Apply on a plan with a stale package: %v", err)
	}
	if err := Apply(p, Edit{Op: OpCreate, Service: "Bad"}, known); err == nil {
		t.Errorf("Apply let a bad name in because the plan had another problem")
	}
}

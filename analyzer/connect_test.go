package analyzer

import (
	"context"
	"fmt"
	"testing"
)

// TestHTTPRPCEntries checks what the fixture lines do not show of the
// connect and twirp entries: the prefix left unknown and the middleware.
func TestHTTPRPCEntries(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		want    []string // func route prefix_unknown middleware
	}{
		{"connect", []string{
			"(*example.com/fx/rpcmods/billing.Service).Charge /api/billing.v1.BillingService/Charge false []",
			"(*example.com/fx/rpcmods/greeter.Server).Farewell /greet.v1.GreetService/Farewell false [example.com/fx/rpcmods/greeter.logged]",
			"(*example.com/fx/rpcmods/greeter.Server).Greet /greet.v1.GreetService/Greet false [example.com/fx/rpcmods/greeter.logged]",
			"(*example.com/fx/rpcmods/greeter.Server).Farewell /v2/greet.v1.GreetService/Farewell false []",
			"(*example.com/fx/rpcmods/greeter.Server).Greet /v2/greet.v1.GreetService/Greet false []",
			"(example.com/fx/rpcmods/greeter.Legacy).Greet /greet.v1.GreetService/Greet true []",
		}},
		{"twirp", []string{
			"(*example.com/fx/hatshop/shop.Shop).MakeHat /rpc/hats.v1.Haberdasher/MakeHat false []",
			"(*example.com/fx/hatshop/shop.Shop).MakeHat /twirp/hats.v1.Haberdasher/MakeHat false []",
			"(*example.com/fx/hatshop/shop.Shop).MakeHat /hats.v1.Haberdasher/MakeHat true []",
			"example.com/fx/hatshop.main /health false []",
		}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			dir, _ := extract(t, "testdata/"+tc.fixture+".txtar")
			g, err := Load(context.Background(), dir, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range g.Entries {
				if e.Kind == EntryHTTP {
					got = append(got, fmt.Sprintf("%s %s %v %v", e.Func, e.Route, e.PrefixUnknown, e.Middleware))
				}
			}
			compare(t, "http entries", got, tc.want)
		})
	}
}

func TestIDPackage(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"(*example.com/x/gen/hats/v1.haberdasherServer).ServeHTTP", "example.com/x/gen/hats/v1"},
		{"(example.com/x/greeter.Legacy).Greet", "example.com/x/greeter"},
		{"example.com/x/greetv1connect.NewGreetServiceHandler$1", "example.com/x/greetv1connect"},
		{"main.main", "main"},
	} {
		if got := idPackage(tc.id); got != tc.want {
			t.Errorf("idPackage(%q) = %q; want %q", tc.id, got, tc.want)
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

// connectfwdPlan splits testdata/connectfwd, a modular monolith whose
// greeter and billing modules serve connect services and whose hats module
// a twirp service on main's one mux, into the edge (main) and one service
// per module.
const connectfwdPlan = `version: 1
module: example.com/connectfwd
broker: nats
prefix: connectfwd
services:
  - name: web
    packages:
      - example.com/connectfwd
    edge: true
  - name: greeter
    packages:
      - example.com/connectfwd/greeter
      - example.com/connectfwd/gen/greet/v1/greetv1connect
  - name: billing
    packages:
      - example.com/connectfwd/billing
      - example.com/connectfwd/gen/billing/v1/billingv1connect
  - name: hats
    packages:
      - example.com/connectfwd/hats
      - example.com/connectfwd/gen/hats/v1
shared:
  - example.com/connectfwd/gen/billing/v1
  - example.com/connectfwd/gen/greet/v1
`

// connectfwdClient is a connect and twirp client of the split, written
// into the applied module (which requires connect and twirp; cleave's
// module does not): it calls the edge and prints one line per call.
const connectfwdClient = `package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"connectrpc.com/connect"
	"github.com/twitchtv/twirp"

	billingv1 "example.com/connectfwd/gen/billing/v1"
	"example.com/connectfwd/gen/billing/v1/billingv1connect"
	greetv1 "example.com/connectfwd/gen/greet/v1"
	"example.com/connectfwd/gen/greet/v1/greetv1connect"
	hatsv1 "example.com/connectfwd/gen/hats/v1"
)

func main() {
	base := "http://" + os.Args[1]
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	hc := http.DefaultClient

	greet := greetv1connect.NewGreetServiceClient(hc, base)
	req := connect.NewRequest(&greetv1.GreetRequest{Name: "ann"})
	req.Header().Set("X-Caller", "tester")
	g, err := greet.Greet(ctx, req)
	if err != nil {
		fmt.Println("greet", err)
	} else {
		fmt.Printf("greet %s caller=%s\n", g.Msg.GetGreeting(), g.Header().Get("X-Caller"))
	}
	get := greetv1connect.NewGreetServiceClient(hc, base, connect.WithHTTPGet())
	f, err := get.Farewell(ctx, connect.NewRequest(&greetv1.GreetRequest{Name: "ann"}))
	fmt.Printf("farewell %s %v\n", f.Msg.GetGreeting(), err)
	web := greetv1connect.NewGreetServiceClient(hc, base, connect.WithGRPCWeb())
	w, err := web.Greet(ctx, connect.NewRequest(&greetv1.GreetRequest{Name: "bob"}))
	fmt.Printf("grpcweb %s %v\n", w.Msg.GetGreeting(), err)
	var h2 http.Protocols
	h2.SetUnencryptedHTTP2(true)
	grpc := greetv1connect.NewGreetServiceClient(&http.Client{Transport: &http.Transport{Protocols: &h2}}, base, connect.WithGRPC())
	req = connect.NewRequest(&greetv1.GreetRequest{Name: "cy"})
	req.Header().Set("X-Caller", "grpc")
	gr, err := grpc.Greet(ctx, req)
	if err != nil {
		fmt.Println("grpc", err)
	} else {
		fmt.Printf("grpc %s caller=%s\n", gr.Msg.GetGreeting(), gr.Header().Get("X-Caller"))
	}
	bg := billingv1connect.NewBillingServiceClient(&http.Client{Transport: &http.Transport{Protocols: &h2}}, base+"/api", connect.WithGRPC())
	_, err = bg.Charge(ctx, connect.NewRequest(&billingv1.ChargeRequest{Account: "acme"}))
	fmt.Printf("grpc-invalid %s %s\n", connect.CodeOf(err), errMessage(err))

	bill := billingv1connect.NewBillingServiceClient(hc, base+"/api", connect.WithProtoJSON())
	c, err := bill.Charge(ctx, connect.NewRequest(&billingv1.ChargeRequest{Account: "acme", Cents: 100}))
	fmt.Printf("charge %s %v\n", c.Msg.GetReceipt(), err)
	_, err = bill.Charge(ctx, connect.NewRequest(&billingv1.ChargeRequest{Account: "acme"}))
	fmt.Printf("charge-invalid %s %s\n", connect.CodeOf(err), errMessage(err))
	_, err = bill.Refund(ctx, connect.NewRequest(&billingv1.ChargeRequest{Account: "acme"}))
	fmt.Printf("refund %s\n", connect.CodeOf(err))

	h, err := hatsv1.NewHaberdasherProtobufClient(base, hc).MakeHat(ctx, &hatsv1.Size{Inches: 7})
	fmt.Printf("hat %d %s %v\n", h.GetInches(), h.GetColor(), err)
	_, err = hatsv1.NewHaberdasherJSONClient(base, hc).MakeHat(ctx, &hatsv1.Size{})
	if te, ok := err.(twirp.Error); ok {
		fmt.Printf("hat-invalid %s %s\n", te.Code(), te.Msg())
	} else {
		fmt.Printf("hat-invalid %v\n", err)
	}

	resp, err := hc.Get(base + "/health")
	if err != nil {
		fmt.Println("health", err)
		return
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Printf("health %s\n", b)
}

func errMessage(err error) string {
	if ce, ok := err.(*connect.Error); ok {
		return ce.Message()
	}
	return fmt.Sprint(err)
}
`

// TestRunForwardConnect splits testdata/connectfwd and runs it: the edge
// forwards each connect procedure (/greet.v1.GreetService/Greet, by POST
// and, for a method without side effects, GET; gRPC-Web, and gRPC over
// unencrypted HTTP/2 with its trailers, too) and each
// twirp method (/twirp/hats.v1.Haberdasher/MakeHat) to the process of the
// service whose package implements it, with the prefix of the mux it is
// mounted on (/api/billing.v1.BillingService/Charge); errors keep their
// codes, headers come back, and /health stays in the edge. The planner
// puts the two connect modules in two services of their own, and the
// monolith's own tests pass after apply.
func TestRunForwardConnect(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a split")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	mod := filepath.Join(t.TempDir(), "mod")
	if err := copyFixture(filepath.Join("testdata", "connectfwd"), mod); err != nil {
		t.Fatal(err)
	}

	// cleave plan: the modules serving connect are services apart from
	// the edge and from each other.
	g, err := analyzer.Load(ctx, mod, []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	proposed, err := planner.Propose(ctx, g, planner.Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	svcOf := map[string]string{}
	edge := ""
	for _, s := range proposed.Services {
		for _, p := range s.Packages {
			svcOf[p] = s.Name
		}
		if s.Edge {
			edge = s.Name
		}
	}
	greeter, billing := svcOf["example.com/connectfwd/greeter"], svcOf["example.com/connectfwd/billing"]
	if greeter == "" || billing == "" || greeter == billing || greeter == edge || billing == edge {
		t.Errorf("proposed plan puts greeter in %q, billing in %q, the edge is %q; want two services apart from the edge", greeter, billing, edge)
	}
	// The generated code (messages, connect handlers, the twirp server) is
	// glue every service links, not a service of its own.
	if hats := svcOf["example.com/connectfwd/hats"]; hats == "" || hats == edge {
		t.Errorf("proposed plan puts hats in %q, the edge is %q; want a service apart", hats, edge)
	}
	for _, gen := range []string{"gen/hats/v1", "gen/greet/v1/greetv1connect", "gen/billing/v1/billingv1connect"} {
		if !slices.Contains(proposed.Shared, "example.com/connectfwd/"+gen) {
			t.Errorf("proposed plan puts %s in %q; want it shared", gen, svcOf["example.com/connectfwd/"+gen])
		}
	}

	out, _ := applyPlan(ctx, t, mod, connectfwdPlan)

	// services.json lists the routes each service serves.
	data, err := os.ReadFile(filepath.Join(out, "cleavesvc", "services.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services []struct {
			Name   string
			Routes []rewriter.RouteInfo
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, s := range doc.Services {
		for _, r := range s.Routes {
			routes = append(routes, s.Name+" "+r.Method+" "+r.Route)
		}
	}
	slices.Sort(routes)
	want := []string{
		"billing POST /api/billing.v1.BillingService/Charge",
		"greeter GET,POST /greet.v1.GreetService/Farewell",
		"greeter POST /greet.v1.GreetService/Greet",
		"hats POST /twirp/hats.v1.Haberdasher/MakeHat",
		"web GET /health",
	}
	if !slices.Equal(routes, want) {
		t.Errorf("services.json routes:\n\t%s\nwant:\n\t%s", strings.Join(routes, "\n\t"), strings.Join(want, "\n\t"))
	}

	// The monolith's own tests still pass.
	goTestAll(ctx, t, out)

	// The client, built in the applied module, against the split.
	got, splitLog := runSplitClient(ctx, cancel, t, out, "connectfwdclient", connectfwdClient)
	wantLines := []string{
		"greet hello ann from greeter caller=tester",
		"farewell bye ann from greeter <nil>",
		"grpcweb hello bob from greeter <nil>",
		"grpc hello cy from greeter caller=grpc",
		"grpc-invalid invalid_argument nothing to charge",
		"charge acme-1 by billing <nil>",
		"charge-invalid invalid_argument nothing to charge",
		"refund unimplemented",
		"hat 7 blue from hats <nil>",
		"hat-invalid invalid_argument inches must be positive",
		"health ok from web",
	}
	if strings.TrimSpace(string(got)) != strings.Join(wantLines, "\n") {
		t.Errorf("client got\n%s\nwant\n%s\n%s", got, strings.Join(wantLines, "\n"), splitLog)
	}
}

package review

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cleave-go/cleave/planner"
)

// largePlan is a plan of the size of a big module's (hugo's has about 48
// services and a thousand topics): services svc00… with three packages
// each, topics between services mostly near each other in number, and
// in-process constructor calls from the first service to every other.
func largePlan(services, topics int) *planner.Plan {
	const module = "example.com/big"
	r := rand.New(rand.NewPCG(1, 2))
	p := &planner.Plan{Version: 1, Module: module, Broker: "nats", Prefix: "big"}
	name := func(i int) string { return fmt.Sprintf("svc%02d", i) }
	for i := range services {
		s := &planner.Service{Name: name(i), Edge: i == 0}
		for j := range 3 {
			s.Packages = append(s.Packages, fmt.Sprintf("%s/%s/part%d", module, name(i), j))
		}
		p.Services = append(p.Services, s)
	}
	for k := range topics {
		to := r.IntN(services)
		from := (to + 1 + min(r.IntN(services-1), r.IntN(services-1))) % services
		kind := planner.KindRequest
		if r.IntN(4) == 0 {
			kind = planner.KindEvent
		}
		fn := fmt.Sprintf("Func%04d", k)
		p.Topics = append(p.Topics, &planner.Topic{
			Subject: p.Prefix + "." + name(to) + "." + fn, Kind: kind,
			Function: fmt.Sprintf("%s/%s/part0.%s", module, name(to), fn), Consumer: name(to),
			Producers: []string{name(from)}, Sites: []string{fmt.Sprintf("%s/part1/x.go:%d:2", name(from), k+1)},
		})
	}
	for i := 1; i < services; i++ {
		p.InProcess = append(p.InProcess, &planner.InProcess{
			Function: fmt.Sprintf("%s/%s/part0.New", module, name(i)), Consumer: name(i),
			Reason: planner.ReasonStartup, Sites: []string{fmt.Sprintf("%s/part0/main.go:%d:2", name(0), i+10)},
		})
	}
	return p
}

func BenchmarkBuildLarge(b *testing.B) {
	p := largePlan(48, 1000)
	for b.Loop() {
		Build(p, nil)
	}
}

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cleave-go/cleave/internal/launch"
)

var cleaveBin once[string]

// cleaveCmd builds the cleave command once.
func cleaveCmd(t testing.TB) string {
	return cleaveBin.get(t, func() (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		bin := filepath.Join(work, "cleave")
		_, err := goCmd(ctx, repoRoot, "go", "build", "-o", bin, "./cmd/cleave")
		return bin, "", err
	})
}

// split is the shop after `cleave apply`, its services built.
type split struct {
	dir      string
	manifest *launch.Manifest
	bins     map[string]string
	edge     string          // the edge service's name
	events   map[string]bool // the plan's event topics

	// lite: the split is along truth.yaml as it is, with calls apply
	// leaves alone (leftAlone, by subject), so the tests run the lite
	// scenario, which keeps off those calls.
	lite      bool
	leftAlone map[string]bool
}

// splitUnderTest is the split the tests run against: the faithful one if
// the rewriter can make it, else the split along truth.yaml as it is, with
// the lite scenario, saying so.
func splitUnderTest(t testing.TB) *split {
	t.Helper()
	s, skip, err := theSplit.load(func() (*split, string, error) { return buildSplit(t, false) })
	if err != nil {
		t.Fatal(err)
	}
	if skip == "" {
		return s
	}
	s = shopSplitAsIs(t)
	first := false
	explained.Do(func() { first = true })
	if first {
		t.Logf("no faithful split: %s\nso the split tests run the lite scenario (no repricing, cancellation or dispatch) on the split along truth.yaml as it is", skip)
	} else {
		t.Logf("no faithful split (see the first split test): running the lite scenario on the split along truth.yaml as it is")
	}
	return s
}

// explained makes the first split test alone print why the split is not
// faithful.
var explained sync.Once

var theSplit, theSplitAsIs once[*split]

// shopSplitAsIs is shopSplit along the truth as it is, with whatever calls
// apply leaves alone, for the benchmark (whose journeys avoid those).
func shopSplitAsIs(t testing.TB) *split {
	return theSplitAsIs.get(t, func() (*split, string, error) {
		s, skip, err := buildSplit(t, true)
		if s != nil && len(s.leftAlone) > 0 {
			s.lite = true
		}
		return s, skip, err
	})
}

func buildSplit(t testing.TB, asIs bool) (*split, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	truthFile := filepath.Join(shopSrc, "truth.yaml")
	data, err := os.ReadFile(truthFile)
	if err != nil {
		return nil, "testdata/shop has no truth.yaml yet: nothing to split along", nil
	}
	var truth struct {
		Services map[string][]string `yaml:"services"`
		Shared   []string            `yaml:"shared"`
	}
	if err := yaml.Unmarshal(data, &truth); err != nil {
		return nil, "", fmt.Errorf("%s: %w", truthFile, err)
	}
	bin := cleaveCmd(t)
	if out, err := goCmd(ctx, work, bin, "apply", "--help"); err != nil || !strings.Contains(string(out), "cleave apply") {
		return nil, "the cleave command has no apply verb yet", nil
	}

	dir := filepath.Join(work, "split", "shop")
	if asIs {
		dir = filepath.Join(work, "split-as-is", "shop")
	}
	if err := copyTree(shopSrc, dir); err != nil {
		return nil, "", err
	}
	services, merged, leftAlone, skip, err := planSafely(ctx, bin, dir, truth.Services, truth.Shared, asIs || os.Getenv("CLEAVE_E2E_AS_IS") != "")
	if err != nil || skip != "" {
		return nil, skip, err
	}
	if len(merged) > 0 {
		t.Logf("split along truth.yaml, except (calls apply leaves alone must not cross services):\n%s", strings.Join(merged, "\n"))
	}
	t.Logf("services: %s", strings.Join(services, ", "))
	if _, err := goCmd(ctx, dir, bin, "apply", "-C", dir, "--force", "plan.yaml"); err != nil {
		return nil, "", fmt.Errorf("apply the plan to the shop: %w", err)
	}
	m, err := launch.ReadManifest(dir)
	if err != nil {
		return nil, "", err
	}
	mains := map[string]string{}
	s := &split{dir: dir, manifest: m, events: map[string]bool{}, leftAlone: map[string]bool{}}
	for _, subj := range leftAlone {
		s.leftAlone[subj] = true
	}
	var plan struct {
		Topics []struct{ Subject, Kind string }
	}
	if data, err := os.ReadFile(filepath.Join(dir, "plan.yaml")); err != nil {
		return nil, "", err
	} else if err := yaml.Unmarshal(data, &plan); err != nil {
		return nil, "", fmt.Errorf("plan.yaml: %w", err)
	}
	for _, tp := range plan.Topics {
		if tp.Kind == "event" {
			s.events[tp.Subject] = true
		}
	}
	for _, svc := range m.Services {
		mains[svc.Name] = svc.Main
		if svc.Edge {
			s.edge = svc.Name
		}
	}
	if s.edge == "" {
		return nil, "", fmt.Errorf("%s: no edge service", launch.ManifestPath)
	}
	t0 := time.Now()
	if s.bins, err = launch.Build(ctx, dir, filepath.Join(dir, ".cleave", "bin"), mains); err != nil {
		return nil, "", err
	}
	t.Logf("built %d services in %v", len(mains), time.Since(t0).Round(time.Millisecond))
	return s, "", nil
}

// planSafely writes dir/plan.yaml: the services of the truth (pinned, its
// shared packages shared), except that where `cleave apply` would leave a
// crossing call alone (a pointer the callee writes through, a call that
// may reach several services), the callee's service is merged into the
// caller's — a call left alone between two services would run against
// the caller's own copy of the callee's state, and the split would not
// behave as the monolith. It returns the final services and what it merged,
// or why the rewriter cannot split the shop faithfully yet.
//
// asIs (or CLEAVE_E2E_AS_IS=1 for the tests) takes the truth's plan as it
// is, calls left alone and all: to look at how far the split gets.
func planSafely(ctx context.Context, bin, dir string, truth map[string][]string, shared []string, asIs bool) (services, merged, leftAloneSubjects []string, skip string, err error) {
	svcs := map[string][]string{}
	for name, pkgs := range truth {
		svcs[name] = slices.Clone(pkgs)
	}
	modData, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return nil, nil, nil, "", err
	}
	module := modfileModule(string(modData))
	var leftAlone []string
	for round := 0; ; round++ {
		names := make([]string, 0, len(svcs))
		for name := range svcs {
			names = append(names, name)
		}
		slices.Sort(names)
		args := []string{"plan", "-C", dir, "--services", fmt.Sprint(len(svcs)), "-o", "plan.yaml"}
		for _, name := range names {
			for _, pkg := range svcs[name] {
				args = append(args, "--pin", pkg+"="+name)
			}
		}
		for _, pkg := range shared {
			args = append(args, "--shared", pkg)
		}
		if _, err := goCmd(ctx, dir, bin, args...); err != nil {
			return nil, nil, nil, "", fmt.Errorf("plan the shop along its truth.yaml: %w", err)
		}
		cmd := exec.CommandContext(ctx, bin, "apply", "-C", dir, "--force", "--dry-run", "--json", "plan.yaml")
		cmd.Env = goEnv()
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			if len(merged) > 0 {
				return nil, nil, nil, fmt.Sprintf("the rewriter cannot split the shop faithfully yet: along truth.yaml it leaves crossing calls alone:\n%s\nand after merging those services apply fails:\n%s", strings.Join(leftAlone, "\n"), stderr.Bytes()), nil
			}
			return nil, nil, nil, "", fmt.Errorf("cleave apply --dry-run: %w\n%s", err, stderr.Bytes())
		}
		var res struct {
			Topics []struct {
				Subject, Consumer string
			}
			LeftAlone []struct {
				Site, Subject, Reason string
			} `json:"left_alone"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			return nil, nil, nil, "", fmt.Errorf("cleave apply --dry-run --json: %w", err)
		}
		if len(res.LeftAlone) == 0 || asIs {
			for _, l := range res.LeftAlone {
				leftAloneSubjects = append(leftAloneSubjects, l.Subject)
			}
			return names, merged, leftAloneSubjects, "", nil
		}
		if round == 0 {
			for _, l := range res.LeftAlone {
				leftAlone = append(leftAlone, fmt.Sprintf("  %s: %s: %s", l.Site, l.Subject, l.Reason))
			}
		}
		if round == len(truth) {
			return nil, nil, nil, fmt.Sprintf("the rewriter cannot split the shop faithfully yet: it still leaves calls alone after %d merges: %v", round, res.LeftAlone), nil
		}
		consumer := map[string]string{}
		for _, tp := range res.Topics {
			consumer[tp.Subject] = tp.Consumer
		}
		serviceOf := func(pkg string) string {
			for name, pkgs := range svcs {
				if slices.Contains(pkgs, pkg) {
					return name
				}
			}
			return ""
		}
		for _, l := range res.LeftAlone {
			file, _, _ := strings.Cut(l.Site, ":")
			caller := serviceOf(path.Join(module, path.Dir(filepath.ToSlash(file))))
			callee := consumer[l.Subject]
			if caller == "" || callee == "" || caller == callee || svcs[callee] == nil || svcs[caller] == nil {
				continue
			}
			merged = append(merged, fmt.Sprintf("  %s merged into %s: %s: %s: %s", callee, caller, l.Site, l.Subject, l.Reason))
			svcs[caller] = append(svcs[caller], svcs[callee]...)
			delete(svcs, callee)
			break // one merge a round: the next plan names the topics anew
		}
	}
}

// modfileModule returns the module path a go.mod declares.
func modfileModule(gomod string) string {
	for _, line := range strings.Split(gomod, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// copyTree copies the regular files under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if d.Name() == ".cleave" || d.Name() == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// services are the split's processes on the NATS servers at urls; the
// edge service listens on addr. Every service gets the monolith's flags:
// each runs the monolith's own main (its wiring reads them), only the edge
// serves HTTP. env is added to every service's.
func (s *split) services(urls []string, addr string, env ...string) []launch.Service {
	var svcs []launch.Service
	for _, ms := range s.manifest.Services {
		ls := launch.Service{
			Name: ms.Name,
			Path: s.bins[ms.Name],
			Edge: ms.Edge,
			Env: append([]string{
				"CLEAVE_TRANSPORT=nats",
				"CLEAVE_NATS_URL=" + strings.Join(urls, ","),
				"CLEAVE_APP=" + s.manifest.App,
				"CLEAVE_SERVICE=" + ms.Name,
			}, env...),
		}
		ls.Args = shopArgs(addr)
		svcs = append(svcs, ls)
	}
	return svcs
}

// start supervises svcs until the test ends.
func start(t testing.TB, svcs []launch.Service, logs *logSink) *launch.Group {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	g, err := launch.Start(ctx, svcs, launch.Options{Logs: logs, ReadyTimeout: time.Minute, Grace: 15 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := g.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return g
}

// topics lists every subject the split's services serve.
func (s *split) topics() []string {
	var all []string
	for _, ms := range s.manifest.Services {
		all = append(all, ms.Serves...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// checkTraffic fails t for every topic of the split that carried no
// message on NATS, as a request or as a stored event.
func checkTraffic(t testing.TB, s *split, seen *subjects) {
	t.Helper()
	var quiet []string
	checked := 0
	for _, subj := range s.topics() {
		if why, ok := unreachable(subj); ok {
			t.Logf("topic %s not exercised: %s", subj, why)
			continue
		}
		if s.leftAlone[subj] {
			t.Logf("topic %s not carried: apply leaves its calls alone", subj)
			continue
		}
		if s.lite && liteSkips(subj) {
			continue
		}
		checked++
		if seen.count(subj)+seen.count(s.manifest.App+".events."+subj) == 0 {
			quiet = append(quiet, subj)
		}
	}
	t.Logf("%d of the %d topics the scenario exercises (of %d) carried traffic on NATS", checked-len(quiet), checked, len(s.topics()))
	if len(quiet) > 0 {
		t.Errorf("topics the scenario never exercised over NATS: %s", strings.Join(quiet, ", "))
	}
}

// liteSkips reports whether the lite scenario keeps off a topic: it
// neither reprices, cancels nor dispatches.
func liteSkips(subject string) bool {
	for _, f := range []string{"catalog.Service.Update", "orders.Service.Cancel", "shipping.Service.Cancel",
		"shipping.Service.Get", "shipping.Service.DispatchPending", "payments.Service.Refund",
		"inventory.Service.Restock", "notifications.Service.OrderCancelled", "Service.ShipmentDispatched"} {
		if strings.HasSuffix(subject, "."+f) {
			return true
		}
	}
	return false
}

// unreachable says why the scenario cannot exercise a topic through the
// shop's HTTP API.
func unreachable(subject string) (string, bool) {
	if strings.HasSuffix(subject, ".Service.CartAbandoned") {
		return "only a cart left alone for a day is reminded of, and the API cannot age a cart", true
	}
	return "", false
}

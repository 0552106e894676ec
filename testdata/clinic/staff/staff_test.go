package staff

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"example.com/clinic/internal/config"
)

func loadFixture(t *testing.T) {
	t.Helper()
	n, err := Load(filepath.Join("..", "testdata", "staff.json"))
	if err != nil || n != 7 {
		t.Fatalf("Load = %d, %v", n, err)
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestRequireVet(t *testing.T) {
	loadFixture(t)
	if m, err := RequireVet("V02"); err != nil || m.Name != "Dr Lukas Brandt" {
		t.Errorf("RequireVet(V02) = %+v, %v", m, err)
	}
	if _, err := RequireVet("N01"); !errors.Is(err, ErrNotVet) {
		t.Errorf("RequireVet(N01) = %v; want ErrNotVet", err)
	}
	if _, err := RequireVet("X99"); !errors.Is(err, ErrNotFound) {
		t.Errorf("RequireVet(X99) = %v; want ErrNotFound", err)
	}
	if Name("V03") != "Dr Sofia Marino" || Name("X99") != "X99" {
		t.Errorf("Name = %q, %q", Name("V03"), Name("X99"))
	}
}

func TestOnDutyHonoursLeave(t *testing.T) {
	loadFixture(t)
	ids := func(ms []Member) (out []string) {
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	if got := ids(OnDuty(day("2026-04-02"), Vet)); len(got) != 3 {
		t.Errorf("vets on Thu 2 April = %v; want V01 V02 V03", got)
	}
	if got := ids(OnDuty(day("2026-04-09"), Vet)); len(got) != 2 || got[0] != "V01" || got[1] != "V03" {
		t.Errorf("vets on Thu 9 April = %v; V02 is on leave", got)
	}
	if got := OnDuty(day("2026-04-12"), Nurse); len(got) != 0 {
		t.Errorf("nurses on Sunday = %v", got)
	}
}

func TestRotaGaps(t *testing.T) {
	loadFixture(t)
	prev := config.Current
	t.Cleanup(func() { config.Current = prev })
	config.Current.OpenDays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

	shifts, gaps := Rota(day("2026-04-06"))
	if len(shifts) != 6 {
		t.Fatalf("%d shifts; want 6", len(shifts))
	}
	if len(gaps) != 1 || !errors.Is(gaps[0], ErrNoCover) {
		t.Fatalf("gaps = %v; want Saturday without reception", gaps)
	}
	if got := gaps[0].Error(); got != "Sat 2026-04-11: no cover: no reception" {
		t.Errorf("gap = %q", got)
	}
	if sat := shifts[5]; len(sat.Vets) != 1 || sat.Vets[0].ID != "V02" {
		t.Errorf("Saturday vets = %+v", sat.Vets)
	}
}

func TestLoadRejectsBadRoster(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"role.json": `[{"id": "X", "name": "X", "role": "janitor", "days": ["Mon"]}]`,
		"day.json":  `[{"id": "X", "name": "X", "role": "vet", "days": ["Mo"]}]`,
		"dup.json":  `[{"id": "X", "name": "X", "role": "vet"}, {"id": "X", "name": "Y", "role": "nurse"}]`,
		"json.json": `{`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path); err == nil {
			t.Errorf("Load(%s) succeeded", name)
		}
	}
}

package review

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// TextOptions says how to print a View on a terminal.
type TextOptions struct {
	Color bool // ANSI colours and bold; false when piped or NO_COLOR is set
}

// ANSI styles.
const (
	sReset = "\x1b[0m"
	sBold  = "\x1b[1m"
	sDim   = "\x1b[2m"
	sRed   = "\x1b[31m"
	sGreen = "\x1b[32m"
	sYel   = "\x1b[33m"
	sBlue  = "\x1b[34m"
	sMag   = "\x1b[35m"
	sCyan  = "\x1b[36m"
)

// serviceStyles colour the services in turn, as the page does.
var serviceStyles = []string{sBlue, sCyan, sGreen, sMag, sYel, "\x1b[94m", "\x1b[96m", "\x1b[92m", "\x1b[95m", "\x1b[93m"}

// WriteText prints v as aligned sections: services, topics, scores beside
// the baselines, blockers.
func WriteText(w io.Writer, v *View, o TextOptions) error {
	p := &printer{w: w, color: o.Color}
	svcStyle := map[string]string{}
	for _, s := range v.Services {
		svcStyle[s.Name] = serviceStyles[s.Color%len(serviceStyles)]
	}
	svc := func(name string) cell { return cell{name, svcStyle[name] + sBold} }

	// Headline.
	p.line(cell{v.Module, sBold},
		cell{fmt.Sprintf("  %s · %s · %s", plural(len(v.Services), "service"), plural(len(v.Topics), "topic"),
			plural(len(v.Blockers), "blocker")), ""})
	if v.Lines > 0 || v.Prefix != "" {
		p.line(cell{fmt.Sprintf("%d lines of Go · subjects %s.<service>.<Func> on %s", v.Lines, v.Prefix, orDash(v.Broker)), sDim})
	}

	// Services.
	p.heading("Services")
	var rows [][]cell
	for _, s := range v.Services {
		tag := ""
		if s.Edge {
			tag = "edge"
		}
		rows = append(rows, []cell{svc(s.Name), {tag, sDim},
			{plural(len(s.Packages), "package"), ""}, {lines(s.Lines), ""},
			{fmt.Sprintf("in %d · out %d", s.In, s.Out), sDim}})
		for _, pk := range s.Packages {
			rows = append(rows, []cell{{"", ""}, {"", ""}, {"  " + pk.Short, ""}, {lines(pk.Lines), sDim}, {"", ""}})
		}
	}
	if len(v.Shared) > 0 {
		rows = append(rows, []cell{{"shared", sBold}, {"", ""}, {plural(len(v.Shared), "package"), ""}, {lines(sumLines(v.Shared)), ""}, {"linked into every service", sDim}})
		for _, pk := range v.Shared {
			rows = append(rows, []cell{{"", ""}, {"", ""}, {"  " + pk.Short, ""}, {lines(pk.Lines), sDim}, {"", ""}})
		}
	}
	p.table(rows, map[int]bool{3: true})

	// Topics.
	p.heading("Topics")
	if len(v.Topics) == 0 {
		p.line(cell{"  none: no call crosses a service boundary", sDim})
	}
	rows = rows[:0]
	for _, t := range v.Topics {
		kind := cell{t.Kind, sCyan}
		if t.Kind == "event" {
			kind.style = sMag
		}
		prod := make([]string, len(t.Producers))
		copy(prod, t.Producers)
		flow := strings.Join(prod, ", ") + " → " + t.Consumer
		block := cell{"", ""}
		if t.Blockers > 0 {
			block = cell{plural(t.Blockers, "blocker"), sRed}
		}
		rows = append(rows, []cell{{t.Subject, sBold}, kind, {flow, ""}, {plural(len(t.Sites), "site"), ""}, block})
		rows = append(rows, []cell{{"  " + t.Short, sDim}, {"", ""}, {"", ""}, {"", ""}, {"", ""}})
		for _, s := range t.Sites {
			rows = append(rows, []cell{{"    " + s, sDim}, {"", ""}, {"", ""}, {"", ""}, {"", ""}})
		}
	}
	p.table(rows, nil)

	// Scores.
	if len(v.Scores) > 0 {
		p.heading("Scores")
		rows = [][]cell{{{"", ""}, {"split", sBold}, {"boulder", sDim}, {"grains", sDim}, {"random", sDim}, {"", ""}}}
		for _, r := range v.Scores {
			split := cell{formatScore(r.Split, r.Int), sBold}
			switch r.verdict() {
			case 1:
				split.style = sGreen + sBold
			case -1:
				split.style = sRed + sBold
			}
			help := r.Help
			if r.Better != "" {
				help += " (" + r.Better + " is better)"
			}
			rows = append(rows, []cell{{r.Name, ""}, split,
				{formatScore(r.Boulder, r.Int), sDim}, {formatScore(r.Grains, r.Int), sDim},
				{formatScore(r.Random, r.Int), sDim}, {help, sDim}})
		}
		p.table(rows, map[int]bool{1: true, 2: true, 3: true, 4: true})
	}

	// Calls between services that stay direct calls.
	if len(v.InProcess) > 0 {
		p.heading("In-process calls")
		rows = nil
		for _, ip := range v.InProcess {
			var callers []string
			for _, c := range ip.Callers {
				if c.Service != "" {
					callers = append(callers, c.Service)
				}
			}
			flow := "→ " + ip.Consumer
			if len(callers) > 0 {
				flow = strings.Join(callers, ", ") + " " + flow
			}
			rows = append(rows, []cell{{"  " + ip.Short, ""}, {ip.Reason, sDim}, {flow, ""}, {plural(len(ip.Sites), "site"), sDim}})
		}
		p.table(rows, nil)
	}

	// Blockers.
	p.heading("Blockers")
	if len(v.Blockers) == 0 {
		p.line(cell{"  none", sDim})
	}
	for _, b := range v.Blockers {
		p.line(cell{"  " + b.Pos, sBold}, cell{"  " + b.Kind, sRed}, cell{"  " + b.Message, ""})
		if b.Topic != "" {
			p.line(cell{"      on " + b.Topic, sDim})
		}
		if b.Fix != "" {
			p.line(cell{"      fix: ", sDim}, cell{b.Fix, ""})
		}
	}
	return p.err
}

// WriteJSON prints v as indented JSON.
func WriteJSON(w io.Writer, v *View) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type cell struct{ text, style string }

type printer struct {
	w     io.Writer
	color bool
	err   error
	n     int // lines written
}

func (p *printer) put(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s)
	}
}

func (p *printer) styled(c cell) string {
	if !p.color || c.style == "" || c.text == "" {
		return c.text
	}
	return c.style + c.text + sReset
}

func (p *printer) line(cells ...cell) {
	var b strings.Builder
	for _, c := range cells {
		b.WriteString(p.styled(c))
	}
	p.put(strings.TrimRight(b.String(), " ") + "\n")
	p.n++
}

func (p *printer) heading(s string) {
	p.put("\n")
	p.line(cell{strings.ToUpper(s), sBold + sYel})
}

// table prints rows with columns aligned on the visible width of their
// text (escapes do not count); right marks right-aligned columns.
func (p *printer) table(rows [][]cell, right map[int]bool) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 && !right[i] {
				continue // the last column is not padded
			}
			for len(widths) <= i {
				widths = append(widths, 0)
			}
			// A first-column cell that is alone on its row (a detail line)
			// does not widen the column.
			if i == 0 && onlyFirst(r) {
				continue
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString("  ")
		if onlyFirst(r) {
			b.WriteString(p.styled(r[0]))
			p.put(strings.TrimRight(b.String(), " ") + "\n")
			continue
		}
		for i, c := range r {
			pad := 0
			if i < len(widths) {
				pad = widths[i] - utf8.RuneCountInString(c.text)
			}
			if right[i] {
				b.WriteString(strings.Repeat(" ", max(pad, 0)))
				b.WriteString(p.styled(c))
			} else {
				b.WriteString(p.styled(c))
				if i < len(r)-1 {
					b.WriteString(strings.Repeat(" ", max(pad, 0)))
				}
			}
			if i < len(r)-1 {
				b.WriteString("  ")
			}
		}
		p.put(strings.TrimRight(b.String(), " ") + "\n")
	}
}

func onlyFirst(r []cell) bool {
	for _, c := range r[1:] {
		if c.text != "" {
			return false
		}
	}
	return len(r) > 1
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func lines(n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%d LOC", n)
}

func sumLines(ps []PackageView) int {
	n := 0
	for _, p := range ps {
		n += p.Lines
	}
	return n
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

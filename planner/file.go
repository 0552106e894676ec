package planner

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseError is a plan.yaml that cannot be read, with the line at fault
// (0 when unknown).
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ReadFile reads and parses the plan at path. A parse error reads
// "path:line: msg".
func ReadFile(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) && pe.Line > 0 {
			return nil, fmt.Errorf("%s:%d: %s", path, pe.Line, pe.Msg)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// Parse reads a plan from its YAML form. It rejects invalid YAML, unknown
// fields and versions other than PlanVersion with a *ParseError; it does
// not check the plan against the code (Check does). The plan remembers the
// line of each service, package and topic for Check.
func Parse(data []byte) (*Plan, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(err)
	}
	if len(doc.Content) == 0 {
		return nil, &ParseError{Line: 1, Msg: "empty plan"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &ParseError{Line: root.Line, Msg: "plan is not a mapping"}
	}
	pos := index(root)
	if pos.version == 0 {
		return nil, &ParseError{Line: 1, Msg: "no version"}
	}
	var p Plan
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, yamlError(err)
	}
	if p.Version != PlanVersion {
		return nil, &ParseError{Line: pos.version, Msg: fmt.Sprintf("unknown plan version %d (this cleave reads version %d)", p.Version, PlanVersion)}
	}
	for _, s := range p.Services {
		if s == nil {
			return nil, &ParseError{Line: pos.services, Msg: "empty service entry"}
		}
	}
	for _, t := range p.Topics {
		if t == nil {
			return nil, &ParseError{Line: pos.topicsKey, Msg: "empty topic entry"}
		}
	}
	p.Blockers = deleteNil(p.Blockers)
	p.pos = pos
	return &p, nil
}

func deleteNil[T any](xs []*T) []*T {
	out := xs[:0]
	for _, x := range xs {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

// yamlError turns a YAML error into a *ParseError with the first line it
// names.
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	line := 0
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	return &ParseError{Line: line, Msg: msg}
}

// positions are the lines of a parsed plan's parts (0 when absent).
type positions struct {
	version   int
	module    int
	services  int // the services key
	shared    int // the shared key
	topicsKey int
	constr    int // the constraints key
	svc       []svcPos
	sharedPkg []int
	topics    []topicPos
}

type svcPos struct {
	line, name int
	pkgs       []int
}

type topicPos struct {
	line, subject, function int
}

func index(root *yaml.Node) *positions {
	pos := &positions{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "version":
			pos.version = v.Line
		case "module":
			pos.module = v.Line
		case "services":
			pos.services = k.Line
			for _, item := range v.Content {
				sp := svcPos{line: item.Line, name: item.Line}
				for j := 0; j+1 < len(item.Content); j += 2 {
					switch item.Content[j].Value {
					case "name":
						sp.name = item.Content[j+1].Line
					case "packages":
						for _, p := range item.Content[j+1].Content {
							sp.pkgs = append(sp.pkgs, p.Line)
						}
					}
				}
				pos.svc = append(pos.svc, sp)
			}
		case "constraints":
			pos.constr = k.Line
		case "shared":
			pos.shared = k.Line
			for _, p := range v.Content {
				pos.sharedPkg = append(pos.sharedPkg, p.Line)
			}
		case "topics":
			pos.topicsKey = k.Line
			for _, item := range v.Content {
				tp := topicPos{line: item.Line, subject: item.Line, function: item.Line}
				for j := 0; j+1 < len(item.Content); j += 2 {
					switch item.Content[j].Value {
					case "subject":
						tp.subject = item.Content[j+1].Line
					case "function":
						tp.function = item.Content[j+1].Line
					}
				}
				pos.topics = append(pos.topics, tp)
			}
		}
	}
	return pos
}

// Section comments of plan.yaml, by top-level key.
var comments = map[string]string{
	"version":  "Format version of this file (see the planner package documentation).",
	"module":   "Module this plan splits.",
	"patterns": "Package patterns the code was loaded from.",
	"broker":   "Message broker the services talk through.",
	"prefix":   "First token of every topic subject.",
	"services": "Services: a lower-case Go identifier each, and the packages deployed in it.\n" +
		"Every package of the module is in exactly one service or in shared. Move packages\n" +
		"between services freely, then run `cleave check`. edge: true marks the service that\n" +
		"keeps the program's entry points (main, the HTTP server).",
	"shared": "Packages linked into every service that uses them and never rewritten: small\n" +
		"leaf libraries (models, errors, money). Calls into them never cross services.",
	"constraints": "Your wishes, honoured when the plan is proposed again: target service count,\n" +
		"pin (package → service), together, apart, shared, seed, kind overrides by function.",
	"topics": "Derived from the services — do not edit (override a kind under constraints.kinds).\n" +
		"One topic per function called across services: subject <prefix>.<service>.<Func>\n" +
		"(methods <prefix>.<service>.<Type>.<Method>), kind request (the caller needs a\n" +
		"result) or event (the callee returns nothing), the services calling it, the\n" +
		"service owning it, and every crossing call site (file:line:col).",
	"in_process": "Derived too: calls between services that stay direct calls. startup: code that\n" +
		"runs only while the program starts (constructors, options, seeding); every\n" +
		"service process runs it on its own objects. background: start-up calls that\n" +
		"start background work (a worker's Start, and its Stop); only the processes of\n" +
		"the service owning it make them. value: methods of a value the caller already\n" +
		"holds (value receivers, Error, String). The shapes `cleave apply` cannot turn\n" +
		"into messages, with why: data (a method of a data type all of whose fields\n" +
		"travel: it runs where the data is), payload (a parameter or result that cannot\n" +
		"travel), callee (generic, unexported, in package main), goroutines (the callee\n" +
		"starts goroutines), site (a call through a func value, a receiver held by value).",
	"blockers": "Hazards on crossings: those calls are left alone until you do what fix says.",
	"scores": "Scores of this split (split) beside baselines: boulder (one service), grains (one\n" +
		"service per package), random (median of 21 random splits with the same sizes).\n" +
		"Members are packages; edges are calls between packages weighted ln(1+count).\n" +
		"icp: share of call weight crossing services (lower is better); sm: structural\n" +
		"modularity (higher); q: Newman modularity (higher); ifn: packages per service\n" +
		"called from outside (lower); ned: share of packages in services of extreme size,\n" +
		"more than half of all (lower); cdp: share of service pairs calling each other\n" +
		"both ways (lower); topics, blockers (lower); mojofm, precision, recall: against a\n" +
		"known split, when one was given (higher).",
}

const fileHeader = "cleave plan: how this module splits into services.\n" +
	"Edit services, shared and constraints by hand; `cleave check` validates the file and\n" +
	"`cleave plan --update` re-derives topics, blockers and scores keeping your edits."

// Marshal returns the commented YAML form of p. The same plan always gives
// the same bytes.
func Marshal(p *Plan) ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(p); err != nil {
		return nil, fmt.Errorf("marshal plan: %w", err)
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: fileHeader, Content: []*yaml.Node{&n}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if c, ok := comments[k.Value]; ok {
			k.HeadComment = c
		}
		if k.Value == "services" {
			for _, note := range p.Notes {
				k.HeadComment += "\n" + wrap("note: "+note, 86, "  ")
			}
		}
		switch k.Value {
		case "topics":
			for _, t := range v.Content {
				flowKeys(t, "producers")
			}
		case "constraints":
			for j := 0; j+1 < len(v.Content); j += 2 {
				if key := v.Content[j].Value; key == "together" || key == "apart" {
					for _, grp := range v.Content[j+1].Content {
						grp.Style = yaml.FlowStyle
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("marshal plan: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal plan: %w", err)
	}
	return buf.Bytes(), nil
}

// wrap breaks s into lines of at most width bytes at spaces (a longer word
// stays whole), indenting the lines after the first.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		switch {
		case i == 0:
		case line+1+len(w) > width:
			b.WriteString("\n" + indent)
			line = len(indent)
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}

// flowKeys writes the sequences under the given keys of mapping m on one
// line.
func flowKeys(m *yaml.Node, keys ...string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		for _, k := range keys {
			if m.Content[i].Value == k {
				m.Content[i+1].Style = yaml.FlowStyle
			}
		}
	}
}

// WriteFile writes p's YAML form to path atomically: to a temporary file in
// the same directory, then renamed over path.
func WriteFile(path string, p *Plan) error {
	data, err := Marshal(p)
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

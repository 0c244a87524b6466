package mockcloud

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file reads scenario documents (JSON or YAML) node by node, so every
// problem names its line, column and field path. A struct decoder would name
// Go types instead, and encoding/json knows no lines.

// ScenarioError lists every problem of a scenario document, one per line as
// "file:line:col: path: what is wrong and what to write".
type ScenarioError struct {
	File     string
	Problems []string
}

// Error renders the problems.
func (e *ScenarioError) Error() string {
	if len(e.Problems) == 1 {
		return "scenario " + e.Problems[0]
	}
	return fmt.Sprintf("scenario %s has %d problems:\n  %s", e.File, len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// yamlNode is a node of a parsed document.
type yamlNode = yaml.Node

// position is where a value starts in the document.
type position struct{ line, col int }

// decoder walks a document and collects problems.
type decoder struct {
	file     string
	problems []string
	pos      map[string]position // by field path, e.g. users[2].groups[0]
}

// newDecoder returns a decoder for a document named file.
func newDecoder(file string) *decoder {
	return &decoder{file: file, pos: map[string]position{}}
}

// parse reads data into a document node; syntax errors are problems.
func (d *decoder) parse(data []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		d.problems = append(d.problems, d.file+": "+strings.TrimPrefix(err.Error(), "yaml: ")+
			" (the file must be YAML or JSON)")
		return nil
	}
	if len(doc.Content) == 0 {
		d.problems = append(d.problems, d.file+": the document is empty; see internal/mockcloud/README.md for the format")
		return nil
	}
	return doc.Content[0]
}

// err returns the collected problems as a *ScenarioError, or nil.
func (d *decoder) err() error {
	if len(d.problems) == 0 {
		return nil
	}
	return &ScenarioError{File: d.file, Problems: slices.Clone(d.problems)}
}

// failAt records a problem at a position; path may be "".
func (d *decoder) failAt(p position, path, format string, args ...any) {
	where := d.file
	if p.line > 0 {
		where = fmt.Sprintf("%s:%d:%d", d.file, p.line, p.col)
	}
	if path != "" {
		where += ": " + path
	}
	d.problems = append(d.problems, where+": "+fmt.Sprintf(format, args...))
}

// fail records a problem at the value of path as decoded, else at its
// closest enclosing value (a missing field is reported at its object).
func (d *decoder) fail(path, format string, args ...any) {
	for p := path; ; {
		if pos, ok := d.pos[p]; ok || p == "" {
			d.failAt(pos, path, format, args...)
			return
		}
		p = p[:max(strings.LastIndexAny(p, ".["), 0)]
	}
}

// at remembers where path's value is and returns its position.
func (d *decoder) at(n *yaml.Node, path string) position {
	p := position{n.Line, n.Column}
	d.pos[path] = p
	return p
}

// field is one known key of an object.
type field struct {
	name   string
	decode func(n *yaml.Node, path string)
}

// object decodes a mapping whose keys must be among fields; what names the
// object in messages ("a user").
func (d *decoder) object(n *yaml.Node, path, what string, fields []field) {
	p := d.at(n, path)
	if n.Kind != yaml.MappingNode {
		d.failAt(p, path, "want %s (an object with %s), got %s", what, fieldNames(fields), describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		kp := join(path, key.Value)
		fi := slices.IndexFunc(fields, func(f field) bool { return f.name == key.Value })
		switch {
		case fi < 0:
			d.failAt(position{key.Line, key.Column}, kp, "unknown field; %s has %s%s", what, fieldNames(fields), suggest(key.Value, fields))
		case seen[key.Value]:
			d.failAt(position{key.Line, key.Column}, kp, "given twice; keep one")
		case val.Tag == "!!null":
			d.at(val, kp) // An empty value counts as not set.
		default:
			fields[fi].decode(val, kp)
		}
		seen[key.Value] = true
	}
}

// list decodes a sequence, calling each for every item.
func (d *decoder) list(n *yaml.Node, path, what string, each func(n *yaml.Node, path string)) {
	p := d.at(n, path)
	if n.Kind != yaml.SequenceNode {
		d.failAt(p, path, "want a list of %s, got %s", what, describe(n))
		return
	}
	for i, item := range n.Content {
		each(item, fmt.Sprintf("%s[%d]", path, i))
	}
}

// str decodes a string scalar. Numbers and booleans are refused rather than
// converted: YAML reads version: 1.30 as the number 1.3.
func (d *decoder) str(into *string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		p := d.at(n, path)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
			d.failAt(p, path, "want a string, got %s; put the value in quotes", describe(n))
			return
		}
		*into = n.Value
	}
}

// boolean decodes true or false.
func (d *decoder) boolean(into *bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		p := d.at(n, path)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.failAt(p, path, "want true or false, got %s", describe(n))
			return
		}
		*into = n.Value == "true"
	}
}

// strings decodes a list of strings.
func (d *decoder) strings(into *[]string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		d.list(n, path, "strings", func(item *yaml.Node, ip string) {
			var s string
			d.str(&s)(item, ip)
			*into = append(*into, s)
		})
	}
}

// describe names what a node holds, for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	}
	return strconv.Quote(n.Value)
}

// fieldNames lists the field names for messages.
func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return "the fields " + strings.Join(names, ", ")
}

// suggest returns "; did you mean X?" for a key that differs from a field
// only by case, or is one edit away from it.
func suggest(key string, fields []field) string {
	for _, f := range fields {
		if strings.EqualFold(key, f.name) || oneEditApart(strings.ToLower(key), strings.ToLower(f.name)) {
			return "; did you mean " + f.name + "?"
		}
	}
	return ""
}

// oneEditApart reports whether a and b differ by one insertion, deletion,
// substitution or swap of adjacent letters.
func oneEditApart(a, b string) bool {
	if a == b || len(a)-len(b) > 1 || len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) == len(b):
		if i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] {
			return true
		}
		return a[i+1:] == b[i+1:]
	case len(a) > len(b):
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

// join appends a key to a field path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

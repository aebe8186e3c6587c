// Command template renders test/conformance/template/vectors.json with Go's text/template,
// configured as the Go adapter configures it (template name "template", the adapter's
// function map, Option("missingkey=error")), and writes test/conformance/template/expected.json.
//
// Data uses the shared JSON convention: plain numbers are float64 (what encoding/json gives
// the adapter), {"$int":"5"} is int64, {"$time":"RFC3339"} is a UTC time.Time and
// {"$float":"+Inf"|"-Inf"|"NaN"} a float64 JSON cannot spell. Each vector may fix `now`.
package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
	"time"

	"hyperfleet-oracle/internal/tmplfuncs"
	"hyperfleet-oracle/internal/vectors"
)

type vector struct {
	ID       string          `json:"id"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
	Now      string          `json:"now,omitempty"`
}

type result struct {
	ID      string  `json:"id"`
	Output  *string `json:"output,omitempty"`
	Error   string  `json:"error,omitempty"`
	Message string  `json:"message,omitempty"`
}

// DefaultNow is the clock of every vector that does not set its own.
const DefaultNow = "2026-01-02T03:04:05Z"

func main() {
	vectors.Main("template", func(v vector) (json.RawMessage, error) {
		line, err := vectors.Line(run(v))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.ID, err)
		}
		return line, nil
	})
}

func run(v vector) result {
	now, err := vectors.Now(v.Now, DefaultNow)
	if err != nil {
		vectors.Fail("template", fmt.Errorf("%s: now: %w", v.ID, err))
	}
	now = now.UTC()
	data, err := vectors.Decode(v.Data, true)
	if err != nil {
		vectors.Fail("template", fmt.Errorf("%s: data: %w", v.ID, err))
	}
	tmpl, err := template.New("template").
		Funcs(tmplfuncs.FuncMap(func() time.Time { return now })).
		Option("missingkey=error").
		Parse(v.Template)
	if err != nil {
		return result{ID: v.ID, Error: "parse", Message: err.Error()}
	}
	var sb strings.Builder
	if err := tmpl.Execute(&sb, data); err != nil {
		return result{ID: v.ID, Error: "exec", Message: err.Error()}
	}
	s := sb.String()
	return result{ID: v.ID, Output: &s}
}

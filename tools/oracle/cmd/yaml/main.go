// Command yaml runs test/conformance/yaml/vectors.json through the Go adapter's inline-manifest
// pipeline and writes test/conformance/yaml/expected.json. Each vector holds a manifest as it
// is written in a task config (YAML text) and the params to render it with. The steps are the
// adapter's (internal/configloader, internal/manifest, pkg/utils/template.go), restated here:
//
//  1. decode: the task config is decoded with gopkg.in/yaml.v3 into a struct whose Manifest
//     field is interface{}, so the mapping becomes map[string]interface{} (or
//     map[interface{}]interface{} when a key is not a string);
//  2. marshal: manifest.ToYAMLString, i.e. yaml.Marshal of that map (a generic map is first
//     converted with utils.ConvertToStringKeyMap);
//  3. render: utils.RenderTemplate (text returned as is without "{{"; else text/template
//     named "template" with the adapter's functions and missingkey=error);
//  4. parse: manifest.RenderStringManifest, i.e. yaml.Unmarshal into map[string]interface{},
//     then encoding/json.Marshal.
//
// The result carries the text after each step and the JSON of step 4, or the step that
// failed with Go's message.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"

	"hyperfleet-oracle/internal/tmplfuncs"
	"hyperfleet-oracle/internal/vectors"
)

type vector struct {
	ID       string          `json:"id"`
	Manifest string          `json:"manifest"`
	Data     json.RawMessage `json:"data"`
	Now      string          `json:"now,omitempty"`
}

type result struct {
	ID         string  `json:"id"`
	Marshalled *string `json:"marshalled,omitempty"`
	Rendered   *string `json:"rendered,omitempty"`
	Parsed     *string `json:"parsed,omitempty"`
	Error      string  `json:"error,omitempty"`
	Message    string  `json:"message,omitempty"`
}

// DefaultNow is the clock of every vector that does not set its own (as in the template suite).
const DefaultNow = "2026-01-02T03:04:05Z"

// taskResource stands for configloader.Resource: only the field that matters here.
type taskResource struct {
	Manifest interface{} `yaml:"manifest,omitempty"`
}

func main() {
	vectors.Main("yaml", func(v vector) (json.RawMessage, error) {
		line, err := vectors.Line(run(v))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.ID, err)
		}
		return line, nil
	})
}

func run(v vector) (r result) {
	r.ID = v.ID
	now, err := vectors.Now(v.Now, DefaultNow)
	if err != nil {
		vectors.Fail("yaml", fmt.Errorf("%s: now: %w", v.ID, err))
	}
	now = now.UTC()
	raw, err := vectors.Decode(v.Data, true)
	if err != nil {
		vectors.Fail("yaml", fmt.Errorf("%s: data: %w", v.ID, err))
	}
	params, _ := raw.(map[string]interface{})
	if params == nil {
		params = map[string]interface{}{}
	}

	// 1. decode, as the task config loader does (yaml.v3 into a struct field of type interface{}).
	var res taskResource
	source := "manifest:\n" + indent(v.Manifest)
	if err := yaml.Unmarshal([]byte(source), &res); err != nil {
		return fault(r, "decode", err)
	}

	// 2. marshal (manifest.ToYAMLString).
	text, err := toYAMLString(res.Manifest)
	if err != nil {
		return fault(r, "marshal", err)
	}
	r.Marshalled = &text

	// 3. render (manifest.RenderStringManifest -> utils.RenderTemplate).
	if strings.TrimSpace(text) == "" {
		return fault(r, "empty", fmt.Errorf("empty manifest: string manifest cannot be empty"))
	}
	rendered, err := renderTemplate(text, params, now)
	if err != nil {
		return fault(r, "render", err)
	}
	r.Rendered = &rendered
	if strings.TrimSpace(rendered) == "" {
		return fault(r, "empty", fmt.Errorf("empty manifest: template rendered to an empty document"))
	}

	// 4. parse.
	var manifestData map[string]interface{}
	if err := yaml.Unmarshal([]byte(rendered), &manifestData); err != nil {
		return fault(r, "parse", err)
	}
	if len(manifestData) == 0 {
		return fault(r, "empty", fmt.Errorf("empty manifest: rendered YAML did not contain an object"))
	}
	data, err := json.Marshal(manifestData)
	if err != nil {
		return fault(r, "json", err)
	}
	s := string(data)
	r.Parsed = &s
	return r
}

// indent places the manifest under the `manifest:` key of the wrapping document.
func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func fault(r result, stage string, err error) result {
	r.Error = stage
	r.Message = err.Error()
	return r
}

// toYAMLString restates internal/manifest.ToYAMLString.
func toYAMLString(m interface{}) (string, error) {
	switch v := m.(type) {
	case string:
		return v, nil
	case map[string]interface{}:
		data, err := yaml.Marshal(v)
		if err != nil {
			return "", fmt.Errorf("failed to marshal manifest to YAML: %w", err)
		}
		return string(data), nil
	case map[interface{}]interface{}:
		data, err := yaml.Marshal(convertToStringKeyMap(v))
		if err != nil {
			return "", fmt.Errorf("failed to marshal manifest to YAML: %w", err)
		}
		return string(data), nil
	default:
		return "", fmt.Errorf("unsupported manifest type: %T", m)
	}
}

// convertToStringKeyMap restates pkg/utils.ConvertToStringKeyMap: keys through %v, generic
// maps and slices converted recursively, string-keyed maps left as they are.
func convertToStringKeyMap(m map[interface{}]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[fmt.Sprintf("%v", k)] = convertValue(v)
	}
	return out
}

func convertValue(v interface{}) interface{} {
	switch x := v.(type) {
	case map[interface{}]interface{}:
		return convertToStringKeyMap(x)
	case []interface{}:
		s := make([]interface{}, len(x))
		for i, e := range x {
			s[i] = convertValue(e)
		}
		return s
	}
	return v
}

// renderTemplate restates pkg/utils.RenderTemplate with the oracle's clock.
func renderTemplate(text string, data map[string]interface{}, now time.Time) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	tmpl, err := template.New("template").
		Funcs(tmplfuncs.FuncMap(func() time.Time { return now })).
		Option("missingkey=error").
		Parse(text)
	if err != nil {
		return "", fmt.Errorf("failed to parse template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("failed to execute template: %w", err)
	}
	return buf.String(), nil
}

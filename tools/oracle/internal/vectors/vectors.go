// Package vectors reads conformance vectors and writes expected results for the oracles, and
// decodes the typed-JSON convention both suites share: {"$int": "5"} is an int64,
// {"$uint": "5"} a uint64, {"$float": "NaN" | "+Inf" | "1.5"} a float64 JSON cannot write,
// {"$time": "RFC 3339"} a time.Time; plain JSON numbers are float64, as encoding/json gives.
package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Read decodes a JSON array of vectors.
func Read[T any](path string) ([]T, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []T
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// Write stores one JSON result per line inside an array, so diffs of expected files stay readable.
func Write(path string, results []json.RawMessage) error {
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, r := range results {
		buf.WriteString("  ")
		buf.Write(r)
		if i < len(results)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("]\n")
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Decode applies the typed-value convention to a JSON document (empty: nil). With utc, times
// are normalised to UTC (the template engine prints them so); otherwise they keep their offset.
func Decode(raw json.RawMessage, utc bool) (interface{}, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var v interface{}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return convert(v, utc)
}

func convert(v interface{}, utc bool) (interface{}, error) {
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 1 {
			for k, inner := range x {
				s, isString := inner.(string)
				if !isString {
					break
				}
				switch k {
				case "$int":
					return strconv.ParseInt(s, 10, 64)
				case "$uint":
					return strconv.ParseUint(s, 10, 64)
				case "$float":
					return strconv.ParseFloat(s, 64)
				case "$time":
					t, err := time.Parse(time.RFC3339Nano, s)
					if utc {
						t = t.UTC()
					}
					return t, err
				}
			}
		}
		for k, e := range x {
			c, err := convert(e, utc)
			if err != nil {
				return nil, err
			}
			x[k] = c
		}
		return x, nil
	case []interface{}:
		for i, e := range x {
			c, err := convert(e, utc)
			if err != nil {
				return nil, err
			}
			x[i] = c
		}
		return x, nil
	}
	return v, nil
}

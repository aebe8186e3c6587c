// Package tmplfuncs is the template function map of the Go hyperfleet-adapter
// (pkg/utils/template.go), restated for the oracle with an injectable clock, plus the Sprig
// helpers our engine also offers (toJson, b64enc, b64dec, sha256sum, required) with Sprig's
// semantics. toYaml is not here: Sprig's goes through a YAML library this module does not
// carry, so the TypeScript unit tests cover it instead.
package tmplfuncs

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// FuncMap returns the adapter's functions with `now` reading the given clock.
func FuncMap(now func() time.Time) template.FuncMap {
	formatTime := func(layout string, t time.Time) string { return t.Format(layout) }
	toInt64 := func(v interface{}) int64 {
		switch x := v.(type) {
		case int:
			return int64(x)
		case int64:
			return x
		case float64:
			return int64(x)
		case string:
			n, _ := strconv.ParseInt(x, 10, 64)
			return n
		}
		return 0
	}
	toFloat := func(v interface{}) float64 {
		switch x := v.(type) {
		case int:
			return float64(x)
		case int64:
			return float64(x)
		case float64:
			return x
		case string:
			f, _ := strconv.ParseFloat(x, 64)
			return f
		}
		return 0
	}
	return template.FuncMap{
		"now":        now,
		"date":       formatTime,
		"dateFormat": formatTime,
		"lower":      strings.ToLower,
		"upper":      strings.ToUpper,
		"title":      func(s string) string { return cases.Title(language.English).String(s) },
		"trim":       strings.TrimSpace,
		"trimPrefix": strings.TrimPrefix,
		"trimSuffix": strings.TrimSuffix,
		"replace":    strings.ReplaceAll,
		"contains":   strings.Contains,
		"hasPrefix":  strings.HasPrefix,
		"hasSuffix":  strings.HasSuffix,
		"quote":      func(s string) string { return fmt.Sprintf("%q", s) },
		"default": func(def, val interface{}) interface{} {
			if val == nil || val == "" {
				return def
			}
			return val
		},
		// The adapter's int uses strconv.Atoi for strings, whose range is int's; on 64-bit
		// platforms that is ParseInt(s, 10, 64).
		"int": func(v interface{}) int {
			if s, ok := v.(string); ok {
				n, _ := strconv.Atoi(s)
				return n
			}
			return int(toInt64(v))
		},
		"int64":   toInt64,
		"float":   toFloat,
		"float64": toFloat,
		"string":  func(v interface{}) string { return fmt.Sprintf("%v", v) },

		// Sprig helpers.
		"toJson": func(v interface{}) string {
			b, err := json.Marshal(v)
			if err != nil {
				return ""
			}
			return string(b)
		},
		"b64enc": func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		"b64dec": func(s string) string {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return err.Error()
			}
			return string(b)
		},
		"sha256sum": func(s string) string {
			sum := sha256.Sum256([]byte(s))
			return hex.EncodeToString(sum[:])
		},
		"required": func(msg string, v interface{}) (interface{}, error) {
			if v == nil {
				return v, errors.New(msg)
			}
			if s, ok := v.(string); ok && s == "" {
				return v, errors.New(msg)
			}
			return v, nil
		},
	}
}

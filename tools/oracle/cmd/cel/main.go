// Command cel evaluates test/conformance/cel/vectors.json with an environment built the way
// the Go adapter builds its own (cel.OptionalTypes, ext.Strings, ext.Lists, the HyperFleet
// helpers, variables typed from their values, Parse then Program without Check) and writes
// test/conformance/cel/expected.json.
//
// Vars use the shared JSON convention: plain numbers are float64 (what encoding/json gives
// the adapter), {"$int":"5"} is int64, {"$uint":"5"} is uint64, {"$float":"NaN"|"+Inf"|"-Inf"|"1.5"}
// is float64 (for values JSON cannot spell), {"$time":"RFC3339"} is time.Time.
// Results are tagged so int, uint and double stay distinguishable.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/ext"

	"hyperfleet-oracle/internal/celfuncs"
	"hyperfleet-oracle/internal/vectors"
)

type vector struct {
	ID         string          `json:"id"`
	Expression string          `json:"expression"`
	Vars       json.RawMessage `json:"vars"`
	Now        string          `json:"now,omitempty"`
}

// DefaultNow is the clock of every vector that does not set its own.
const DefaultNow = "2026-01-01T00:10:00Z"

func main() {
	vectors.Main("cel", func(v vector) (json.RawMessage, error) { return run(v), nil })
}

// fail stops the oracle on a vector it cannot evaluate at all (see vectors.Fail).
func fail(err error) { vectors.Fail("cel", err) }

func run(v vector) json.RawMessage {
	errorOut := func(kind string, err error) json.RawMessage {
		b, _ := json.Marshal(map[string]string{"id": v.ID, "error": kind, "message": err.Error()})
		return b
	}
	vars := map[string]interface{}{}
	if len(v.Vars) > 0 {
		decoded, err := vectors.Decode(v.Vars, false)
		if err != nil {
			fail(fmt.Errorf("vector %s: %w", v.ID, err))
		}
		m, ok := decoded.(map[string]interface{})
		if !ok {
			fail(fmt.Errorf("vector %s: vars must be an object", v.ID))
		}
		vars = m
	}
	now, err := vectors.Now(v.Now, DefaultNow)
	if err != nil {
		fail(fmt.Errorf("vector %s: now: %w", v.ID, err))
	}
	clock = now
	env, err := envFor(vars)
	if err != nil {
		fail(fmt.Errorf("vector %s: env: %w", v.ID, err))
	}
	ast, iss := env.Parse(v.Expression)
	if iss != nil && iss.Err() != nil {
		return errorOut("parse", iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		return errorOut("check", err)
	}
	val, _, err := prg.Eval(vars)
	if err != nil {
		return errorOut("eval", err)
	}
	enc, err := encode(val)
	if err != nil {
		return errorOut("eval", err)
	}
	b, err := json.Marshal(map[string]interface{}{"id": v.ID, "value": enc})
	if err != nil {
		fail(err)
	}
	return b
}

// clock is the time now() reads for the vector being evaluated (one at a time).
var clock time.Time

var (
	baseEnv *cel.Env
	envs    = map[string]*cel.Env{}
)

// envFor returns the adapter's environment with vars declared, built once per distinct set
// of variable names and types (building one per vector dominated the run time).
func envFor(vars map[string]interface{}) (*cel.Env, error) {
	if baseEnv == nil {
		opts := []cel.EnvOption{cel.OptionalTypes(), ext.Strings(), ext.Lists()}
		opts = append(opts, celfuncs.Options(func() time.Time { return clock })...)
		env, err := cel.NewEnv(opts...)
		if err != nil {
			return nil, err
		}
		baseEnv = env
	}
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	sort.Strings(names)
	var key strings.Builder
	decls := make([]cel.EnvOption, 0, len(names))
	for _, name := range names {
		t := inferType(vars[name])
		fmt.Fprintf(&key, "%s:%s;", name, t)
		decls = append(decls, cel.Variable(name, t))
	}
	if env, ok := envs[key.String()]; ok {
		return env, nil
	}
	env, err := baseEnv.Extend(decls...)
	if err != nil {
		return nil, err
	}
	envs[key.String()] = env
	return env, nil
}

// inferType mirrors the adapter: variables are declared with the CEL type of their value.
func inferType(v interface{}) *cel.Type {
	switch v.(type) {
	case string:
		return cel.StringType
	case bool:
		return cel.BoolType
	case int64:
		return cel.IntType
	case uint64:
		return cel.UintType
	case float64:
		return cel.DoubleType
	case []interface{}:
		return cel.ListType(cel.DynType)
	case map[string]interface{}:
		return cel.MapType(cel.StringType, cel.DynType)
	default:
		return cel.DynType
	}
}

// encode writes a CEL value in the tagged JSON the TypeScript side produces.
func encode(v ref.Val) (interface{}, error) {
	switch x := v.(type) {
	case types.Null:
		return nil, nil
	case types.Bool:
		return bool(x), nil
	case types.String:
		return string(x), nil
	case types.Int:
		return map[string]string{"$int": strconv.FormatInt(int64(x), 10)}, nil
	case types.Uint:
		return map[string]string{"$uint": strconv.FormatUint(uint64(x), 10)}, nil
	case types.Double:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return map[string]string{"$double": strconv.FormatFloat(f, 'g', -1, 64)}, nil
		}
		return map[string]float64{"$double": f}, nil
	case types.Timestamp:
		return map[string]string{"$time": x.Time.UTC().Format(time.RFC3339Nano)}, nil
	case types.Duration:
		return map[string]string{"$duration": strconv.FormatFloat(x.Duration.Seconds(), 'f', -1, 64) + "s"}, nil
	case types.Bytes:
		return map[string]string{"$bytes": base64.StdEncoding.EncodeToString([]byte(x))}, nil
	case *types.Optional:
		if !x.HasValue() {
			return nil, nil
		}
		return encode(x.GetValue())
	case ref.Type:
		return map[string]string{"$type": x.TypeName()}, nil
	case traits.Lister:
		out := []interface{}{}
		it := x.Iterator()
		for it.HasNext() == types.True {
			e, err := encode(x.Get(indexOf(len(out))))
			if err != nil {
				return nil, err
			}
			out = append(out, e)
			it.Next()
		}
		return out, nil
	case traits.Mapper:
		out := map[string]interface{}{}
		it := x.Iterator()
		for it.HasNext() == types.True {
			k := it.Next()
			e, err := encode(x.Get(k))
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k.Value())] = e
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported result type %s", strings.TrimSpace(v.Type().TypeName()))
}

func indexOf(i int) ref.Val { return types.Int(i) }

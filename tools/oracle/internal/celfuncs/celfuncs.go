// Package celfuncs re-implements the HyperFleet helper functions that the Go adapter
// (internal/criteria/cel_evaluator.go, cel-go v0.31) registers, with one change: the clock
// is injected so conformance vectors are deterministic. Behaviour on odd input follows the
// adapter: unwrap the CEL value to its Go form and treat anything but JSON-shaped data as absent.
package celfuncs

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// Options returns the function declarations, reading time from now.
func Options(now func() time.Time) []cel.EnvOption {
	return []cel.EnvOption{
		cel.Function("toJson", cel.Overload("toJson_dyn", []*cel.Type{cel.DynType}, cel.StringType,
			cel.UnaryBinding(func(arg ref.Val) ref.Val {
				v, ok := native(arg)
				if !ok {
					return types.NewErr("toJson() received invalid value")
				}
				b, err := json.Marshal(v)
				if err != nil {
					return types.NewErr("toJson() failed to marshal value: %v", err)
				}
				return types.String(string(b))
			}))),
		cel.Function("dig", cel.Overload("dig_dyn_string", []*cel.Type{cel.DynType, cel.StringType}, cel.DynType,
			cel.BinaryBinding(func(target, path ref.Val) ref.Val {
				root, ok := native(target)
				if !ok {
					return types.NewErr("dig() received invalid target")
				}
				p, ok := path.Value().(string)
				if !ok {
					return types.NewErr("dig() path must be a string")
				}
				found, exists := dig(root, p)
				if !exists {
					return types.NullValue
				}
				return types.DefaultTypeAdapter.NativeToValue(found)
			}))),
		cel.Function("now", cel.Overload("now_string", []*cel.Type{}, cel.StringType,
			cel.FunctionBinding(func(...ref.Val) ref.Val {
				return types.String(now().Format(time.RFC3339))
			}))),
		cel.Function("conditionStatus", cel.Overload("conditionStatus_list_string",
			[]*cel.Type{cel.ListType(cel.DynType), cel.StringType}, cel.StringType,
			cel.BinaryBinding(func(list, typ ref.Val) ref.Val {
				t, ok := typ.Value().(string)
				if !ok {
					return types.NewErr("conditionStatus() type must be a string")
				}
				conds, ok := nativeList(list)
				if !ok {
					return types.NewErr("conditionStatus() conditions must be a list")
				}
				status, _ := find(conds, t)
				return types.String(status)
			}))),
		cel.Function("conditionAge", cel.Overload("conditionAge_list_string",
			[]*cel.Type{cel.ListType(cel.DynType), cel.StringType}, cel.IntType,
			cel.BinaryBinding(func(list, typ ref.Val) ref.Val {
				t, ok := typ.Value().(string)
				if !ok {
					return types.NewErr("conditionAge() type must be a string")
				}
				conds, ok := nativeList(list)
				if !ok {
					return types.NewErr("conditionAge() conditions must be a list")
				}
				_, c := find(conds, t)
				age, ok := ageSeconds(c, now)
				if !ok {
					return types.Int(-1)
				}
				return types.Int(age)
			}))),
		cel.Function("stableFor", cel.Overload("stableFor_list_string_int",
			[]*cel.Type{cel.ListType(cel.DynType), cel.StringType, cel.IntType}, cel.BoolType,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				if len(args) != 3 {
					return types.NewErr("stableFor() requires 3 arguments")
				}
				t, ok := args[1].Value().(string)
				if !ok {
					return types.NewErr("stableFor() type must be a string")
				}
				threshold, ok := args[2].Value().(int64)
				if !ok {
					return types.NewErr("stableFor() seconds must be an int")
				}
				conds, ok := nativeList(args[0])
				if !ok {
					return types.NewErr("stableFor() conditions must be a list")
				}
				status, c := find(conds, t)
				if status != "True" || c == nil {
					return types.False
				}
				age, ok := ageSeconds(c, now)
				return types.Bool(ok && age >= threshold)
			}))),
		cel.Function("statusFeedbackValue", cel.Overload("statusFeedbackValue_dyn_string",
			[]*cel.Type{cel.DynType, cel.StringType}, cel.StringType,
			cel.BinaryBinding(func(fb, nameArg ref.Val) ref.Val {
				name, ok := nameArg.Value().(string)
				if !ok {
					return types.NewErr("statusFeedbackValue() name must be a string")
				}
				v, ok := native(fb)
				if !ok {
					return types.String("")
				}
				return types.String(feedbackValue(v, name))
			}))),
		cel.Function("triState", cel.Overload("triState_bool_bool",
			[]*cel.Type{cel.BoolType, cel.BoolType}, cel.StringType,
			cel.BinaryBinding(func(t, f ref.Val) ref.Val {
				if t.Value() == true {
					return types.String("True")
				}
				if f.Value() == true {
					return types.String("False")
				}
				return types.String("Unknown")
			}))),
	}
}

func native(v ref.Val) (interface{}, bool) {
	if v == nil {
		return nil, true
	}
	if _, isErr := v.(*types.Err); isErr {
		return nil, false
	}
	return v.Value(), true
}

func nativeList(v ref.Val) ([]interface{}, bool) {
	raw, ok := native(v)
	if !ok {
		return nil, false
	}
	l, ok := raw.([]interface{})
	return l, ok
}

func find(conds []interface{}, t string) (string, map[string]interface{}) {
	for _, c := range conds {
		m, ok := c.(map[string]interface{})
		if !ok || m["type"] != t {
			continue
		}
		if s, ok := m["status"].(string); ok {
			return s, m
		}
		return "Unknown", m
	}
	return "Unknown", nil
}

func ageSeconds(c map[string]interface{}, now func() time.Time) (int64, bool) {
	if c == nil {
		return 0, false
	}
	s, ok := c["last_transition_time"].(string)
	if !ok {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, false
	}
	return int64(now().Sub(t).Seconds()), true
}

func feedbackValue(v interface{}, name string) string {
	m, ok := v.(map[string]interface{})
	if !ok {
		return ""
	}
	values, ok := m["values"].([]interface{})
	if !ok {
		return ""
	}
	for _, e := range values {
		entry, ok := e.(map[string]interface{})
		if !ok || entry["name"] != name {
			continue
		}
		if fv, ok := entry["fieldValue"].(map[string]interface{}); ok {
			if s, ok := fv["string"].(string); ok {
				return s
			}
		}
	}
	return ""
}

func dig(root interface{}, path string) (interface{}, bool) {
	path = strings.TrimSpace(path)
	if path == "" {
		return root, true
	}
	cur := root
	for _, raw := range strings.Split(path, ".") {
		part := strings.TrimSpace(raw)
		if part == "" {
			continue
		}
		switch v := cur.(type) {
		case map[string]interface{}:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []interface{}:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

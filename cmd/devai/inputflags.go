package main

import (
	"flag"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// bindInputFlags declares a flag for every field of the tool input *in
// points to, so that a command's flags are the tool's arguments: the name is
// the JSON name with dashes (max_tokens: --max-tokens), the help its
// jsonschema description. Fields of nested structs are flattened by their
// own names (options.links.trace: --trace). A `cli:"name"` tag renames a
// flag; `cli:"-"` leaves the field to the command (a positional argument,
// a file to read).
func bindInputFlags(fs *flag.FlagSet, in any) {
	v := reflect.ValueOf(in).Elem()
	bindStruct(fs, v)
}

func bindStruct(fs *flag.FlagSet, v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, ok := flagName(f)
		if !ok {
			continue
		}
		help := f.Tag.Get("jsonschema")
		fv := v.Field(i)
		switch f.Type.Kind() {
		case reflect.Struct:
			bindStruct(fs, fv)
		case reflect.String:
			fs.Var(valueFlag{fv}, name, help)
		case reflect.Bool:
			fs.Var(boolFlag{valueFlag{fv}}, name, help)
		case reflect.Int, reflect.Int64, reflect.Float64:
			fs.Var(valueFlag{fv}, name, help)
		case reflect.Slice:
			if f.Type.Elem().Kind() != reflect.String {
				panic(fmt.Sprintf("input field %s: a flag cannot hold %s; tag it cli:\"-\"", f.Name, f.Type))
			}
			fs.Var(listFlag{fv.Addr().Interface().(*[]string)}, name, help+" (a comma `list`, or repeat the flag)")
		default:
			panic(fmt.Sprintf("input field %s: a flag cannot hold %s; tag it cli:\"-\"", f.Name, f.Type))
		}
	}
}

// flagName is the flag of field f, or false when it has none.
func flagName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	if c, ok := f.Tag.Lookup("cli"); ok {
		return c, c != "-"
	}
	if f.Type.Kind() == reflect.Struct {
		return "", true // flattened
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return "", false
	}
	return strings.ReplaceAll(name, "_", "-"), true
}

// valueFlag sets a string, integer or float field from its text.
type valueFlag struct{ v reflect.Value }

func (f valueFlag) String() string {
	if !f.v.IsValid() || f.v.IsZero() {
		return ""
	}
	return fmt.Sprint(f.v.Interface())
}

func (f valueFlag) Set(s string) error {
	switch f.v.Kind() {
	case reflect.String:
		f.v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		f.v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		f.v.SetInt(n)
	case reflect.Float64:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		f.v.SetFloat(x)
	}
	return nil
}

// placeholder names the value in --help: --limit n, --path string.
func (f valueFlag) placeholder() string {
	switch f.v.Kind() {
	case reflect.Int, reflect.Int64:
		return "n"
	case reflect.Float64:
		return "x"
	case reflect.Bool:
		return ""
	}
	return "string"
}

// boolFlag is a valueFlag that needs no value: --write means true.
type boolFlag struct{ valueFlag }

func (boolFlag) IsBoolFlag() bool { return true }

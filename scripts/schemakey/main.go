// Command schemakey rewrites the output of `providers schema -json` so that the
// only provider schema is keyed by a short name, as tfplugindocs expects.
// It replaces a jq one-liner, so that docs generation needs nothing but Go.
//
//	tofu providers schema -json | go run ./scripts/schemakey cce > schema.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: schemakey NAME < schema.json")
		os.Exit(2)
	}
	var doc map[string]json.RawMessage
	if err := json.NewDecoder(os.Stdin).Decode(&doc); err != nil {
		fail(err)
	}
	var schemas map[string]json.RawMessage
	if err := json.Unmarshal(doc["provider_schemas"], &schemas); err != nil {
		fail(err)
	}
	if len(schemas) != 1 {
		fail(fmt.Errorf("want exactly one provider schema, got %d", len(schemas)))
	}
	for _, s := range schemas {
		b, err := json.Marshal(map[string]json.RawMessage{os.Args[1]: s})
		if err != nil {
			fail(err)
		}
		doc["provider_schemas"] = b
	}
	if err := json.NewEncoder(os.Stdout).Encode(doc); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "schemakey:", err)
	os.Exit(1)
}

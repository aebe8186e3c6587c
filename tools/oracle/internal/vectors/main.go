package vectors

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

// Main is an oracle's main loop: flags -in and -out (by default the suite's vectors.json and
// expected.json under test/conformance/<suite>), every vector through run, the results written
// one a line. An error from run or from the files stops the oracle (see Fail).
func Main[T any](suite string, run func(T) (json.RawMessage, error)) {
	in := flag.String("in", "test/conformance/"+suite+"/vectors.json", "vectors file")
	out := flag.String("out", "test/conformance/"+suite+"/expected.json", "expected results file")
	flag.Parse()

	vecs, err := Read[T](*in)
	if err != nil {
		Fail(suite, err)
	}
	results := make([]json.RawMessage, 0, len(vecs))
	for _, v := range vecs {
		line, err := run(v)
		if err != nil {
			Fail(suite, err)
		}
		results = append(results, line)
	}
	if err := Write(*out, results); err != nil {
		Fail(suite, err)
	}
	fmt.Fprintf(os.Stderr, "%s oracle: %d vectors -> %s\n", suite, len(vecs), *out)
}

// Fail stops an oracle on input it cannot answer for (a malformed vector, an unreadable file):
// that is no result to record, so nothing is written and the exit status is 2.
func Fail(suite string, err error) {
	fmt.Fprintf(os.Stderr, "%s oracle: %v\n", suite, err)
	os.Exit(2)
}

// Line is r as one line of JSON, with <, > and & left as they are.
func Line(r any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Now is the clock a vector sets (RFC 3339), or def when it sets none.
func Now(text, def string) (time.Time, error) {
	if text == "" {
		text = def
	}
	return time.Parse(time.RFC3339Nano, text)
}

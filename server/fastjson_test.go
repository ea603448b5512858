package server

import (
	"encoding/json"
	"math/rand"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func fastJSONSeeds(t testing.TB) []string {
	text, err := os.ReadFile("../testdata/bench/multistage-198.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(string(text))
	return []string{
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///w/Dockerfile","version":7},"contentChanges":[{"text":` + string(doc) + `}]}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"version":8,"uri":"file:///w/Dockerfile"},"contentChanges":[{"range":{"start":{"line":3,"character":10},"end":{"line":3,"character":10}},"rangeLength":0,"text":"x"},{"range":{"start":{"line":0,"character":0},"end":{"line":1,"character":0}},"text":"FROM a\n"}]}}`,
		`{"jsonrpc":"2.0","id":1,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///w/Dockerfile"},"position":{"line":1,"character":2}}}`,
		`{"jsonrpc":"2.0","id":"abc","method":"textDocument/hover","params":{"textDocument":{"uri":"file:///w/Dockerfile"},"position":{"line":0,"character":0}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/Dockerfile","languageId":"dockerfile","version":1,"text":` + string(doc) + `}}}`,
		`{"jsonrpc":"2.0","id":3,"result":{"a":[1,2.5e3,-0,true,false,null,"\u00e9"]}}`,
		`{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"no"}}`,
		`{"jsonrpc":"2.0","method":"x","params":[{"a":{"b":[[]]}},"\ud83d\ude00 \t\/\\\"",1E-2]}`,
		`{"Method":"textDocument/didChange","params":{}}`,
		`{"method":"textDocument/didChange","method":"x","params":{"textDocument":{"uri":"a","URI":"b","version":2147483648}}}`,
		`{"method":"textDocument/didChange","params":{"contentChanges":[{"range":{"start":{"line":-1,"character":1.5}}}],"contentChanges":null}}`,
		`{"method":"m","params":{"textDocument":{"uri":"file:///caf\u00e9","version":-0,"text":"caf` + "\xe9" + `"}}}`,
		`{"method":"m","params":{"textDocument":{"uri":"u","version":01}}}`,
		`  {"method" : "m" , "params" : { "textDocument" : { "uri" : "u" , "version" : 3 } } }  `,
		`{"method":"m","id":null,"params":{"contentChanges":[{"text":"a\u0000b"},{"text":"tab\there"}]}}`,
		`[{"method":"m"}]`, `"m"`, `{`, `{"method":"m",}`, `{"method":"m"}x`,
	}
}

// checkFastJSON: whatever the one-pass readers accept, json.Unmarshal must
// accept too and decode identically.
func checkFastJSON(t testing.TB, in []byte) (accepted int) {
	if m, ok := fastMessage(in); ok {
		accepted++
		var want message
		if err := json.Unmarshal(in, &want); err != nil {
			t.Fatalf("fastMessage accepted what encoding/json rejects (%v): %q", err, in)
		}
		if !reflect.DeepEqual(m, want) {
			t.Fatalf("fastMessage differs on %q\nfast: %+v\njson: %+v", in, m, want)
		}
	}
	var dc didChangeParams
	if fastDidChange(in, &dc) {
		accepted++
		var want didChangeParams
		if err := json.Unmarshal(in, &want); err != nil {
			t.Fatalf("fastDidChange accepted what encoding/json rejects (%v): %q", err, in)
		}
		if !reflect.DeepEqual(dc, want) {
			t.Fatalf("fastDidChange differs on %q\nfast: %+v\njson: %+v", in, dc, want)
		}
	}
	var do protocol.DidOpenTextDocumentParams
	if fastDidOpen(in, &do) {
		accepted++
		var want protocol.DidOpenTextDocumentParams
		if err := json.Unmarshal(in, &want); err != nil {
			t.Fatalf("fastDidOpen accepted what encoding/json rejects (%v): %q", err, in)
		}
		if !reflect.DeepEqual(do, want) {
			t.Fatalf("fastDidOpen differs on %q\nfast: %+v\njson: %+v", in, do, want)
		}
	}
	return accepted
}

// paramsOf returns the params of a seed message, for the params readers.
func paramsOf(s string) []byte {
	var m message
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m.Params
}

// TestFastJSONMatchesEncodingJSON runs the seeds and 30,000 random mutations
// of them (bytes flipped, inserted, deleted, spans duplicated).
func TestFastJSONMatchesEncodingJSON(t *testing.T) {
	seeds := fastJSONSeeds(t)
	var inputs [][]byte
	for _, s := range seeds {
		inputs = append(inputs, []byte(s))
		if p := paramsOf(s); p != nil {
			inputs = append(inputs, p)
		}
	}
	accepted := 0
	for _, in := range inputs {
		accepted += checkFastJSON(t, in)
	}
	rng := rand.New(rand.NewSource(7))
	alphabet := []byte(`{}[]:,"\ 0123456789-+.eEtrufalsn` + "\x00\x1f\xe9\xff" + `/btnru`)
	mutated := 0
	for i := 0; i < 30000; i++ {
		in := append([]byte(nil), inputs[rng.Intn(len(inputs))]...)
		for k := rng.Intn(3) + 1; k > 0 && len(in) > 0; k-- {
			p := rng.Intn(len(in))
			switch rng.Intn(4) {
			case 0:
				in[p] = alphabet[rng.Intn(len(alphabet))]
			case 1:
				in = append(in[:p], append([]byte{alphabet[rng.Intn(len(alphabet))]}, in[p:]...)...)
			case 2:
				in = append(in[:p], in[p+1:]...)
			case 3:
				q := min(len(in), p+rng.Intn(20))
				in = append(in[:q], append(append([]byte(nil), in[p:q]...), in[q:]...)...)
			}
		}
		mutated += checkFastJSON(t, in)
	}
	if accepted < 10 || mutated < 1000 {
		t.Errorf("the fast readers accepted too little to be tested: %d seeds, %d mutations", accepted, mutated)
	}
}

// TestFastJSONTakesEditorMessages: the messages editors send on every
// keystroke take the one-pass path (else it would rot unnoticed).
func TestFastJSONTakesEditorMessages(t *testing.T) {
	seeds := fastJSONSeeds(t)
	for _, i := range []int{0, 1, 4} {
		m, ok := fastMessage([]byte(seeds[i]))
		if !ok {
			t.Fatalf("seed %d declined", i)
		}
		switch m.Method {
		case "textDocument/didChange":
			var p didChangeParams
			if !fastDidChange(m.Params, &p) || len(p.ContentChanges) == 0 {
				t.Errorf("seed %d: didChange params declined", i)
			}
		case "textDocument/didOpen":
			var p protocol.DidOpenTextDocumentParams
			if !fastDidOpen(m.Params, &p) || !strings.HasPrefix(p.TextDocument.Text, "# syntax") {
				t.Errorf("seed %d: didOpen params declined or wrong: %.20q", i, p.TextDocument.Text)
			}
		}
	}
}

func FuzzFastJSON(f *testing.F) {
	for _, s := range fastJSONSeeds(f) {
		f.Add([]byte(s))
		if p := paramsOf(s); p != nil {
			f.Add(p)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkFastJSON(t, in) })
}

func BenchmarkDecodeDidChange(b *testing.B) {
	body := []byte(fastJSONSeeds(b)[0])
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var m message
			json.Unmarshal(body, &m)
			var p didChangeParams
			json.Unmarshal(m.Params, &p)
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			m, _ := decodeMessage(body)
			var p didChangeParams
			decodeParams(m.Params, &p)
		}
	})
}

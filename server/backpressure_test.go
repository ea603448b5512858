package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// Issue 16 item 13: a client that sends hovers and never reads the replies
// drove the server to ~1 GB (one goroutine per request, each blocked on the
// writer). Now the server stops reading requests once maxInflight replies
// wait: the client's writes block, the goroutines stay bounded, and when the
// client reads again every request is answered.
func TestBackpressureNonReadingClient(t *testing.T) {
	n := 100_000
	if testing.Short() || raceEnabled {
		n = 10_000
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	srv := New(Options{})
	done := make(chan int, 1)
	go func() { done <- srv.Run(inR, outW); outW.Close() }()
	out := bufio.NewReader(outR)
	readFrame := func() message {
		fr := frameReader{r: out}
		b, err := fr.Read()
		if err != nil {
			t.Fatal(err)
		}
		var m message
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	write := func(body string) error {
		_, err := fmt.Fprintf(inW, "Content-Length: %d\r\n\r\n%s", len(body), body)
		return err
	}
	write(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}`)
	if m := readFrame(); m.Error != nil {
		t.Fatal(m.Error)
	}
	write(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	const uri = "file:///w/Dockerfile"
	// No document is open: a hover is answered null at once, so what is
	// measured is the queueing, not the work.
	baseline := runtime.NumGoroutine()

	var sent atomic.Int64
	sendErr := make(chan error, 1)
	go func() {
		for i := 1; i <= n; i++ {
			if err := write(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"textDocument/hover","params":{"textDocument":{"uri":%q},"position":{"line":0,"character":1}}}`, i, uri)); err != nil {
				sendErr <- err
				return
			}
			sent.Add(1)
		}
		sendErr <- nil
	}()
	// Wait until the server stops taking requests (its reads block the
	// client's writes), or until it has taken them all.
	last, still := int64(-1), 0
	for still < 20 && sent.Load() < int64(n) {
		time.Sleep(25 * time.Millisecond)
		if cur := sent.Load(); cur == last {
			still++
		} else {
			last, still = cur, 0
		}
	}
	goroutines := runtime.NumGoroutine() - baseline
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("the server took %d of %d requests before it stopped reading; %d goroutines; heap in use %d MB", sent.Load(), n, goroutines, ms.HeapInuse>>20)
	if got := sent.Load(); got >= int64(n) {
		t.Errorf("the server read all %d requests from a client that reads nothing", n)
	}
	if goroutines > maxInflight+100 {
		t.Errorf("%d goroutines wait on a client that does not read (bound %d)", goroutines, maxInflight)
	}

	// The client reads again: every request is answered, in some order.
	answered := map[string]bool{}
	for len(answered) < n {
		m := readFrame()
		if m.Method != "" {
			continue
		}
		if m.Error != nil {
			t.Fatalf("request %s: %v", m.ID, m.Error)
		}
		answered[idKey(m.ID)] = true
	}
	if err := <-sendErr; err != nil {
		t.Fatal(err)
	}
	inW.Close()
	<-done
}

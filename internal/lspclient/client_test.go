package lspclient

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestReadFrame(t *testing.T) {
	r := bufio.NewReader(strings.NewReader("\r\nContent-Type: x\r\nContent-Length: 2\r\n\r\n{}Content-Length: 3\n\n[1]"))
	for _, want := range []string{"{}", "[1]"} {
		b, err := ReadFrame(r)
		if err != nil || string(b) != want {
			t.Fatalf("got %q, %v; want %q", b, err, want)
		}
	}
	if _, err := ReadFrame(r); err == nil {
		t.Fatal("no error at the end of input")
	}
}

func TestOutputKeepsHeadAndTail(t *testing.T) {
	var o Output
	o.Write([]byte("DATA RACE\n"))
	o.Write([]byte(strings.Repeat("x", outputHead+outputTail)))
	o.Write([]byte("the end"))
	s := o.String()
	if !strings.HasPrefix(s, "DATA RACE") || !strings.HasSuffix(s, "the end") || len(s) > outputHead+outputTail+20 {
		t.Errorf("kept %d bytes: %.20q ... %q", len(s), s, s[len(s)-20:])
	}
}

// cat echoes each frame: a request comes back as a request from the
// "server", which the client answers; the answer comes back as the response
// to the Call. Everything else stays queued, in order.
func TestClientAgainstEcho(t *testing.T) {
	if _, err := exec.LookPath("cat"); err != nil {
		t.Skip("no cat")
	}
	c, err := Start(exec.Command("cat"), Options{Record: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Kill()
	if err := c.Notify("hello", map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	m, _, err := c.Call("ping", nil, 10*time.Second)
	if err != nil || m.Error != nil || string(m.Result) != "null" {
		t.Fatalf("call: %+v, %v", m, err)
	}
	n, err := c.WaitFor(func(m Message) bool { return m.Method == "hello" }, 10*time.Second)
	if err != nil || string(n.Params) != `{"n":1}` {
		t.Fatalf("notification: %+v, %v", n, err)
	}
	if got := c.Received(); len(got) != 2 || got[0].Method != "hello" || got[1].Method != "ping" {
		t.Errorf("received %+v", got)
	}
	c.CloseInput()
	<-c.Exited()
	if c.ExitCode() != 0 || c.BadOutput() != nil {
		t.Errorf("exit %d, bad output %v", c.ExitCode(), c.BadOutput())
	}
}

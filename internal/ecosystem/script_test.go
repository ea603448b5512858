package ecosystem

import (
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

// runOf parses a Dockerfile and returns the script of its first RUN.
func runOf(t *testing.T, text string) (*dockerfile.File, *Script) {
	t.Helper()
	f := dockerfile.Parse([]byte(text))
	for _, in := range f.Instructions {
		if in.Is("RUN") {
			return f, RunScript(in)
		}
	}
	t.Fatalf("no RUN in %q", text)
	return nil, nil
}

func names(s *Script) string {
	var out []string
	for _, c := range s.Commands {
		out = append(out, c.String())
	}
	return strings.Join(out, " | ")
}

func TestRunScriptShapes(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
		unknown          bool
	}{
		{"heredoc into cat is data", "FROM x\nRUN cat > /app/setup.sh <<EOF && chmod +x /app/setup.sh\nnpm install\nrm -rf /\nEOF\n", "cat | chmod +x /app/setup.sh", false},
		{"heredoc script", "FROM x\nRUN <<EOF\nset -e\nnpm ci\nEOF\n", "set -e | npm ci", false},
		{"heredoc script with bash shebang", "FROM x\nRUN <<EOF\n#!/usr/bin/env bash\nnpm ci\nEOF\n", "npm ci", false},
		{"heredoc python script", "FROM x\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n", "", true},
		{"heredoc fed to a shell", "FROM x\nRUN bash <<EOF\nnpm ci\nEOF\n", "npm ci", false},
		{"heredoc fed to python is data", "FROM x\nRUN python3 <<EOF\nprint('npm ci')\nEOF\n", "python3", false},
		{"case patterns are not commands", "FROM x\nRUN case \"$ARCH\" in amd64|x86_64) npm ci ;; arm64) yarn ;; esac\n", "npm ci | yarn", false},
		{"arithmetic is one word", "FROM x\nRUN echo $((1+2)) && make -j$(($(nproc)+1))\n", "echo $((1+2)) | nproc | make -j$(($(nproc)+1))", false},
		{"sh -c", "FROM x\nRUN sh -c 'cd /app && npm ci'\n", "cd /app | npm ci", false},
		{"exec form sh -c", "FROM x\nRUN [\"/bin/bash\", \"-lc\", \"npm ci; go build\"]\n", "npm ci | go build", false},
		{"exec form", "FROM x\nRUN [\"npm\", \"ci\"]\n", "npm ci", false},
		{"wrappers and assignments", "FROM x\nRUN CGO_ENABLED=0 sudo -u app env A=1 nice -n 5 go build ./...\n", "go build ./...", false},
		{"syntax error is unknown", "FROM x\nRUN if then fi (\n", "", true},
		{"bad sh -c string keeps the rest", "FROM x\nRUN npm ci && sh -c 'if then'\n", "npm ci", true},
		{"continuations", "FROM x\nRUN apt-get update \\\n && apt-get install -y \\\n    curl\n", "apt-get update | apt-get install -y curl", false},
		{"export is a command", "FROM x\nRUN export A=1 && npm ci\n", "export A=1 | npm ci", false},
		{"(( as two subshells", "FROM x\nRUN ((cat /etc/os-release | grep alpine) && apk add musl-dev || true) && cargo fetch\n", "cat /etc/os-release | grep alpine | apk add musl-dev | true | cargo fetch", false},
		{"command substitution", "FROM x\nRUN V=$(cat /v) npm ci\n", "cat /v | npm ci", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, s := runOf(t, tc.text)
			if got := names(s); got != tc.want || s.Unknown != tc.unknown {
				t.Errorf("got %q unknown=%v, want %q unknown=%v", got, s.Unknown, tc.want, tc.unknown)
			}
		})
	}
}

func TestRunScriptDirectories(t *testing.T) {
	text := "FROM x\nRUN cd /app && npm ci; (cd sub && make) && go build; cd web && yarn; cd $X && pip install .; cd /abs && cargo build\n"
	_, s := runOf(t, text)
	want := map[string]string{"npm ci": "/app", "make": "/app/sub", "go build": "/app", "yarn": "/app/web", "pip install .": "?", "cargo build": "/abs"}
	for _, c := range s.Commands {
		w, ok := want[c.String()]
		if !ok {
			continue
		}
		got, known := c.WorkDir("/work")
		if !known {
			got = "?"
		}
		if got != w {
			t.Errorf("%s: dir %q, want %q", c.String(), got, w)
		}
		delete(want, c.String())
	}
	if len(want) > 0 {
		t.Errorf("commands not seen: %v", want)
	}
	// relative cd from the WORKDIR, and cd inside an if makes it unknown
	_, s = runOf(t, "FROM x\nRUN cd app && npm ci && if [ -d x ]; then cd x; fi && yarn\n")
	for _, c := range s.Commands {
		d, ok := c.WorkDir("/srv")
		switch c.String() {
		case "npm ci":
			if d != "/srv/app" || !ok {
				t.Errorf("npm ci in %q %v", d, ok)
			}
		case "yarn":
			if ok {
				t.Errorf("yarn after a conditional cd should be in an unknown directory, got %q", d)
			}
		}
	}
}

func TestRunScriptSubshellAndPipes(t *testing.T) {
	_, s := runOf(t, "FROM x\nRUN (cd /a && make) | tee log || echo failed\n")
	for _, c := range s.Commands {
		switch c.Name() {
		case "make":
			if !c.Subshell || !c.Piped {
				t.Errorf("make: %+v", c)
			}
		case "echo":
			if !c.Cond {
				t.Errorf("echo after || is conditional")
			}
		}
	}
}

func TestRunScriptRedirects(t *testing.T) {
	_, s := runOf(t, "FROM x\nRUN echo hi > /tmp/f 2>&1 && cat <<'EOF' >> /etc/conf\nline\nEOF\n")
	if len(s.Commands) != 2 {
		t.Fatalf("commands: %q", names(s))
	}
	r := s.Commands[0].Redirs
	if len(r) != 2 || r[0].Op != ">" || r[0].Target != "/tmp/f" || r[1].Fd != "2" || r[1].Target != "1" {
		t.Errorf("echo redirects %+v", r)
	}
	r = s.Commands[1].Redirs
	if len(r) != 2 || !r[0].Heredoc || r[0].Target != "EOF" || r[1].Op != ">>" {
		t.Errorf("cat redirects %+v", r)
	}
	f, _ := runOf(t, "FROM x\nRUN echo hi > /tmp/f\n")
	rr := RunCommands(f.Instructions[1])[0].Redirs[0]
	if got := f.Slice(dockerfile.Span{Start: rr.Start, End: rr.End}); got != "> /tmp/f" {
		t.Errorf("redirect spans %q", got)
	}
}

func TestWrapperPrefixKept(t *testing.T) {
	_, s := runOf(t, "FROM x\nRUN sudo -u app env A=1 npm ci\n")
	c := s.Commands[0]
	var pre []string
	for _, w := range c.Prefix {
		pre = append(pre, w.Text)
	}
	if c.String() != "npm ci" || strings.Join(pre, " ") != "sudo -u app env A=1" {
		t.Errorf("words %q prefix %q", c.String(), pre)
	}
}

// Every word's span points at its text in the Dockerfile, also across line
// continuations, in heredoc scripts, in sh -c strings and after non-ASCII
// text, and converts to the right UTF-16 column.
func TestRunScriptPositions(t *testing.T) {
	text := "FROM x\nRUN echo \"héllo 🎉\" && \\\n    npm ci --omit=dev && sh -c 'yarn install'\nRUN <<EOF\n  pip install -r req.txt\nEOF\n"
	f := dockerfile.Parse([]byte(text))
	var all []Command
	for _, in := range f.Instructions {
		all = append(all, RunCommands(in)...)
	}
	for _, c := range all {
		for _, w := range c.Words {
			if strings.ContainsAny(w.Text, "\"'") {
				continue
			}
			if got := f.Slice(dockerfile.Span{Start: w.Start, End: w.End}); got != w.Text && !strings.Contains(w.Text, "🎉") {
				t.Errorf("word %q spans %q", w.Text, got)
			}
		}
	}
	// `npm` sits on line 2 at UTF-16 column 4
	for _, c := range all {
		if c.Name() == "npm" {
			p := f.Lines.Position(c.Words[0].Start)
			if p.Line != 2 || p.Character != 4 {
				t.Errorf("npm at %+v", p)
			}
		}
		if c.Name() == "echo" {
			// after "héllo 🎉" (é is 1 UTF-16 unit, 🎉 2): the closing quote
			p := f.Lines.Position(c.Words[1].End)
			if p.Line != 1 || p.Character != len(`RUN echo "héllo `)-1+2+1 {
				t.Errorf("echo word ends at %+v", p)
			}
		}
	}
}

func TestHasOption(t *testing.T) {
	_, s := runOf(t, "FROM x\nRUN apt-get install -qy --no-install-recommends curl -- -y\n")
	c := s.Commands[0]
	for _, o := range []string{"-y", "-q", "--no-install-recommends"} {
		if !c.HasOption(o) {
			t.Errorf("option %s not found", o)
		}
	}
	if c.HasOption("-u", "--yes") {
		t.Errorf("absent option found")
	}
}

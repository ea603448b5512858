package protocol_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayering holds the layering issue 17 asked for, checked the way
// anyone can (`go list`): server is the only package that speaks LSP (imports
// go.lsp.dev/protocol), and dockerfile, the document model, imports no other
// msls package (nothing that lints).
func TestLayering(t *testing.T) {
	out, err := exec.Command(goTool(), "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "github.com/msls-dev/msls/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/msls-dev/msls"
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		seen++
		pkg := fields[0]
		for _, imp := range fields[1:] {
			if imp == "go.lsp.dev/protocol" && pkg != mod+"/server" {
				t.Errorf("%s imports go.lsp.dev/protocol: only server speaks LSP", pkg)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list found %d packages", seen)
	}
	deps, err := exec.Command(goTool(), "list", "-deps", "-f", "{{.ImportPath}}", mod+"/dockerfile").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, d := range strings.Fields(string(deps)) {
		if strings.HasPrefix(d, mod+"/") && d != mod+"/dockerfile" {
			t.Errorf("dockerfile depends on %s: the model imports nothing of msls's", d)
		}
	}
}

// TestRecoveredPanicsKeepTheirStack: every recover() in msls's non-test code
// keeps the goroutine's stack (debug.Stack or zap.Stack in the function that
// recovers, or diagnostics' Options.panicked, which takes it there), so that
// a panic is never dropped without a trace in the log.
// The test helpers of internal/corpustest and the benchmark tool are left
// out.
func TestRecoveredPanicsKeepTheirStack(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch {
			case strings.HasPrefix(d.Name(), ".") && rel != ".", d.Name() == "node_modules", d.Name() == "testdata",
				rel == "internal/corpustest", rel == "cmd/msls-bench", rel == "test":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		// the innermost function (declaration or literal) around each recover()
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			stack = append(stack, n)
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "recover" || len(call.Args) != 0 {
				return true
			}
			found++
			var fn ast.Node
			for i := len(stack) - 1; i >= 0 && fn == nil; i-- {
				switch stack[i].(type) {
				case *ast.FuncLit, *ast.FuncDecl:
					fn = stack[i]
				}
			}
			keeps := false
			ast.Inspect(fn, func(m ast.Node) bool {
				if sel, ok := m.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Stack" || sel.Sel.Name == "panicked") {
					keeps = true
				}
				return !keeps
			})
			if !keeps {
				t.Errorf("%s: recover() without the stack (debug.Stack or zap.Stack)", fset.Position(call.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 5 {
		t.Fatalf("found %d recover() calls: the walk missed the sources", found)
	}
}

package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/msls-dev/msls/diagnostics"
)

func init() { registerCheckFormat("github", writeGitHub) }

// writeGitHub prints GitHub Actions workflow commands, one annotation per
// finding: ::warning file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message
func writeGitHub(w io.Writer, reports []fileReport) error {
	for _, r := range reports {
		for _, fd := range r.Findings {
			cmd := "notice"
			switch fd.Severity {
			case diagnostics.SeverityError:
				cmd = "error"
			case diagnostics.SeverityWarning:
				cmd = "warning"
			}
			line, col := r.Lines.LineCol(fd.Span.Start)
			endLine, endCol := r.Lines.LineCol(fd.Span.End)
			msg := fd.Message
			if fd.URL != "" {
				msg += " (" + fd.URL + ")"
			}
			_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n", cmd,
				ghProperty(filepath.ToSlash(r.Path)), line, col, endLine, endCol, ghProperty("msls "+fd.Code), ghData(msg))
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// ghData escapes a workflow-command message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow-command property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

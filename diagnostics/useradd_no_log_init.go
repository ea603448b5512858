package diagnostics

import (
	"strings"

	"github.com/msls-dev/msls/dockerfile"
	"github.com/msls-dev/msls/internal/ecosystem"
)

// UseraddNoLogInitRule flags useradd with a large UID and no -l: useradd
// then writes the user's entry into /var/log/lastlog and faillog, sparse
// files sized by the UID, which image layers store in full.
var UseraddNoLogInitRule = registerRun(&Rule{
	Code:     "UseraddNoLogInit",
	Severity: SeverityWarning,
	Summary:  "useradd with a large UID but without -l (--no-log-init) bloats the layer with /var/log/lastlog",
	Aliases:  []string{"DL3046"},
	Fix:      FixAttached,
}, eachCommand(checkUseraddNoLogInit), nil)

// dlBigUID is the smallest UID flagged: at 100000 lastlog alone is ~29 MB.
const dlBigUID = 6 // digits

func checkUseraddNoLogInit(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
	if c.Name() != "useradd" || c.HasOption("-l", "--no-log-init") {
		return out
	}
	uid := ""
	for i, w := range c.Words {
		switch t := w.Text; {
		case (t == "-u" || t == "--uid") && i+1 < len(c.Words):
			uid = c.Words[i+1].Text
		case strings.HasPrefix(t, "--uid="):
			uid = t[len("--uid="):]
		case strings.HasPrefix(t, "-u") && len(t) > 2 && t[2] >= '0' && t[2] <= '9': // -u123456
			uid = t[2:]
		}
	}
	if len(strings.TrimLeft(uid, "0")) < dlBigUID || strings.Trim(uid, "0123456789") != "" {
		return out
	}
	out = append(out, Finding{
		Message: "useradd -u " + uid + " without -l writes /var/log/lastlog and faillog sized by the UID (tens of MB in the layer): add -l (--no-log-init)",
		Span:    dlCmdSpan(c),
		// Safe: -l only skips the lastlog/faillog entries.
		Fixes: dlInsertAfter(f, in, c.Words[0], "Add -l", " -l", true),
	})
	return out
}

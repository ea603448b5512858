package diagnostics

import (
	"fmt"

	"github.com/msls-dev/msls/dockerfile"
	"strings"

	"github.com/msls-dev/msls/internal/ecosystem"
)

// Shared by the yum, dnf/microdnf and zypper rules (DL3030-DL3041).

// rpmValueOpts are yum/dnf options that take the next word as value.
var rpmValueOpts = []string{"-c", "--config", "--installroot", "--releasever", "-d", "--debuglevel", "-e", "--errorlevel",
	"--setopt", "-x", "--exclude", "--enablerepo", "--disablerepo", "--repo", "--repoid", "--nobest", "--forcearch"}

// zypperValueOpts are zypper's global and install options that take a value.
var zypperValueOpts = []string{"-R", "--root", "-c", "--config", "-D", "--reposd-dir", "-C", "--cache-dir", "-t", "--type",
	"-r", "--repo", "--from"}

// rpmInstall returns the install of a yum (names "yum") or dnf/microdnf
// command.
func rpmInstall(c ecosystem.Command, names ...string) (pkgInvocation, bool) {
	if !dlIn(c.Name(), names...) {
		return pkgInvocation{}, false
	}
	p := splitPkgCommand(c, rpmValueOpts...)
	return p, dlIn(p.Sub, "install", "groupinstall", "localinstall")
}

// zypperInstall returns the install of a zypper command.
func zypperInstall(c ecosystem.Command) (pkgInvocation, bool) {
	if c.Name() != "zypper" {
		return pkgInvocation{}, false
	}
	p := splitPkgCommand(c, zypperValueOpts...)
	return p, p.Sub == "install" || p.Sub == "in"
}

// rpmPinned reports whether a yum/dnf package spec names a version:
// `name-1.2`, `name-1.2-3.el9`, `name-0:1.2` (a dash-separated part that
// starts with a digit). `@group` and `@module:stream` are not packages.
func rpmPinned(s string) bool {
	if strings.HasPrefix(s, "@") {
		return true
	}
	parts := strings.Split(s, "-")
	for _, p := range parts[1:] {
		if p != "" && p[0] >= '0' && p[0] <= '9' {
			return true
		}
	}
	return false
}

// zypperPinned: `name=1.2`, `name>=1.2`, `name<2`.
func zypperPinned(s string) bool { return strings.ContainsAny(s, "=<>") }

// rpmCleanAll reports whether c is `<one of names> clean all`.
func rpmCleanAll(c ecosystem.Command, names ...string) bool {
	if !dlIn(c.Name(), names...) {
		return false
	}
	a := c.Args()
	for i := 0; i+1 < len(a); i++ {
		if a[i] == "clean" && a[i+1] == "all" {
			return true
		}
	}
	return false
}

// zypperClean reports whether c is `zypper clean` (`zypper cc`).
func zypperClean(c ecosystem.Command) bool {
	if c.Name() != "zypper" {
		return false
	}
	p := splitPkgCommand(c, zypperValueOpts...)
	return p.Sub == "clean" || p.Sub == "cc"
}

// rpmYes is YumInstallYes and DnfInstallYes: installs without -y.
func rpmYes(names ...string) runCheck {
	return eachCommand(func(f *dockerfile.File, in *dockerfile.Instruction, c ecosystem.Command, out []Finding) []Finding {
		p, ok := rpmInstall(c, names...)
		if !ok && dlIn(c.Name(), names...) && p.Sub == "module" && len(p.Operands) > 0 && p.Operands[0].Text == "install" {
			ok = true // `dnf module install nodejs:20` prompts too
		}
		if !ok || c.HasOption("-y", "--assumeyes") {
			return out
		}
		return append(out, Finding{
			Message: fmt.Sprintf("`%s` has no -y: its confirmation prompt gets no answer in a build and aborts it; add -y", shorten(c.String())),
			Span:    dlCmdSpan(c),
			// Safe: a build that passed never reached the prompt.
			Fixes: dlInsertAfter(f, in, p.SubWord, "Add -y", " -y", true),
		})
	})
}

package codeactions

import "strings"

// imageRef is a FROM image split into repository and tag, as written
// (variables kept). Digest-pinned references keep Digest and cannot be
// turned into a variant.
type imageRef struct {
	Repo, Tag, Digest string
}

func parseImage(s string) imageRef {
	var r imageRef
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s, r.Digest = s[:i], s[i+1:]
	}
	slash := strings.LastIndexByte(s, '/')
	if i := strings.LastIndexByte(s, ':'); i > slash {
		s, r.Tag = s[:i], s[i+1:]
	}
	r.Repo = s
	return r
}

func (r imageRef) String() string {
	s := r.Repo
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// official reports whether the image is Docker's official image `name`,
// however the registry prefix is spelled.
func (r imageRef) official(name string) bool {
	repo := strings.ToLower(r.Repo)
	return repo == name || strings.HasSuffix(repo, "/library/"+name) || repo == "library/"+name
}

// nodeRuntimeImage is the runner image for an official node image: the
// -slim variant of the same Debian release, never a switch between glibc and
// musl (alpine stays alpine).
func nodeRuntimeImage(r imageRef) imageRef {
	if r.Digest != "" || strings.Contains(r.Tag, "slim") || strings.Contains(r.Tag, "alpine") {
		return r
	}
	switch r.Tag {
	case "", "latest":
		r.Tag = "slim"
	default:
		r.Tag += "-slim"
	}
	return r
}

// pythonImages returns the image that builds the virtualenv (the full image,
// with compilers) and the runner image (-slim of the same version and
// Debian release); alpine images stay alpine for both.
func pythonImages(r imageRef) (full, slim imageRef) {
	if r.Digest != "" || strings.Contains(r.Tag, "alpine") {
		return r, r
	}
	full, slim = r, r
	tag := r.Tag
	switch {
	case tag == "slim":
		full.Tag = ""
	case strings.HasPrefix(tag, "slim-"): // slim-bookworm
		full.Tag = strings.TrimPrefix(tag, "slim-")
	case strings.Contains(tag, "-slim"):
		full.Tag = strings.Replace(tag, "-slim", "", 1)
	case tag == "" || tag == "latest":
		slim.Tag = "slim"
	default:
		// 3.12 -> 3.12-slim, 3.12-bookworm -> 3.12-slim-bookworm
		if i := strings.IndexByte(tag, '-'); i >= 0 {
			slim.Tag = tag[:i] + "-slim" + tag[i:]
		} else {
			slim.Tag = tag + "-slim"
		}
	}
	return full, slim
}

// windowsImage reports whether a tag names a Windows image (the split's
// shell commands would not run there).
func windowsImage(r imageRef) bool {
	t := strings.ToLower(r.Tag)
	return strings.Contains(t, "windows") || strings.Contains(t, "nanoserver") || strings.Contains(t, "ltsc")
}

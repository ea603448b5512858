// Command archive writes release archives whose bytes depend only on the
// files' contents, names and executable bits: entries in the order given, one
// fixed modification time (SOURCE_DATE_EPOCH), owner 0:0 without names, modes
// 0755 or 0644, no gzip name or time. GNU tar and Info-ZIP can do most of this
// with the right flags, but their versions differ between machines; Go's
// archive packages do not (scripts/release.sh runs it with `go run`).
//
//	go run ./scripts/archive tgz OUT.tar.gz DIR/ SRC[=NAME]...
//	go run ./scripts/archive zip OUT.zip DIR/ SRC[=NAME]...
//	go run ./scripts/archive renormalize FILE.zip     (e.g. a .vsix written by vsce)
//
// DIR/ prefixes every entry's name ("" for none); NAME defaults to SRC's base
// name.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "archive:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	mtime, err := sourceDate(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	switch {
	case len(args) >= 3 && (args[0] == "tgz" || args[0] == "zip"):
		entries, err := readEntries(args[2], args[3:])
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if args[0] == "tgz" {
			err = writeTarGz(&b, entries, mtime)
		} else {
			err = writeZip(&b, entries, mtime)
		}
		if err != nil {
			return err
		}
		return os.WriteFile(args[1], b.Bytes(), 0o644)
	case len(args) == 2 && args[0] == "renormalize":
		in, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := renormalizeZip(&b, in, mtime); err != nil {
			return fmt.Errorf("%s: %v", args[1], err)
		}
		return os.WriteFile(args[1], b.Bytes(), 0o644)
	}
	return fmt.Errorf("usage: archive tgz|zip OUT DIR/ SRC[=NAME]... | archive renormalize FILE.zip")
}

// sourceDate is the reproducible-builds convention: seconds since the epoch;
// unset means 2000-01-01 (zip cannot store dates before 1980).
func sourceDate(s string) (time.Time, error) {
	if s == "" {
		return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 315532800 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want seconds since 1970, not before 1980", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

type entry struct {
	name string
	exec bool
	data []byte
}

func readEntries(prefix string, specs []string) ([]entry, error) {
	var out []entry
	for _, s := range specs {
		src, name, ok := strings.Cut(s, "=")
		if !ok {
			name = filepath.Base(src)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		info, err := os.Stat(src)
		if err != nil {
			return nil, err
		}
		out = append(out, entry{name: path.Join(prefix, name), exec: info.Mode()&0o111 != 0, data: data})
	}
	return out, nil
}

func mode(exec bool) fs.FileMode {
	if exec {
		return 0o755
	}
	return 0o644
}

func writeTarGz(w io.Writer, entries []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	// gzip.Header's zero ModTime and empty Name write zeros: nothing varies.
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{
			Typeflag: tar.TypeReg, Name: e.name, Size: int64(len(e.data)), Mode: int64(mode(e.exec)),
			ModTime: mtime, Format: tar.FormatPAX,
		}
		if len(e.name) < 100 {
			h.Format = tar.FormatUSTAR // no PAX record when the name fits
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func newZipWriter(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	return zw
}

func zipHeader(name string, exec bool, mtime time.Time) *zip.FileHeader {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime}
	h.SetMode(mode(exec))
	return h
}

func writeZip(w io.Writer, entries []entry, mtime time.Time) error {
	zw := newZipWriter(w)
	for _, e := range entries {
		f, err := zw.CreateHeader(zipHeader(e.name, e.exec, mtime))
		if err != nil {
			return err
		}
		if _, err := f.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// renormalizeZip rewrites a zip in its own entry order with fixed times and
// modes and without extra fields or comments: vsce stamps each file's mtime
// and the packager's umask into a .vsix. Contents are recompressed by Go, so
// they do not depend on the zip library that wrote the input either.
func renormalizeZip(w io.Writer, in []byte, mtime time.Time) error {
	zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return err
	}
	var entries []entry
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		entries = append(entries, entry{name: f.Name, exec: f.Mode()&0o111 != 0, data: data})
	}
	return writeZip(w, entries, mtime)
}

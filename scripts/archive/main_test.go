package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"testing"
	"time"
)

var when = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func sample() []entry {
	return []entry{{"msls_v1_linux_amd64/msls", true, []byte("\x7fELF binary")}, {"msls_v1_linux_amd64/README.md", false, []byte("# msls\n")}}
}

func TestTarGz(t *testing.T) {
	var a, b bytes.Buffer
	if err := writeTarGz(&a, sample(), when); err != nil {
		t.Fatal(err)
	}
	writeTarGz(&b, sample(), when)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two writes differ")
	}
	gz, err := gzip.NewReader(&a)
	if err != nil {
		t.Fatal(err)
	}
	if !gz.ModTime.IsZero() || gz.Name != "" {
		t.Errorf("gzip header carries %v %q", gz.ModTime, gz.Name)
	}
	tr := tar.NewReader(gz)
	for i, want := range sample() {
		h, err := tr.Next()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if h.Name != want.name || !bytes.Equal(data, want.data) || h.Mode != int64(mode(want.exec)) ||
			!h.ModTime.Equal(when) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("entry %d: %+v %q", i, h, data)
		}
	}
	if _, err := tr.Next(); err != io.EOF {
		t.Errorf("extra entries: %v", err)
	}
}

func readZip(t *testing.T, b []byte) []*zip.File {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return zr.File
}

func TestZipAndRenormalize(t *testing.T) {
	var a bytes.Buffer
	if err := writeZip(&a, sample(), when); err != nil {
		t.Fatal(err)
	}
	files := readZip(t, a.Bytes())
	if len(files) != 2 || files[0].Name != "msls_v1_linux_amd64/msls" || files[0].Mode() != 0o755 || files[1].Mode() != 0o644 || !files[0].Modified.Equal(when) {
		t.Fatalf("zip entries: %+v", files)
	}

	// a zip as another tool writes it: other times, modes, an extra field
	var other bytes.Buffer
	zw := zip.NewWriter(&other)
	for i, e := range sample() {
		h := &zip.FileHeader{Name: e.name, Method: zip.Store, Modified: time.Now().Add(time.Duration(i) * time.Hour), Extra: []byte{0x99, 0x99, 2, 0, 1, 2}}
		h.SetMode(0o664 | mode(e.exec))
		f, _ := zw.CreateHeader(h)
		f.Write(e.data)
	}
	zw.Close()
	var norm bytes.Buffer
	if err := renormalizeZip(&norm, other.Bytes(), when); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(norm.Bytes(), a.Bytes()) {
		t.Error("renormalized zip differs from the zip written directly")
	}
}

func TestSourceDate(t *testing.T) {
	if d, err := sourceDate("1767323045"); err != nil || !d.Equal(when) {
		t.Errorf("sourceDate = %v, %v", d, err)
	}
	for _, bad := range []string{"x", "100"} {
		if _, err := sourceDate(bad); err == nil {
			t.Errorf("sourceDate(%q) accepted", bad)
		}
	}
}

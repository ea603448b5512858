package safefs

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Writes replace a file atomically: the new text goes to a temporary file
// created exclusively (O_EXCL, random name, so a planted link or file with a
// guessable name is never opened) in the same folder, is written and fsynced,
// gets the original's mode and owner, and is renamed over the file; the
// folder is fsynced so the rename survives a crash. A failure at any step
// removes the temporary file and leaves the original untouched: a full disk
// never truncates a Dockerfile.
//
// What is refused, with a message saying why:
//   - a file without any write permission (0444): the user marked it
//     read-only, so msls does not replace it behind their back;
//   - a file with more than one hard link: replacing it would silently
//     split the links (the other names would keep the old text); edit it
//     in place by other means, or break the link yourself first;
//   - a symbolic link whose target leaves the root: the link is written
//     through to its target only when that target lies inside the root;
//   - anything but a regular file at the end of the link chain;
//   - a file whose owner or group cannot be kept (replacing another user's
//     file as a non-root user would make it ours).

// ErrReadOnly is returned when the file has no write permission.
var ErrReadOnly = errors.New("file is read-only (no write permission); msls does not replace it")

// ErrHardLinked is returned when the file has other hard links.
var ErrHardLinked = errors.New("file has several hard links; replacing it would break them")

// ErrLinkOutside is returned for a symbolic link whose target leaves the root.
var ErrLinkOutside = errors.New("file is a symbolic link to a target outside the allowed folder")

// ErrOwner is returned when the file's owner or group cannot be kept.
var ErrOwner = errors.New("cannot keep the file's owner and group")

// writeData writes the new content; tests swap it to fail half-way.
var writeData = func(w io.Writer, data []byte) error {
	_, err := w.Write(data)
	return err
}

// ReplaceFile atomically replaces the existing regular file name (below the
// root) with data, keeping its mode and owner. A symbolic link is written
// through to its target when the target lies inside the root.
func (r *Root) ReplaceFile(name string, data []byte) (err error) {
	rel, ok := r.Rel(name)
	if !ok {
		return &fs.PathError{Op: "write", Path: name, Err: ErrLinkOutside}
	}
	target, err := r.linkTarget(rel)
	if err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: err}
	}
	// From here on every step goes through os.Root: a link swapped in after
	// the resolution above can still not make msls write outside the root.
	st, err := r.r.Lstat(target)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return &fs.PathError{Op: "write", Path: name, Err: ErrNotRegular}
	}
	if st.Mode().Perm()&0o222 == 0 {
		return &fs.PathError{Op: "write", Path: name, Err: ErrReadOnly}
	}
	uid, gid, nlink := owner(st)
	if nlink > 1 {
		return &fs.PathError{Op: "write", Path: name, Err: fmt.Errorf("%w (%d links)", ErrHardLinked, nlink)}
	}

	dir := filepath.Dir(target)
	tmpName, f, err := r.createTemp(dir, filepath.Base(target))
	if err != nil {
		return err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			r.r.Remove(tmpName)
		}
	}()
	if err = writeData(f, data); err != nil {
		return err
	}
	// Chmod after creation: the umask applied at creation must not narrow
	// the original's mode; setuid/setgid/sticky bits are kept as well.
	if err = f.Chmod(st.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		return err
	}
	if uid >= 0 {
		if tst, e := f.Stat(); e == nil {
			tuid, tgid, _ := owner(tst)
			if tuid != uid || tgid != gid {
				if e := f.Chown(uid, gid); e != nil {
					err = &fs.PathError{Op: "write", Path: name, Err: fmt.Errorf("%w: %v", ErrOwner, e)}
					return err
				}
			}
		}
	}
	if err = f.Sync(); err != nil {
		return err
	}
	err = f.Close()
	f = nil
	if err != nil {
		return err
	}
	if err = r.r.Rename(tmpName, target); err != nil {
		return err
	}
	// The rename is done; a failed directory sync does not undo it, but is
	// still reported (the change may not survive a crash).
	if d, e := r.r.Open(dir); e == nil {
		e = d.Sync()
		d.Close()
		if e != nil && !errors.Is(e, syscall.EINVAL) {
			return fmt.Errorf("sync %s: %w", filepath.Join(r.dir, dir), e)
		}
	}
	return nil
}

// maxLinks bounds a chain of symbolic links, as the kernel does.
const maxLinks = 40

// linkTarget resolves rel through symbolic links to the name of the file it
// designates, relative to the root; an error when the chain leaves the root.
func (r *Root) linkTarget(rel string) (string, error) {
	for i := 0; i < maxLinks; i++ {
		st, err := r.r.Lstat(rel)
		if err != nil {
			return "", err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return rel, nil
		}
		dest, err := r.r.Readlink(rel)
		if err != nil {
			return "", err
		}
		// A relative target is relative to the link's real folder: resolve
		// that folder (os.Root would, too) before joining.
		base := filepath.Join(r.dir, filepath.Dir(rel))
		if real, err := filepath.EvalSymlinks(base); err == nil {
			base = real
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(base, dest)
		}
		next, ok := r.Rel(filepath.Clean(dest))
		if !ok {
			return "", ErrLinkOutside
		}
		rel = next
	}
	return "", &fs.PathError{Op: "readlink", Path: rel, Err: syscall.ELOOP}
}

// createTemp creates a fresh file in dir, exclusively, with a random name
// beginning with a dot and base (so it is recognisable if a crash leaves it).
func (r *Root) createTemp(dir, base string) (string, *os.File, error) {
	var b [8]byte
	for try := 0; ; try++ {
		if _, err := rand.Read(b[:]); err != nil {
			return "", nil, err
		}
		name := filepath.Join(dir, "."+base+".msls-"+hex.EncodeToString(b[:])+".tmp")
		f, err := r.r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return name, f, nil
		}
		if !errors.Is(err, fs.ErrExist) || try == 10 {
			return "", nil, err
		}
	}
}

// WriteFile replaces the file a user named (on the command line) with data,
// as Root.ReplaceFile does with the file's own folder as the root: a
// symbolic link is written through only to a target in that same folder (or
// below it). The folder is resolved to its real path first, so a name like
// dir/Dockerfile where dir itself is a link works as the user expects.
func WriteFile(name string, data []byte) error {
	abs, err := filepath.Abs(name)
	if err != nil {
		return err
	}
	r, err := OpenRoot(filepath.Dir(abs))
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.ReplaceFile(filepath.Base(abs), data); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = name
		}
		return err
	}
	return nil
}

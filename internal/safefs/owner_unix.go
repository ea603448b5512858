//go:build unix

package safefs

import (
	"io/fs"
	"syscall"
)

// owner returns a file's owner, group and link count (uid -1 when unknown).
func owner(st fs.FileInfo) (uid, gid int, nlink uint64) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(s.Uid), int(s.Gid), uint64(s.Nlink)
	}
	return -1, -1, 1
}

func fileID(st fs.FileInfo) (FileID, bool) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return FileID{Dev: uint64(s.Dev), Ino: uint64(s.Ino)}, true
	}
	return FileID{}, false
}

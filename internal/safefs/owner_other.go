//go:build !unix

package safefs

import "io/fs"

// owner is unknown off Unix: nothing to keep, and links are not counted.
func owner(fs.FileInfo) (uid, gid int, nlink uint64) { return -1, -1, 1 }

func fileID(fs.FileInfo) (FileID, bool) { return FileID{}, false }

// Package docscheck has no code of its own: its tests keep the repository's
// documentation true. The Go examples of CONTRIBUTING.md that name a file
// (`// file: diagnostics/x.go`) must compile as that file of the repository.
package docscheck

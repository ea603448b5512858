package contract

import (
	"hash/maphash"
	"strings"
)

// pmap is a persistent sorted map from paths (or names) to V: a treap whose
// nodes are never changed once made. with and without return a new map and
// leave the one they were called on as it was, sharing every node the two
// have in common, so a stage starts from the maps of the stage it builds
// on at no cost and each change costs O(log n) new nodes, where copying the
// maps made a chain of n stages cost O(n^2). The zero value is the empty
// map; a pmap is safe to read from any number of goroutines.
type pmap[V comparable] struct{ root *pnode[V] }

// pnode is a node of a pmap: a binary search tree by key, and a heap by
// prio (a hash of the key, so that the tree's shape depends only on its
// keys and its expected depth is O(log n)).
type pnode[V comparable] struct {
	key         string
	val         V
	prio        uint64
	left, right *pnode[V]
}

var pmapSeed = maphash.MakeSeed()

// get returns the value of k, and whether k is in m.
func (m pmap[V]) get(k string) (V, bool) {
	for n := m.root; n != nil; {
		switch {
		case k < n.key:
			n = n.left
		case k > n.key:
			n = n.right
		default:
			return n.val, true
		}
	}
	var zero V
	return zero, false
}

// has reports whether k is in m.
func (m pmap[V]) has(k string) bool {
	_, ok := m.get(k)
	return ok
}

// with returns m with k set to v.
func (m pmap[V]) with(k string, v V) pmap[V] {
	if old, ok := m.get(k); ok && old == v {
		return m
	}
	return pmap[V]{pinsert(m.root, k, v, maphash.String(pmapSeed, k))}
}

// without returns m without k.
func (m pmap[V]) without(k string) pmap[V] {
	if !m.has(k) {
		return m
	}
	return pmap[V]{premove(m.root, k)}
}

// hasAtOrUnder reports whether m has p or a key below p (p + "/" + ...).
func (m pmap[V]) hasAtOrUnder(p string) bool {
	if m.has(p) {
		return true
	}
	// the keys below p are those from p+"/" up, as far as they start so
	p += "/"
	var least string
	found := false
	for n := m.root; n != nil; {
		if n.key >= p {
			least, found = n.key, true
			n = n.left
		} else {
			n = n.right
		}
	}
	return found && strings.HasPrefix(least, p)
}

// pinsert returns a copy of the tree n with k set to v; every node it
// returns on the way from the root to k is new.
func pinsert[V comparable](n *pnode[V], k string, v V, prio uint64) *pnode[V] {
	if n == nil {
		return &pnode[V]{key: k, val: v, prio: prio}
	}
	c := *n
	switch {
	case k < n.key:
		c.left = pinsert(n.left, k, v, prio)
		if l := c.left; l.prio > c.prio {
			// l is new: rotating changes no node that is shared
			c.left, l.right = l.right, &c
			return l
		}
	case k > n.key:
		c.right = pinsert(n.right, k, v, prio)
		if r := c.right; r.prio > c.prio {
			c.right, r.left = r.left, &c
			return r
		}
	default:
		c.val = v
	}
	return &c
}

// premove returns a copy of the tree n without k, which it holds.
func premove[V comparable](n *pnode[V], k string) *pnode[V] {
	c := *n
	switch {
	case k < n.key:
		c.left = premove(n.left, k)
	case k > n.key:
		c.right = premove(n.right, k)
	default:
		return pjoin(n.left, n.right)
	}
	return &c
}

// pjoin returns a tree of the keys of a and b, every key of a being less
// than every key of b.
func pjoin[V comparable](a, b *pnode[V]) *pnode[V] {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.prio >= b.prio:
		c := *a
		c.right = pjoin(a.right, b)
		return &c
	}
	c := *b
	c.left = pjoin(a, b.left)
	return &c
}

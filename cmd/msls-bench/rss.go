package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// treeHWM is the peak resident set (VmHWM, in KiB) of pid plus that of every
// descendant: a server started through a wrapper (npx, a shell script) is
// measured whole. Peaks of different processes need not coincide, so for a
// tree the sum is an upper bound.
func treeHWM(pid int) (int, error) {
	total, err := statusKB(pid, "VmHWM")
	if err != nil {
		return 0, err
	}
	for _, child := range descendants(pid) {
		if kb, err := statusKB(child, "VmHWM"); err == nil {
			total += kb
		}
	}
	return total, nil
}

func statusKB(pid int, field string) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			break
		}
		return strconv.Atoi(fields[0])
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}

// descendants lists the processes below pid by their parent links in /proc.
func descendants(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	children := map[int][]int{}
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// The command name is in parentheses and may contain spaces; the
		// parent pid is the second field after it.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 2 {
			continue
		}
		ppid, err1 := strconv.Atoi(fields[1])
		self, err2 := strconv.Atoi(strings.Fields(s)[0])
		if err1 != nil || err2 != nil {
			continue
		}
		children[ppid] = append(children[ppid], self)
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// treeCPU is the CPU time (user+system, in milliseconds) that pid and its
// descendants have used so far, summed over their threads from
// /proc/<pid>/task/*/schedstat (nanoseconds). Unlike latencies it hardly
// moves when other work shares the machine, so it compares servers fairly on
// a busy host. It falls back to /proc/<pid>/stat clock ticks.
func treeCPU(pid int) (float64, error) {
	total, err := procCPU(pid)
	if err != nil {
		return 0, err
	}
	for _, child := range descendants(pid) {
		if ms, err := procCPU(child); err == nil {
			total += ms
		}
	}
	return total, nil
}

func procCPU(pid int) (float64, error) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	ns, ok := 0.0, false
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		fields := strings.Fields(string(b))
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		ns += v
		ok = true
	}
	if ok {
		return ns / 1e6, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	fields := strings.Fields(s[i+1:])
	if i < 0 || len(fields) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ut, _ := strconv.ParseFloat(fields[11], 64)
	st, _ := strconv.ParseFloat(fields[12], 64)
	return (ut + st) * 10, nil // USER_HZ is 100 on Linux
}

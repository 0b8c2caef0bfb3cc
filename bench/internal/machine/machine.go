// Package machine describes the machine a load tool runs on and reads
// the memory of processes, so every result says where it was measured.
package machine

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Info is what a result needs to be compared with another.
type Info struct {
	CPUs        int    `json:"nproc"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
	CPUModel    string `json:"cpu_model"`
	MemTotalMiB int64  `json:"mem_total_mib"`
	GoVersion   string `json:"go_version"`
	OS          string `json:"os"`
	Arch        string `json:"arch"`
}

// Describe reads /proc for the CPU model and the memory; fields it cannot
// read stay empty.
func Describe() Info {
	info := Info{
		CPUs:       runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
	}
	if v, err := field("/proc/cpuinfo", "model name"); err == nil {
		info.CPUModel = v
	}
	if v, err := field("/proc/meminfo", "MemTotal"); err == nil {
		if kib, err := parseKiB(v); err == nil {
			info.MemTotalMiB = kib >> 10
		}
	}
	return info
}

// Memory is a process's resident set: now, and its peak.
type Memory struct {
	RSSMiB  float64 `json:"rss_mib"`
	PeakMiB float64 `json:"peak_rss_mib"`
}

// ProcessMemory reads VmRSS and VmHWM of a process (0 for this one).
func ProcessMemory(pid int) (Memory, error) {
	path := "/proc/self/status"
	if pid > 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	var m Memory
	for name, dst := range map[string]*float64{"VmRSS": &m.RSSMiB, "VmHWM": &m.PeakMiB} {
		v, err := field(path, name)
		if err != nil {
			return Memory{}, err
		}
		kib, err := parseKiB(v)
		if err != nil {
			return Memory{}, fmt.Errorf("%s in %s: %w", name, path, err)
		}
		*dst = float64(kib) / 1024
	}
	return m, nil
}

// field returns the value of the first "name: value" line of a /proc file.
func field(path, name string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return "", fmt.Errorf("no %s in %s", name, path)
}

// parseKiB parses "1234 kB".
func parseKiB(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parse %q: %w", v, err)
	}
	return n, nil
}

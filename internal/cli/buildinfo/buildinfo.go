// Package buildinfo says which build of latch is running.
//
// The version comes from the module information Go embeds in every binary
// (`go install latch.dev/latch/cmd/latch@v1.2.3` reports v1.2.3) unless a
// release build sets it at link time:
//
//	go build -ldflags "-X latch.dev/latch/internal/cli/buildinfo.version=v1.2.3" ./cmd/latch
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// version is set only by the linker (-X); it is the one package-level
// variable in the CLI and nothing assigns it at run time.
var version string

// Info describes the build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go_version"`
}

// Get returns the build's description.
func Get() Info {
	info := Info{Version: version, GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		if info.Version == "" {
			info.Version = "(devel)"
		}
		return info
	}
	if info.Version == "" {
		info.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	return info
}

package server

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
)

func addLogFlags(cmd *cobra.Command, level *string, json *bool) {
	cmd.Flags().StringVar(level, "log-level", "info", "log level: debug, info, warn or error")
	cmd.Flags().BoolVar(json, "log-json", false, "write logs as JSON lines instead of text")
}

// NewLogger builds the structured logger of a server process (`latch
// server` and `latch dev`).
func NewLogger(w io.Writer, level string, json bool) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	if json {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

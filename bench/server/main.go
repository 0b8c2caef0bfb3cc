// Command server measures `latch server` as an operator runs it: a child
// process built from ./cmd/latch. It prints JSON with
//
//   - the start-up time on a fresh data directory and, several times, on
//     an existing one (from starting the process until /readyz answers);
//
//   - the resident memory (VmRSS, and the peak VmHWM) idle after start,
//     after creating N identities (100,000 by default) through the API
//     and listing them all, and idle after a restart with them stored.
//
//     go run ./bench/server
//     go run ./bench/server -db postgres -dsn postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"latch.dev/latch/bench/internal/machine"
	"latch.dev/latch/bench/internal/rig"
	"latch.dev/latch/bench/internal/stats"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/testutil/latchproc"
)

type result struct {
	Machine    machine.Info `json:"machine"`
	DB         string       `json:"db"`
	Identities int          `json:"identities"`

	FirstStartMS float64   `json:"first_start_ms"`
	RestartsMS   []float64 `json:"restarts_ms"`
	RestartP50MS float64   `json:"restart_median_ms"`
	RestartMaxMS float64   `json:"restart_max_ms"`

	Idle             machine.Memory `json:"idle"`
	WithIdentities   machine.Memory `json:"with_identities"`
	IdleAfterRestart machine.Memory `json:"idle_after_restart_with_identities"`

	CreatePerSecond float64 `json:"identities_created_per_s"`
	ListTime        string  `json:"list_all_time"`

	Targets []stats.Target `json:"targets"`
}

const secret = "latch_bs_bench-server-bench-server-bench-server"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		db       = flag.String("db", "sqlite", "database: sqlite or postgres")
		dsn      = flag.String("dsn", os.Getenv("LATCH_TEST_POSTGRES_DSN"), "PostgreSQL URL for -db postgres (a fresh schema is used and dropped); default $LATCH_TEST_POSTGRES_DSN")
		n        = flag.Int("identities", 100000, "identities to create")
		workers  = flag.Int("workers", 8, "concurrent API clients creating identities")
		restarts = flag.Int("restarts", 5, "restarts on the existing data directory to time")
		idle     = flag.Duration("idle", 3*time.Second, "how long the server idles before its memory is read")
		out      = flag.String("out", "", "also write the JSON to this file")
	)
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "latch-bench-server-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := latchproc.Build(ctx, dir)
	if err != nil {
		return err
	}
	cfg := latchproc.Config{Bin: bin, DataDir: filepath.Join(dir, "data"), BootstrapSecret: secret}
	if *db == "postgres" {
		var drop func() error
		if cfg.DB, drop, err = rig.FreshSchema(ctx, *dsn); err != nil {
			return err
		}
		defer drop()
	}
	res := result{Machine: machine.Describe(), DB: *db, Identities: *n}

	srv, err := latchproc.Start(cfg)
	if err != nil {
		return err
	}
	defer srv.Kill()
	first, err := srv.WaitReady(30 * time.Second)
	if err != nil {
		return err
	}
	res.FirstStartMS = stats.MS(first)
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: *workers * 2}}
	c := client.New(srv.URL, hc, "latch-bench")
	admin, err := c.Bootstrap(ctx, secret, "admin")
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	api := c.API(client.StaticToken(admin.Token))
	time.Sleep(*idle)
	if res.Idle, err = machine.ProcessMemory(srv.PID()); err != nil {
		return err
	}

	created, took, err := createIdentities(ctx, api, *n, *workers)
	if err != nil {
		return err
	}
	res.CreatePerSecond = float64(created) / took.Seconds()
	start := time.Now()
	if err := listAll(ctx, api, *n); err != nil {
		return err
	}
	res.ListTime = time.Since(start).Round(time.Millisecond).String()
	if res.WithIdentities, err = machine.ProcessMemory(srv.PID()); err != nil {
		return err
	}

	cfg = srv.Config()
	if err := srv.Stop(); err != nil {
		return err
	}
	for i := range *restarts {
		if srv, err = latchproc.Start(cfg); err != nil {
			return err
		}
		d, err := srv.WaitReady(30 * time.Second)
		if err != nil {
			return err
		}
		res.RestartsMS = append(res.RestartsMS, stats.MS(d))
		if i == *restarts-1 {
			time.Sleep(*idle)
			if res.IdleAfterRestart, err = machine.ProcessMemory(srv.PID()); err != nil {
				return err
			}
		}
		if err := srv.Stop(); err != nil {
			return err
		}
	}
	sorted := slices.Clone(res.RestartsMS)
	slices.Sort(sorted)
	if len(sorted) > 0 {
		res.RestartP50MS, res.RestartMaxMS = sorted[len(sorted)/2], sorted[len(sorted)-1]
	}

	res.Targets = []stats.Target{
		stats.Below("RSS idle under 64 MiB", res.Idle.RSSMiB, 64, "MiB"),
		stats.Below(fmt.Sprintf("RSS with %d identities under 256 MiB (peak)", *n), res.WithIdentities.PeakMiB, 256, "MiB"),
		stats.Below("start-up on an existing data directory under 200 ms (slowest restart)", res.RestartMaxMS, 200, "ms"),
	}
	return stats.Print(res, *out)
}

// Command authz measures authorization on a large organization tree: by
// default 10,000 groups (ten organizations, eight levels deep), 20,000
// identities and 100,000 role bindings, written straight into a fresh
// store (SQLite, or a fresh PostgreSQL schema). It prints JSON with the
// latency percentiles of
//
//   - an authorization decision: the caller's grants read from the store
//     (one indexed query, as on every API call), the policy built from
//     them and one capability checked at a random group of the caller's
//     organization;
//   - an authorized read through the service (describe an identity);
//   - pages of 100 from listings of identities, groups and role bindings
//     of a whole organization, followed page by page,
//
// each sequentially (latency) and from several goroutines at once
// (latency under contention, and throughput).
//
//	go run ./bench/authz
//	go run ./bench/authz -db postgres -dsn postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
package main

import (
	"context"
	crand "crypto/rand"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"latch.dev/latch/bench/internal/machine"
	"latch.dev/latch/bench/internal/rig"
	"latch.dev/latch/bench/internal/stats"
	"latch.dev/latch/internal/server"
)

type result struct {
	Machine   machine.Info             `json:"machine"`
	DB        string                   `json:"db"`
	Shape     shape                    `json:"shape"`
	BuildTime string                   `json:"build_time"`
	Results   map[string]stats.Summary `json:"latency"`
	Rates     map[string]float64       `json:"throughput_per_s"`
	Targets   []stats.Target           `json:"targets"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "authz:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		db       = flag.String("db", "sqlite", "database: sqlite or postgres")
		dsn      = flag.String("dsn", os.Getenv("LATCH_TEST_POSTGRES_DSN"), "PostgreSQL URL for -db postgres (a fresh schema is used and dropped); default $LATCH_TEST_POSTGRES_DSN")
		sh       shape
		samples  = flag.Int("samples", 20000, "decisions (and reads) to time in each mode")
		pages    = flag.Int("pages", 300, "listing pages to time per listing and mode")
		parallel = flag.Int("parallel", runtime.GOMAXPROCS(0), "goroutines in the concurrent mode")
		seed     = flag.Uint64("seed", 1, "seed of the tree's shape and of the questions")
		out      = flag.String("out", "", "also write the JSON to this file")
	)
	flag.IntVar(&sh.Orgs, "orgs", 10, "organizations")
	flag.IntVar(&sh.Groups, "groups", 10000, "groups in all (organizations included)")
	flag.IntVar(&sh.Depth, "depth", 8, "levels of the tree, organizations included")
	flag.IntVar(&sh.Identities, "identities", 20000, "identities")
	flag.IntVar(&sh.Bindings, "bindings", 100000, "role bindings")
	flag.Parse()
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "latch-bench-authz-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dbURL := filepath.Join(dir, "latch.db")
	if *db == "postgres" {
		var drop func() error
		if dbURL, drop, err = rig.FreshSchema(ctx, *dsn); err != nil {
			return err
		}
		defer drop()
	}
	srv, err := server.New(ctx, server.Config{
		Addr: "127.0.0.1:0", URL: "http://127.0.0.1:1", DataDir: dir, DB: dbURL,
		BootstrapSecret: "latch_bs_bench-authz-bench-authz-bench-authz", Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	rnd := rand.New(rand.NewPCG(*seed, *seed))
	start := time.Now()
	t, err := build(ctx, srv.Store(), sh, rnd, func(b []byte) error { _, err := crand.Read(b); return err })
	if err != nil {
		return fmt.Errorf("build the tree: %w", err)
	}
	res := result{
		Machine: machine.Describe(), DB: *db, Shape: sh, BuildTime: time.Since(start).Round(time.Millisecond).String(),
		Results: map[string]stats.Summary{}, Rates: map[string]float64{},
	}
	m := &measure{srv: srv, tree: t, seed: *seed}
	for _, q := range m.questions() {
		for _, mode := range []struct {
			name string
			n    int
		}{{"sequential", 1}, {"parallel", *parallel}} {
			count := *samples
			if q.listing {
				count = *pages
			}
			sum, rate, err := m.time(ctx, q, mode.n, count)
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			res.Results[q.name+"/"+mode.name] = sum
			res.Rates[q.name+"/"+mode.name] = rate
		}
	}
	res.Targets = []stats.Target{
		stats.Below("authorization decision p99 under 1 ms (store query included)", res.Results["decision/sequential"].P99MS, 1, "ms"),
	}
	return stats.Print(res, *out)
}

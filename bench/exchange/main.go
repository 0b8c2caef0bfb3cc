// Command exchange is latch's load tool for the AWS token exchange.
//
// It starts, in its own process, a fake STS over TLS (which checks every
// SigV4 signature), a latch server on a real loopback listener (SQLite in
// a temporary directory, or PostgreSQL in a fresh schema), and AWS
// identities with their credentials. Then N clients exchange fresh proofs
// (each proof is single-use) over real HTTP, closed loop or at a fixed
// open-loop rate, and it prints JSON: throughput, latency percentiles and
// errors by kind, and, measured in the same run, the throughput of the
// bare parts (JWT signing; an STS round trip; proof signing) with the
// exchange's ratio to each.
//
//	go run ./bench/exchange -clients 32 -duration 20s
//	go run ./bench/exchange -rate 1000 -duration 30s
//	go run ./bench/exchange -db postgres -dsn postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"time"

	"latch.dev/latch/bench/internal/machine"
	"latch.dev/latch/bench/internal/rig"
	"latch.dev/latch/bench/internal/stats"
)

// result is the JSON the tool prints.
type result struct {
	Machine  machine.Info `json:"machine"`
	Config   config       `json:"config"`
	Exchange outcome      `json:"exchange"`
	Parts    parts        `json:"parts"`
	Ratios   ratios       `json:"ratios"`
	// Memory is the whole tool process: server, fake STS, clients and the
	// pre-signed proofs. bench/server measures the server alone.
	Memory  machine.Memory `json:"tool_process_memory"`
	Targets []stats.Target `json:"targets"`
}

type config struct {
	DB         string  `json:"db"`
	Clients    int     `json:"clients"`
	Duration   string  `json:"duration"`
	Warmup     string  `json:"warmup"`
	Rate       float64 `json:"rate,omitempty"`
	Identities int     `json:"identities"`
	Sessions   int     `json:"sessions_per_identity"`
	Presigned  int     `json:"presigned_proofs"`
}

// ratios express the exchange's throughput as a fraction of each bare
// part's: they move much less than absolute numbers when the machine is
// shared or throttled.
type ratios struct {
	VsJWTSign      float64 `json:"exchange_per_jwt_sign"`
	VsSTSRoundTrip float64 `json:"exchange_per_sts_round_trip"`
	VsProofSign    float64 `json:"exchange_per_proof_sign"`
	VsBound        float64 `json:"exchange_per_bound"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "exchange:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		db         = flag.String("db", "sqlite", "database: sqlite or postgres")
		dsn        = flag.String("dsn", os.Getenv("LATCH_TEST_POSTGRES_DSN"), "PostgreSQL URL for -db postgres (the tool works in a fresh schema and drops it); default $LATCH_TEST_POSTGRES_DSN")
		clients    = flag.Int("clients", 32, "concurrent clients")
		duration   = flag.Duration("duration", 20*time.Second, "how long to measure, after the warm-up")
		warmup     = flag.Duration("warmup", 3*time.Second, "how long to run before measuring")
		rate       = flag.Float64("rate", 0, "open-loop target in exchanges per second; 0 runs closed loop")
		identities = flag.Int("identities", 64, "AWS identities the clients assume, round robin")
		sessions   = flag.Int("sessions", 16, "sessions (each with its own access key) per identity's role")
		presign    = flag.Bool("presign", true, "sign the proofs before the run, so that signing them (the workloads' work, not the server's) does not compete with the server for CPU; each proof is still used once")
		presignMax = flag.Float64("presign-rate", 6000, "with -presign and a closed loop, sign enough proofs for this many exchanges a second; more are signed during the run if needed")
		partsFor   = flag.Duration("parts-duration", 3*time.Second, "how long to measure each bare part")
		out        = flag.String("out", "", "also write the JSON to this file")
		cpuProfile = flag.String("cpuprofile", "", "write a CPU profile of the measured run (server, fake STS and clients) to this file")
		verbose    = flag.Bool("v", false, "log the server's warnings to stderr")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	log := slog.New(slog.DiscardHandler)
	if *verbose {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	r, err := rig.Start(ctx, rig.Config{DB: *db, DSN: *dsn, Identities: *identities, Sessions: *sessions, Log: log})
	if err != nil {
		return err
	}
	defer r.Close()

	l := &load{rig: r, keys: r.Keys(), http: newHTTPClient(*clients), clients: *clients, rate: *rate, duration: *duration, warmup: *warmup}
	if *presign {
		perSecond := *presignMax
		if *rate > 0 {
			perSecond = *rate * 1.02
		}
		if err := l.presign(ctx, int(perSecond*(*warmup+*duration).Seconds())); err != nil {
			return fmt.Errorf("pre-sign proofs: %w", err)
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	res := result{
		Machine: machine.Describe(),
		Config: config{DB: *db, Clients: *clients, Duration: duration.String(), Warmup: warmup.String(),
			Rate: *rate, Identities: *identities, Sessions: *sessions, Presigned: len(l.proofs)},
	}
	pprof.Do(ctx, pprof.Labels("part", "load-tool"), func(ctx context.Context) { res.Exchange = l.run(ctx) })
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if res.Memory, err = machine.ProcessMemory(0); err != nil {
		return err
	}
	if res.Parts, err = measureParts(ctx, r, *clients, *partsFor); err != nil {
		return err
	}
	res.Ratios = ratios{
		VsJWTSign:      res.Exchange.Throughput / res.Parts.JWTSign,
		VsSTSRoundTrip: res.Exchange.Throughput / res.Parts.STSRoundTrip,
		VsProofSign:    res.Exchange.Throughput / res.Parts.ProofSign,
		VsBound:        res.Exchange.Throughput / res.Parts.Bound,
	}
	if *rate > 0 {
		res.Targets = append(res.Targets, stats.Below(fmt.Sprintf("p99 under 25 ms at %g exchanges/s, open loop", *rate), res.Exchange.Latency.P99MS, 25, "ms"))
	} else {
		res.Targets = append(res.Targets, stats.AtLeast("at least 3,000 exchanges/s", res.Exchange.Throughput, 3000, "exchanges/s"))
	}
	return stats.Print(res, *out)
}

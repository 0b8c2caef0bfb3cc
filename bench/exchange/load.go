package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"latch.dev/latch/bench/internal/rig"
	"latch.dev/latch/bench/internal/stats"
)

// load drives exchanges against the rig's server.
type load struct {
	rig  *rig.Rig
	http *http.Client
	// keys sign the proofs, in turn.
	keys    []rig.Key
	nextKey atomic.Uint64
	// proofs were signed before the run and are used in order, each
	// once; when they run out, proofs are signed during the run.
	proofs    []signedProof
	nextProof atomic.Int64
	inline    atomic.Int64
	clients   int
	// rate is the open-loop target in exchanges per second; 0 runs closed
	// loop (each client sends its next request when the last one answered).
	rate     float64
	duration time.Duration
	warmup   time.Duration
}

// outcome is what the run measured.
type outcome struct {
	Requests   int64            `json:"requests"`
	OK         int64            `json:"ok"`
	Throughput float64          `json:"throughput_per_s"`
	Offered    float64          `json:"offered_per_s,omitempty"`
	Latency    stats.Summary    `json:"latency"`
	Errors     map[string]int64 `json:"errors"`
	// CPUPerExchangeMS is the CPU time of the whole process (server,
	// fake STS and clients) per successful exchange in the measured
	// window: what the machine pays for one exchange, whatever else
	// runs on it.
	CPUPerExchangeMS float64 `json:"cpu_ms_per_exchange"`
	// SignedInline counts proofs signed during the run because the
	// pre-signed ones ran out (or -presign=false): their cost is then
	// part of the measurement.
	SignedInline int64 `json:"proofs_signed_inline"`
	// Dropped counts open-loop requests the tool could not even start
	// because every client was busy and the backlog was full: a sign
	// that the server (or the tool) is saturated.
	Dropped int64 `json:"dropped,omitempty"`
}

// tally counts results from many clients.
type tally struct {
	lat     stats.Latencies
	ok, all atomic.Int64
	mu      sync.Mutex
	errs    map[string]int64
}

func (t *tally) record(d time.Duration, err error) {
	t.all.Add(1)
	t.lat.Add(d)
	if err == nil {
		t.ok.Add(1)
		return
	}
	t.mu.Lock()
	t.errs[errorKind(err)]++
	t.mu.Unlock()
}

// newHTTPClient keeps one connection per client alive, as a fleet of
// workloads would, and bounds each request.
func newHTTPClient(clients int) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        clients * 2,
		MaxIdleConnsPerHost: clients * 2,
		IdleConnTimeout:     time.Minute,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// run drives the load and summarizes the window after the warm-up.
func (l *load) run(ctx context.Context) outcome {
	t := &tally{errs: map[string]int64{}}
	start := time.Now()
	measureFrom, end := start.Add(l.warmup), start.Add(l.warmup+l.duration)
	observe := func(began time.Time, d time.Duration, err error) {
		if !began.Before(measureFrom) && began.Before(end) {
			t.record(d, err)
		}
	}
	cpuFrom := make(chan time.Duration, 1)
	go func() {
		time.Sleep(time.Until(measureFrom))
		cpuFrom <- cpuTime()
	}()
	var dropped int64
	if l.rate > 0 {
		dropped = l.openLoop(ctx, start, end, observe)
	} else {
		l.closedLoop(ctx, end, observe)
	}
	cpuUsed := cpuTime() - <-cpuFrom
	window := l.duration.Seconds()
	out := outcome{
		Requests:   t.all.Load(),
		OK:         t.ok.Load(),
		Throughput: float64(t.ok.Load()) / window,
		Latency:    t.lat.Summary(),
		Errors:     t.errs,
		Dropped:    dropped,
	}
	out.SignedInline = l.inline.Load()
	if n := t.ok.Load(); n > 0 {
		out.CPUPerExchangeMS = stats.MS(cpuUsed) / float64(n)
	}
	if l.rate > 0 {
		out.Offered = l.rate
	}
	return out
}

// closedLoop: every client sends its next exchange as soon as the last
// one is answered. It finds the saturation throughput.
func (l *load) closedLoop(ctx context.Context, end time.Time, observe func(time.Time, time.Duration, error)) {
	var wg sync.WaitGroup
	for range l.clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				began := time.Now()
				if !began.Before(end) {
					return
				}
				err := l.exchange(ctx)
				observe(began, time.Since(began), err)
			}
		})
	}
	wg.Wait()
}

// openLoop sends exchanges at a fixed rate whatever the answers, and
// measures each one's latency from when it was due, not from when a
// client got round to it: a slow server cannot hide its queueing
// (coordinated omission).
func (l *load) openLoop(ctx context.Context, start, end time.Time, observe func(time.Time, time.Duration, error)) int64 {
	due := make(chan time.Time, l.clients*64)
	var wg sync.WaitGroup
	for range l.clients {
		wg.Go(func() {
			for at := range due {
				err := l.exchange(ctx)
				observe(at, time.Since(at), err)
			}
		})
	}
	var dropped int64
	interval := float64(time.Second) / l.rate
	for i := 0; ctx.Err() == nil; i++ {
		at := start.Add(time.Duration(float64(i) * interval))
		if !at.Before(end) {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		select {
		case due <- at:
		default:
			dropped++
		}
	}
	close(due)
	wg.Wait()
	return dropped
}

// exchange takes a fresh proof (each is single-use) and exchanges it for
// a token of the identity it was signed for.
func (l *load) exchange(ctx context.Context) error {
	p, err := l.proof(ctx)
	if err != nil {
		return fmt.Errorf("sign proof: %w", err)
	}
	return postExchange(ctx, l.http, l.rig.URL, p.proof, p.identity)
}

// signedProof is a proof and the identity it is bound to.
type signedProof struct{ identity, proof string }

// proof returns the next pre-signed proof, or signs one now.
func (l *load) proof(ctx context.Context) (signedProof, error) {
	if i := l.nextProof.Add(1) - 1; i < int64(len(l.proofs)) {
		return l.proofs[i], nil
	}
	l.inline.Add(1)
	k := l.keys[l.nextKey.Add(1)%uint64(len(l.keys))]
	p, err := l.rig.Proof(ctx, k, time.Now())
	return signedProof{identity: k.Identity, proof: p}, err
}

// presign signs n proofs before the run, on every core. Each carries a
// random nonce, so all are distinct; all are dated now, and the run must
// use them within the server's 15-minute window.
func (l *load) presign(ctx context.Context, n int) error {
	k := len(l.keys)
	if l.warmup+l.duration > 14*time.Minute {
		return fmt.Errorf("a run of %s outlasts the 15-minute window of pre-signed proofs: run with -presign=false", l.warmup+l.duration)
	}
	now := time.Now()
	l.proofs = make([]signedProof, n)
	workers := runtime.GOMAXPROCS(0)
	errc := make(chan error, workers)
	for w := range workers {
		go func() {
			for j := w; j < n; j += workers {
				key := l.keys[j%k]
				p, err := l.rig.Proof(ctx, key, now)
				if err != nil {
					errc <- err
					return
				}
				l.proofs[j] = signedProof{identity: key.Identity, proof: p}
			}
			errc <- nil
		}()
	}
	var first error
	for range workers {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// postExchange is one POST /sts/exchange; the answer must hold a token.
func postExchange(ctx context.Context, hc *http.Client, base, proof, identity string) error {
	form := url.Values{"identity": {identity}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/sts/exchange", strings.NewReader(form))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+proof)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	var answer struct {
		Token string `json:"token"`
		Code  string `json:"code"`
	}
	_ = json.Unmarshal(body, &answer)
	if res.StatusCode != http.StatusOK || answer.Token == "" {
		return &statusError{status: res.StatusCode, code: answer.Code}
	}
	return nil
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusError is an answer other than a token.
type statusError struct {
	status int
	code   string
}

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d %s", e.status, e.code) }

// errorKind names an error by a small, fixed set of kinds, for the
// errors table of the result.
func errorKind(err error) string {
	var se *statusError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("http_%d_%s", se.status, se.code)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection_refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection_reset"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "other"
}

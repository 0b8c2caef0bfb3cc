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
	rig     *rig.Rig
	http    *http.Client
	clients int
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
	var dropped int64
	if l.rate > 0 {
		dropped = l.openLoop(ctx, start, end, observe)
	} else {
		l.closedLoop(ctx, end, observe)
	}
	window := l.duration.Seconds()
	out := outcome{
		Requests:   t.all.Load(),
		OK:         t.ok.Load(),
		Throughput: float64(t.ok.Load()) / window,
		Latency:    t.lat.Summary(),
		Errors:     t.errs,
		Dropped:    dropped,
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
	for i := range l.clients {
		p := l.rig.Principals[i%len(l.rig.Principals)]
		wg.Go(func() {
			for ctx.Err() == nil {
				began := time.Now()
				if !began.Before(end) {
					return
				}
				err := l.exchange(ctx, p)
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
	var next atomic.Int64
	for range l.clients {
		wg.Go(func() {
			for at := range due {
				p := l.rig.Principals[int(next.Add(1))%len(l.rig.Principals)]
				err := l.exchange(ctx, p)
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

// exchange signs a fresh proof (each is single-use) and exchanges it for
// a token of the principal's identity.
func (l *load) exchange(ctx context.Context, p *rig.Principal) error {
	proof, err := l.rig.Proof(ctx, p)
	if err != nil {
		return fmt.Errorf("sign proof: %w", err)
	}
	return postExchange(ctx, l.http, l.rig.URL, proof, p.Identity)
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

package servertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Answer is what /sts/exchange said, as a client on the wire sees it:
// tests of rate limits and faults need the status and Retry-After that
// client.Exchange folds into an error.
type Answer struct {
	Status     int
	RetryAfter string
	Token      string `json:"token"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Took       time.Duration
}

// PostExchange posts proof for identity to base's /sts/exchange with hc
// and reads the answer; err is a transport failure or an answer that is
// not JSON.
func PostExchange(ctx context.Context, hc *http.Client, base, proof, identity string) (Answer, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/sts/exchange", strings.NewReader(url.Values{"identity": {identity}}.Encode()))
	if err != nil {
		return Answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+proof)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := hc.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Answer{}, err
	}
	var a Answer
	if err := json.Unmarshal(b, &a); err != nil {
		return Answer{}, fmt.Errorf("answer %d is not JSON: %.200s", res.StatusCode, b)
	}
	a.Status, a.RetryAfter, a.Took = res.StatusCode, res.Header.Get("Retry-After"), time.Since(start)
	return a, nil
}

// Metrics reads base's /metrics with hc as series → value, the series
// written as Prometheus prints it (name{label="value",…}).
func Metrics(hc *http.Client, base string) (map[string]float64, error) {
	res, err := hc.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for line := range strings.SplitSeq(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			out[line[:i]] = v
		}
	}
	return out, nil
}

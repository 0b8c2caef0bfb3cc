package oidc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"latch.dev/latch/internal/errs"
)

// maxRedirects bounds the redirects followed on one fetch.
const maxRedirects = 3

// fetcher GETs discovery documents and key sets with the limits of
// Config: a timeout per fetch, a size cap, and redirects only within the
// same scheme and host.
type fetcher struct {
	client  *http.Client
	timeout time.Duration
	max     int64
	metrics *fetchMetrics
}

func newFetcher(rt http.RoundTripper, timeout time.Duration, max int64, m *fetchMetrics) *fetcher {
	return &fetcher{
		metrics: m,
		client: &http.Client{
			Transport: rt,
			// A redirect to another host would let whoever controls a
			// path on the issuer (or a compromised CDN rule) point the
			// server at keys of their choosing, or at an internal address.
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				first := via[0].URL
				switch {
				case len(via) >= maxRedirects:
					return fmt.Errorf("%w: more than %d redirects", ErrRedirect, maxRedirects)
				case req.URL.Scheme != first.Scheme:
					return fmt.Errorf("%w: from %s to another scheme (%s)", ErrRedirect, first.Redacted(), req.URL.Scheme)
				case !strings.EqualFold(req.URL.Host, first.Host):
					return fmt.Errorf("%w: from %s to another host (%s)", ErrRedirect, first.Host, req.URL.Host)
				}
				return nil
			},
		},
		timeout: timeout,
		max:     max,
	}
}

// Documents a fetcher fetches: the label of its metrics, and the words
// its errors use.
const (
	docDiscovery = "discovery"
	docJWKS      = "jwks"
)

// docName is what errors call doc.
func docName(doc string) string {
	if doc == docJWKS {
		return "key set (JWKS)"
	}
	return "discovery document"
}

// get fetches u, a document of kind doc, and returns its body. Failures
// that may pass (network, timeouts, 5xx, 429) are Unavailable; the others
// Unauthenticated.
func (f *fetcher) get(ctx context.Context, u *url.URL, doc string) ([]byte, error) {
	start := time.Now()
	body, err := f.fetch(ctx, u, docName(doc))
	f.metrics.observe(doc, time.Since(start), err)
	return body, err
}

func (f *fetcher) fetch(ctx context.Context, u *url.URL, what string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %w", ErrFetch, err), "the %s URL %s is not valid", what, u.Redacted())
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, ErrRedirect) {
			return nil, errs.Wrap(errs.Unauthenticated, err, "fetching the %s from %s was redirected elsewhere, which latch refuses", what, u.Redacted())
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, errs.Wrap(errs.Unavailable, fmt.Errorf("%w: %w", ErrFetch, err), "the %s at %s did not arrive within %s; try again later", what, u.Redacted(), f.timeout)
		}
		return nil, errs.Wrap(errs.Unavailable, fmt.Errorf("%w: %w", ErrFetch, err), "the %s at %s could not be fetched; try again later", what, u.Redacted())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		kind := errs.Unauthenticated
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			kind = errs.Unavailable
		}
		return nil, errs.Wrap(kind, fmt.Errorf("%w: status %d", ErrFetch, resp.StatusCode), "the %s at %s answered %s", what, u.Redacted(), resp.Status)
	}
	if resp.ContentLength > f.max {
		return nil, f.tooLarge(what, u)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.max+1))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, errs.Wrap(errs.Unavailable, fmt.Errorf("%w: %w", ErrFetch, err), "the %s at %s did not arrive within %s; try again later", what, u.Redacted(), f.timeout)
		}
		return nil, errs.Wrap(errs.Unavailable, fmt.Errorf("%w: %w", ErrFetch, err), "the %s at %s could not be read; try again later", what, u.Redacted())
	}
	if int64(len(body)) > f.max {
		return nil, f.tooLarge(what, u)
	}
	return body, nil
}

func (f *fetcher) tooLarge(what string, u *url.URL) error {
	return errs.Wrap(errs.Unauthenticated, ErrTooLarge, "the %s at %s is larger than %d bytes, which latch does not read", what, u.Redacted(), f.max)
}

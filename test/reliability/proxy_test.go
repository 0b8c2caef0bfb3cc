package reliability

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// roundRobin is the load balancer in front of replicas: a reverse proxy
// that sends each request to the next backend in turn.
type roundRobin struct {
	URL string

	mu       sync.Mutex
	backends []*url.URL
	next     atomic.Uint64
}

// startRoundRobin listens on loopback; add backends with add. It stops
// when t ends.
func startRoundRobin(t *testing.T) *roundRobin {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rr := &roundRobin{URL: "http://" + ln.Addr().String()}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(rr.pick())
		r.SetXForwarded()
		r.Out.Host = r.In.Host // the replicas' URL is the proxy's
	}}
	srv := &http.Server{Handler: proxy}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return rr
}

func (rr *roundRobin) add(backend string) {
	u, err := url.Parse(backend)
	if err != nil {
		panic(err)
	}
	rr.mu.Lock()
	defer rr.mu.Unlock()
	rr.backends = append(rr.backends, u)
}

func (rr *roundRobin) pick() *url.URL {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.backends[int(rr.next.Add(1)-1)%len(rr.backends)]
}

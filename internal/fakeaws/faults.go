package fakeaws

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"sync"
	"time"
)

// Fault is one way an emulator can misbehave, so tests can check that
// clients and the verifier survive throttling, outages, slowness and
// garbage. Build one with [Throttling], [InternalFailure],
// [ServiceUnavailable], [Delay], [ErrorFault], [Raw], [RawStream] or
// [NeverEnding], and queue it with [Faults.Inject].
type Fault struct {
	// Wait is how long to wait before answering. The wait ends early, and
	// nothing is written, when the request's context ends (the client gave
	// up or the server is closing). It uses a real timer, not the
	// emulator's injected clock, because it exists to trip real timeouts.
	Wait time.Duration

	kind   faultKind
	status int
	code   string
	msg    string
	header http.Header
	body   func() io.Reader
}

type faultKind int

const (
	faultPass    faultKind = iota // wait, then answer normally
	faultError                    // the service's own error shape
	faultRaw                      // exactly the given status, headers and body
	faultEndless                  // a body that never ends
)

// Throttling answers like STS under its rate limit: 400, code Throttling,
// "Rate exceeded".
func Throttling() Fault {
	return ErrorFault(http.StatusBadRequest, "Throttling", "Rate exceeded")
}

// InternalFailure answers 500 InternalFailure, an STS-side error that
// clients may retry.
func InternalFailure() Fault {
	return ErrorFault(http.StatusInternalServerError, "InternalFailure",
		"The request processing has failed because of an unknown error, exception or failure.")
}

// ServiceUnavailable answers 503 ServiceUnavailable.
func ServiceUnavailable() Fault {
	return ErrorFault(http.StatusServiceUnavailable, "ServiceUnavailable", "Service is unable to handle request.")
}

// ErrorFault answers with any status and error code in the emulator's own
// error shape (STS's XML or JSON envelope; plain text for IMDS).
func ErrorFault(status int, code, message string) Fault {
	return Fault{kind: faultError, status: status, code: code, msg: message}
}

// Delay waits d and then lets the request through to be answered
// normally, to exercise client timeouts and cancellation.
func Delay(d time.Duration) Fault {
	return Fault{Wait: d, kind: faultPass}
}

// Raw answers exactly status, header and body, bypassing the emulator:
// garbage, a redirect, two results in one body, a wrong content type.
func Raw(status int, header http.Header, body []byte) Fault {
	b := bytes.Clone(body)
	return RawStream(status, header, func() io.Reader { return bytes.NewReader(b) })
}

// RawStream is Raw with a body produced per request, for bodies too large
// to hold (wrap a generator in io.LimitReader). body is called once per
// faulty request.
func RawStream(status int, header http.Header, body func() io.Reader) Fault {
	return Fault{kind: faultRaw, status: status, header: header.Clone(), body: body}
}

// NeverEnding answers status and header, then streams a body that never
// ends (it stops when the client hangs up or the server closes), to check
// that readers cap what they read and time out.
func NeverEnding(status int, header http.Header) Fault {
	return Fault{kind: faultEndless, status: status, header: header.Clone()}
}

// errorRenderer writes an error in the emulator's own shape.
type errorRenderer func(w http.ResponseWriter, r *http.Request, status int, code, message string)

// serve carries the fault out. It reports whether the request still needs
// a normal answer.
func (f Fault) serve(w http.ResponseWriter, r *http.Request, renderError errorRenderer) (passThrough bool) {
	if f.Wait > 0 {
		t := time.NewTimer(f.Wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		}
	}
	switch f.kind {
	case faultPass:
		return true
	case faultError:
		renderError(w, r, f.status, f.code, f.msg)
	case faultRaw:
		maps.Copy(w.Header(), f.header)
		w.WriteHeader(f.status)
		if f.body != nil {
			_, _ = io.Copy(w, f.body())
		}
	case faultEndless:
		maps.Copy(w.Header(), f.header)
		w.WriteHeader(f.status)
		chunk := bytes.Repeat([]byte("<GetCallerIdentityResponse>"), 1024)
		rc := http.NewResponseController(w)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return false
			}
			if err := rc.Flush(); err != nil {
				return false
			}
		}
	}
	return false
}

// Faults is a queue of faults an emulator applies to the next requests it
// receives, in order. Tests share one emulator across parallel subtests
// only if they do not inject faults; otherwise each test gets its own. It
// is safe for concurrent use.
type Faults struct {
	mu    sync.Mutex
	queue []queuedFault
}

type queuedFault struct {
	fault Fault
	left  int // < 0: until Reset
}

// Inject queues f for the next times requests, after any faults already
// queued. times <= 0 applies f to every request until [Faults.Reset].
func (q *Faults) Inject(f Fault, times int) {
	if times <= 0 {
		times = -1
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = append(q.queue, queuedFault{fault: f, left: times})
}

// Reset drops every queued fault, so the emulator behaves again.
func (q *Faults) Reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = nil
}

// Pending reports how many requests the queued faults still apply to,
// or -1 if one applies until Reset.
func (q *Faults) Pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, e := range q.queue {
		if e.left < 0 {
			return -1
		}
		n += e.left
	}
	return n
}

// next takes the fault for the current request, if any.
func (q *Faults) next() (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) == 0 {
		return Fault{}, false
	}
	head := &q.queue[0]
	f := head.fault
	if head.left > 0 {
		head.left--
		if head.left == 0 {
			q.queue = q.queue[1:]
		}
	}
	return f, true
}

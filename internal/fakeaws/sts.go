package fakeaws

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// STS API constants.
const (
	stsVersion = "2011-06-15"
	// maxSTSBody caps what the emulator reads; a GetCallerIdentity body is
	// 43 bytes.
	maxSTSBody = 64 << 10
)

// STSOptions configures an [STS] emulator.
type STSOptions struct {
	// Registry holds the credentials the emulator accepts. Required.
	Registry *Registry
	// Now is the emulator's clock, used for the 15-minute window, expiry
	// and the Date response header. Defaults to time.Now.
	Now func() time.Time
	// Rand supplies request ids. Defaults to crypto/rand.Reader.
	Rand io.Reader
	// Regions, when not empty, are the only credential-scope regions
	// accepted, as a regional STS endpoint accepts only its own region.
	// Empty accepts any well-formed region.
	Regions []string
	// Logger receives one Info record per rejected request with the code
	// and message, and a Debug record with the cause (for signature
	// mismatches, the canonical request the emulator computed, which helps
	// when a client signs differently). Nil discards.
	Logger *slog.Logger
}

// STS is an http.Handler that answers sts:GetCallerIdentity, checking the
// SigV4 signature as AWS STS does (see the package documentation). Create
// it with [NewSTS]; it is safe for concurrent use.
type STS struct {
	registry *Registry
	now      func() time.Time
	rand     io.Reader
	regions  []string
	log      *slog.Logger
	signer   *v4.Signer // shared, so derived signing keys are cached
	faults   Faults
	requests atomic.Int64
}

// NewSTS returns an STS emulator.
func NewSTS(o STSOptions) (*STS, error) {
	if o.Registry == nil {
		return nil, errors.New("new STS emulator: a Registry is required")
	}
	s := &STS{
		registry: o.Registry,
		now:      o.Now,
		rand:     newLockedReader(o.Rand),
		regions:  append([]string(nil), o.Regions...),
		log:      o.Logger,
		signer:   v4.NewSigner(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Faults returns the queue of faults applied to the next requests, so a
// test can make the emulator misbehave.
func (s *STS) Faults() *Faults { return &s.faults }

// Requests reports how many requests the emulator has received, including
// faulty and rejected ones, so a test can prove it was (or was never)
// contacted.
func (s *STS) Requests() int64 { return s.requests.Load() }

// ServeHTTP answers one STS request.
func (s *STS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if f, ok := s.faults.next(); ok {
		if !f.serve(w, r, s.writeError) {
			return
		}
	}
	principal, apiErr := s.handle(w, r)
	if apiErr != nil {
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "fake sts rejected request",
			slog.String("code", apiErr.code), slog.String("message", apiErr.message))
		if apiErr.cause != nil {
			// The cause may hold the canonical request, session token
			// included, so it is only logged at debug level.
			s.log.LogAttrs(r.Context(), slog.LevelDebug, "fake sts rejection detail",
				slog.String("code", apiErr.code), slog.String("cause", apiErr.cause.Error()))
		}
		s.writeError(w, r, apiErr.status, apiErr.code, apiErr.message)
		return
	}
	s.writeResult(w, r, principal)
}

// handle validates the request and returns the caller, or the error STS
// would answer with.
func (s *STS) handle(w http.ResponseWriter, r *http.Request) (Principal, *apiError) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return Principal{}, &apiError{status: http.StatusMethodNotAllowed, code: "MethodNotAllowed",
			message: fmt.Sprintf("The requested method %s is not allowed; use POST or GET.", r.Method)}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSTSBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return Principal{}, &apiError{status: http.StatusRequestEntityTooLarge, code: "RequestEntityTooLarge",
				message: fmt.Sprintf("Request body must be at most %d bytes.", maxSTSBody)}
		}
		return Principal{}, &apiError{status: http.StatusBadRequest, code: "MalformedInput",
			message: "Could not read the request body.", cause: fmt.Errorf("read body: %w", err)}
	}
	params, apiErr := requestParams(r, body)
	if apiErr != nil {
		return Principal{}, apiErr
	}
	if apiErr := checkAction(params); apiErr != nil {
		return Principal{}, apiErr
	}
	return s.verifyRequest(r.Context(), r, body)
}

// requestParams merges the query string with a form-encoded body, which
// is where the Query protocol puts Action and Version.
func requestParams(r *http.Request, body []byte) (url.Values, *apiError) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &apiError{status: http.StatusBadRequest, code: "MalformedQueryString",
			message: "The query string is malformed.", cause: fmt.Errorf("parse query: %w", err)}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && len(body) > 0 {
		mt, _, err := mime.ParseMediaType(ct)
		if err == nil && mt == "application/x-www-form-urlencoded" {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, &apiError{status: http.StatusBadRequest, code: "MalformedInput",
					message: "The form body is malformed.", cause: fmt.Errorf("parse form: %w", err)}
			}
			for k, vs := range form {
				params[k] = append(params[k], vs...)
			}
		}
	}
	return params, nil
}

// checkAction allows only GetCallerIdentity at STS's one API version,
// each parameter given once.
func checkAction(params url.Values) *apiError {
	action := params["Action"]
	switch {
	case len(action) == 0 || action[0] == "":
		return &apiError{status: http.StatusBadRequest, code: "MissingAction", message: "Missing Action"}
	case len(action) > 1:
		return &apiError{status: http.StatusBadRequest, code: "InvalidAction", message: "Action must be given exactly once."}
	}
	version := params["Version"]
	if len(version) > 1 {
		return &apiError{status: http.StatusBadRequest, code: "InvalidAction", message: "Version must be given exactly once."}
	}
	v := ""
	if len(version) == 1 {
		v = version[0]
	}
	if action[0] != "GetCallerIdentity" || v != stsVersion {
		return &apiError{status: http.StatusBadRequest, code: "InvalidAction",
			message: fmt.Sprintf("Could not find operation %s for version %s", action[0], v)}
	}
	return nil
}

// wantsJSON reports whether the client asked for STS's JSON encoding.
func wantsJSON(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(v, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err == nil && mt == "application/json" {
				return true
			}
		}
	}
	return false
}

// writeResult answers a verified GetCallerIdentity.
func (s *STS) writeResult(w http.ResponseWriter, r *http.Request, p Principal) {
	id, err := newRequestID(s.rand)
	if err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "fake sts request id", slog.Any("error", err))
		http.Error(w, "request id", http.StatusInternalServerError)
		return
	}
	s.writeBody(w, r, http.StatusOK, id, callerIdentityBody(p, id, wantsJSON(r)))
}

// writeError answers an error in STS's shape; it is also how error faults
// are rendered.
func (s *STS) writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	id, err := newRequestID(s.rand)
	if err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "fake sts request id", slog.Any("error", err))
		http.Error(w, "request id", http.StatusInternalServerError)
		return
	}
	s.writeBody(w, r, status, id, errorBody(status, code, message, id, wantsJSON(r)))
}

func (s *STS) writeBody(w http.ResponseWriter, r *http.Request, status int, requestID string, b encodedBody) {
	h := w.Header()
	h.Set("Content-Type", b.contentType)
	h.Set("Content-Length", fmt.Sprint(len(b.data)))
	h.Set("Date", s.now().UTC().Format(http.TimeFormat))
	// STS spells it this way; assigning the key keeps the spelling on
	// HTTP/1.1 (HTTP/2 lower-cases every name anyway).
	h["x-amzn-RequestId"] = []string{requestID}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b.data)
	}
}

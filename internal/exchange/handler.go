package exchange

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/service"
	"latch.dev/latch/internal/token"
)

// Limits on what the endpoints read before any work is done.
const (
	// MaxFormBytes bounds the form body; the parameters are a few IDs.
	MaxFormBytes = 64 << 10
)

// Service is what the endpoints need from the use-case layer.
type Service interface {
	Exchange(ctx context.Context, req service.ExchangeRequest) (service.TokenPair, error)
	Refresh(ctx context.Context, refreshToken string) (service.TokenPair, error)
	Bootstrap(ctx context.Context, secret, name, sourceIP string) (service.TokenPair, error)
	LoginProvider() (authn.LoginProvider, error)
	Login(ctx context.Context, req service.LoginRequest) (service.TokenPair, error)
	RevokeRefresh(ctx context.Context, refreshToken string) error
}

// Handler serves the /sts endpoints.
type Handler struct {
	svc     Service
	log     *slog.Logger
	mux     *http.ServeMux
	limiter Limiter
}

// Limiter admits or refuses a token exchange before any work is done for
// it: the rate limits of internal/ratelimit. A refusal is an error of
// kind ResourceExhausted, whose chain may say when to retry (see
// retryAfter).
type Limiter interface {
	Admit(sourceIP, identity string) error
}

// Option configures a Handler.
type Option func(*Handler)

// WithLimiter makes /sts/exchange ask l before every exchange.
func WithLimiter(l Limiter) Option { return func(h *Handler) { h.limiter = l } }

// New returns the handler. Mount it at "/sts/".
func New(svc Service, log *slog.Logger, opts ...Option) *Handler {
	h := &Handler{svc: svc, log: log, mux: http.NewServeMux()}
	for _, o := range opts {
		o(h)
	}
	h.mux.HandleFunc("/sts/exchange", h.exchange)
	h.mux.HandleFunc("/sts/exchange_refresh_token", h.refresh)
	h.mux.HandleFunc("/sts/bootstrap", h.bootstrap)
	h.mux.HandleFunc("/sts/login", h.login)
	h.mux.HandleFunc("/sts/revoke", h.revoke)
	h.mux.HandleFunc("/", h.notFound)
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// TokenResponse is the JSON answer of every endpoint.
type TokenResponse struct {
	Token        string `json:"token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Expiry       string `json:"expiry"`
}

func (h *Handler) exchange(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		h.methodNotAllowed(w, r, "GET, POST")
		return
	}
	proof, err := token.BearerToken(r.Header)
	if err != nil {
		writeError(ctx, w, h.log, "exchange", err)
		return
	}
	if err := parseForm(w, r); err != nil {
		writeError(ctx, w, h.log, "exchange", err)
		return
	}
	req := service.ExchangeRequest{
		Proof:        proof,
		Identity:     strings.TrimSpace(r.Form.Get("identity")),
		Audience:     r.Form["aud"],
		Capabilities: r.Form["cap"],
		Scopes:       append(r.Form["scopes"], r.Form["scope"]...),
		SourceIP:     sourceIP(r),
	}
	if h.limiter != nil {
		if err := h.limiter.Admit(req.SourceIP, req.Identity); err != nil {
			writeError(ctx, w, h.log, "exchange", err)
			return
		}
	}
	pair, err := h.svc.Exchange(ctx, req)
	if err != nil {
		writeError(ctx, w, h.log, "exchange", err)
		return
	}
	writeJSON(w, http.StatusOK, toResponse(pair))
}

func (h *Handler) refresh(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		h.methodNotAllowed(w, r, "POST")
		return
	}
	tok, err := token.BearerToken(r.Header)
	if err != nil {
		writeError(ctx, w, h.log, "refresh", err)
		return
	}
	pair, err := h.svc.Refresh(ctx, tok)
	if err != nil {
		writeError(ctx, w, h.log, "refresh", err)
		return
	}
	writeJSON(w, http.StatusOK, toResponse(pair))
}

func (h *Handler) bootstrap(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		h.methodNotAllowed(w, r, "POST")
		return
	}
	secret, err := token.BearerToken(r.Header)
	if err != nil {
		writeError(ctx, w, h.log, "bootstrap", err)
		return
	}
	if err := parseForm(w, r); err != nil {
		writeError(ctx, w, h.log, "bootstrap", err)
		return
	}
	pair, err := h.svc.Bootstrap(ctx, secret, strings.TrimSpace(r.Form.Get("name")), sourceIP(r))
	if err != nil {
		writeError(ctx, w, h.log, "bootstrap", err)
		return
	}
	writeJSON(w, http.StatusOK, toResponse(pair))
}

func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	writeError(r.Context(), w, h.log, r.URL.Path, withStatus{http.StatusMethodNotAllowed,
		errs.New(errs.Invalid, "%s is not allowed here; use %s", r.Method, allow)})
}

// notFound answers paths under /sts/ that name no endpoint in the JSON
// error shape, so that a client parsing errors is not handed a text page.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(r.Context(), w, h.log, "other", errs.New(errs.NotFound, "%s is not a token endpoint; they are /sts/exchange, /sts/exchange_refresh_token, /sts/login, /sts/revoke and /sts/bootstrap", r.URL.Path))
}

func toResponse(p service.TokenPair) TokenResponse {
	return TokenResponse{Token: p.Token, RefreshToken: p.RefreshToken, Expiry: p.Expiry.UTC().Format(time.RFC3339)}
}

// parseForm reads query and form parameters with a size cap.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	if err := r.ParseForm(); err != nil {
		return errs.Wrap(errs.Invalid, err, "the request parameters could not be read; send them as a query string or an application/x-www-form-urlencoded body under %d bytes", MaxFormBytes)
	}
	return nil
}

// sourceIP is the peer address, for audit and rate limits.
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

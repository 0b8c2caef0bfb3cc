package exchange

import (
	"net/http"
	"strings"

	"latch.dev/latch/internal/service"
	"latch.dev/latch/internal/token"
)

// login serves GET /sts/login, which tells a client where people log in
// (issuer, public client ID, scopes: nothing secret), and POST
// /sts/login, which trades that provider's ID token (Bearer) for a latch
// session. Form parameters: nonce (of the authorization request),
// access_token (issued with the ID token, for the provider's userinfo
// endpoint when the ID token lacks the user's profile) and aud.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	switch r.Method {
	case http.MethodGet:
		p, err := h.svc.LoginProvider()
		if err != nil {
			writeError(ctx, w, h.log, "login", err)
			return
		}
		writeJSON(w, http.StatusOK, p)
	case http.MethodPost:
		idToken, err := token.BearerToken(r.Header)
		if err != nil {
			writeError(ctx, w, h.log, "login", err)
			return
		}
		if err := parseForm(w, r); err != nil {
			writeError(ctx, w, h.log, "login", err)
			return
		}
		pair, err := h.svc.Login(ctx, service.LoginRequest{
			IDToken: idToken, Nonce: strings.TrimSpace(r.Form.Get("nonce")),
			AccessToken: strings.TrimSpace(r.Form.Get("access_token")),
			Audience:    r.Form["aud"], SourceIP: sourceIP(r),
		})
		if err != nil {
			writeError(ctx, w, h.log, "login", err)
			return
		}
		writeJSON(w, http.StatusOK, toResponse(pair))
	default:
		h.methodNotAllowed(w, r, "GET, POST")
	}
}

// revoke serves POST /sts/revoke: the refresh token in the Bearer header
// and every token of its family stop working (logout). Like RFC 7009 it
// answers 200 for tokens that are unknown or already dead, so that it
// reveals nothing about them and a logout always completes.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		h.methodNotAllowed(w, r, "POST")
		return
	}
	tok, err := token.BearerToken(r.Header)
	if err != nil {
		writeError(ctx, w, h.log, "revoke", err)
		return
	}
	if err := h.svc.RevokeRefresh(ctx, tok); err != nil {
		writeError(ctx, w, h.log, "revoke", err)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

package login

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/errs"
)

// maxProofSize bounds an upstream token read from a file or standard
// input; signed AWS requests and OIDC tokens are a few kilobytes.
const maxProofSize = 64 << 10

// upstream is proof of an identity held outside latch.
type upstream struct {
	token  string
	method string
	// file is where the token was read from, if it was; renewals read it
	// again.
	file string
}

// proof obtains the upstream token the options describe.
func proof(opts *Options) (upstream, error) {
	arg := strings.TrimSpace(opts.IdentityToken)
	if arg == "-" {
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, maxProofSize+1))
		if err != nil {
			return upstream{}, fmt.Errorf("read the identity token from standard input: %w", err)
		}
		return checked(string(b), "")
	}
	if fi, err := os.Stat(arg); err == nil && fi.Mode().IsRegular() {
		b, err := os.ReadFile(arg)
		if err != nil {
			return upstream{}, fmt.Errorf("read the identity token: %w", err)
		}
		abs, err := filepath.Abs(arg)
		if err != nil {
			return upstream{}, fmt.Errorf("read the identity token: %w", err)
		}
		return checked(string(b), abs)
	}
	return checked(arg, "")
}

func checked(token, file string) (upstream, error) {
	token = strings.TrimSpace(token)
	from := "--identity-token"
	if file != "" {
		from = file
	}
	switch {
	case token == "":
		return upstream{}, errs.New(errs.Invalid, "the identity token from %s is empty", from)
	case len(token) > maxProofSize:
		return upstream{}, errs.New(errs.Invalid, "the identity token from %s is larger than %d bytes", from, maxProofSize)
	}
	return upstream{token: token, method: tokencache.MethodIdentityToken, file: file}, nil
}

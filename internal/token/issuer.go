package token

import (
	"fmt"
	"net/url"
	"strings"
)

// CheckIssuer checks that iss can be a token issuer: an absolute http or
// https URL with a host, no user info, query or fragment, and no trailing
// slash (verifiers compare issuers as exact strings, so one server must
// have one spelling).
func CheckIssuer(iss string) error {
	u, err := url.Parse(iss)
	switch {
	case err != nil:
		return fmt.Errorf("issuer %q is not a URL: %w", iss, err)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("issuer %q must be an https URL", iss)
	case u.Host == "":
		return fmt.Errorf("issuer %q has no host", iss)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Errorf("issuer %q must not have user info, a query or a fragment", iss)
	case strings.HasSuffix(iss, "/"):
		return fmt.Errorf("issuer %q must not end in a slash", iss)
	}
	return nil
}

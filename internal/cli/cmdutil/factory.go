package cmdutil

import (
	"net/http"
	"time"

	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
)

// Factory hands commands their dependencies. Every field that does work is
// a func, called only by the commands that need it, so `latch version`
// reads no config and `latch iam … --help` touches no token. Tests build a
// Factory literal with just the fields a command uses.
type Factory struct {
	// IOStreams are the process's streams.
	IOStreams *iostreams.IOStreams
	// Flags holds the global flags. The root command binds them, and
	// Config reads them when it is first called, after parsing.
	Flags *config.Flags
	// Config loads the merged configuration (flags > LATCH_* > file).
	Config func() (*config.Config, error)
	// HTTPClient is the client for every request to the server.
	HTTPClient func() (*http.Client, error)
	// Client talks to the server's token endpoints without credentials.
	Client func() (*client.Client, error)
	// TokenCache is the credential cache for the configured server.
	TokenCache func() (*tokencache.Cache, error)
	// Session supplies a valid access token, renewing it when it expires.
	Session func() (*tokencache.Session, error)
	// API returns the server's Connect clients, authenticated by Session.
	API func() (*client.API, error)
	// Now is the clock.
	Now func() time.Time
	// Version is the CLI's version string.
	Version string
}

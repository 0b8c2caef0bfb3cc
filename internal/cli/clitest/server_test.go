package clitest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
)

// TestServerScripts runs the scripts in testdata/server against one real
// in-process server, each script logged in as its administrator. Scripts
// share the server, so each uses its own organization names.
func TestServerScripts(t *testing.T) {
	srv := servertest.Start(t)
	testscript.Run(t, clitest.Params("testdata/server", loginAsAdmin(srv)))
}

// loginAsAdmin logs each script in as the server's administrator.
func loginAsAdmin(srv *servertest.Server) func(*testscript.Env) error {
	return func(env *testscript.Env) error {
		env.Setenv("LATCH_URL", srv.URL)
		cache, err := tokencache.New(filepath.Join(env.Getenv("XDG_CACHE_HOME"), "latch"), srv.URL)
		if err != nil {
			return err
		}
		// The refresh token is left out: it is single-use, and the
		// scripts share the administrator.
		return cache.Save(tokencache.Credentials{
			AccessToken: srv.Admin.Token,
			Login:       tokencache.Login{Method: tokencache.MethodBootstrap, Expiry: srv.Admin.Expiry},
		})
	}
}

// TestBootstrapScript runs testdata/bootstrap against a server that has no
// administrator yet; $SECRET_FILE holds its bootstrap secret.
func TestBootstrapScript(t *testing.T) {
	const secret = "latch_bs_script-secret-script-secret-script"
	srv := servertest.Start(t, servertest.WithConfig(func(c *server.Config) { c.BootstrapSecret = secret }))
	testscript.Run(t, clitest.Params("testdata/bootstrap", func(env *testscript.Env) error {
		env.Setenv("LATCH_URL", srv.URL)
		path := filepath.Join(env.WorkDir, "bootstrap-token")
		env.Setenv("SECRET_FILE", path)
		return os.WriteFile(path, []byte(secret+"\n"), 0o600)
	}))
}

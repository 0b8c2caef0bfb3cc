package reliability

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"latch.dev/latch/internal/testutil/latchproc"
	"latch.dev/latch/internal/testutil/pgtest"
)

// cluster is a throwaway PostgreSQL of one test's own, for tests that stop
// and start the database: the shared server must stay up for the others.
type cluster struct {
	bin  string   // the server binaries
	dir  string   // data directory and socket
	port int      // on 127.0.0.1
	as   []string // runuser prefix: initdb refuses to run as root
}

// startCluster initdb's and starts a cluster from the Debian server
// binaries, as scripts/test.sh does, and removes it when t ends.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		pgtest.Need(t, "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin to start a cluster of the test's own")
	}
	slices.SortFunc(bins, func(a, b string) int { return versionOf(a) - versionOf(b) })
	c := &cluster{bin: filepath.Dir(bins[len(bins)-1])}
	// Not t.TempDir: its parents are private to this user, and the
	// cluster may run as another.
	dir, err := os.MkdirTemp("", "latch-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, and no postgres user to run the cluster as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.as = []string{"runuser", "-u", "postgres", "--"}
	}
	t.Cleanup(func() {
		_ = c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "stop")
		os.RemoveAll(dir)
	})
	if c.port, err = latchproc.FreePort(); err != nil {
		t.Fatal(err)
	}
	if err := c.run("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		t.Fatal(err)
	}
	c.start(t)
	return c
}

func versionOf(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// DSN is the cluster's postgres database.
func (c *cluster) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *cluster) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off", c.port, c.dir)
	if err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "pg.log"), "-w", "-o", opts, "start"); err != nil {
		t.Fatal(err)
	}
}

// stop shuts the cluster down at once, closing every connection.
func (c *cluster) stop(t *testing.T) {
	t.Helper()
	if err := c.run("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop"); err != nil {
		t.Fatal(err)
	}
}

func (c *cluster) run(name string, args ...string) error {
	argv := append(slices.Clone(c.as), append([]string{filepath.Join(c.bin, name)}, args...)...)
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, out)
	}
	return nil
}

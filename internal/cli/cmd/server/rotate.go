package server

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"latch.dev/latch/internal/server"
)

// rotateOnHangup rotates the signing keys each time the process receives
// SIGHUP, until ctx ends: the operator's trigger for an unscheduled
// rotation (a suspected leak; testing that rotation under load fails no
// request). A signal needs no network endpoint and no authorization
// scheme beyond the right to signal the process, which only the server's
// operator has. The key set is shared: the other replicas start signing
// with the new key when they next reload it (within a minute), and verify
// it at once, because it was published before it signed.
func rotateOnHangup(ctx context.Context, srv *server.Server, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := srv.Signer().Rotate(ctx); err != nil {
					log.ErrorContext(ctx, "key rotation on SIGHUP failed", "err", err)
					continue
				}
				log.InfoContext(ctx, "rotated the signing keys on SIGHUP")
			}
		}
	}()
}

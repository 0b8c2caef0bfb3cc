# The two commands of the README: `go run ./cmd/latch dev` runs latch,
# `make test` runs every test.

.PHONY: test vet generate bench

test:
	./scripts/test.sh

vet:
	go vet ./...

# Regenerates the Connect/protobuf code (committed; CI never runs this).
generate:
	cd proto && buf generate

bench:
	go test -run '^$$' -bench . -benchmem ./...

# The two commands of the README: `go run ./cmd/latch dev` runs latch,
# `make test` runs every test.

.PHONY: test vet generate bench soak

test:
	./scripts/test.sh

vet:
	go vet ./...

# Regenerates the Connect/protobuf code (committed; CI never runs this).
generate:
	cd proto && buf generate

bench:
	go test -run '^$$' -bench . -benchmem ./...

# The ten-minute soak of test/reliability: moderate load on a real
# `latch server`, memory and goroutines must stay flat. Not part of
# `make test`. LATCH_SOAK_DURATION and LATCH_SOAK_RATE change it.
soak:
	go test -tags soak -run TestSoak -count=1 -timeout 30m -v ./test/reliability/

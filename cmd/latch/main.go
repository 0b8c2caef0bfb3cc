// Command latch is latch's server and command-line client.
package main

import (
	"os"

	"latch.dev/latch/internal/cli"
)

func main() { os.Exit(cli.Main()) }

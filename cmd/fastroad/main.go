// Command fastroad computes travel times from towns to high-speed-rail
// stations and expressway entrances, today and under proposed road layouts.
// Run "fastroad --help" for the commands.
package main

import (
	"os"

	"github.com/fastroad/fastroad/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Package cli is fastroad's command-line layer: the only package that reads
// flags, files, the environment and viper, and the only place that maps
// errors to exit codes (0 ok, 1 failure, 2 usage or configuration error).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/study"
)

// usageError marks errors in how fastroad was called or configured (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// env carries the process's streams to the subcommands.
type env struct {
	stdout, stderr io.Writer
	ctx            context.Context
}

// commands lists the subcommands; each file registers its own in init.
var commands []func(*env) *cobra.Command

func register(mk func(*env) *cobra.Command) { commands = append(commands, mk) }

// Main runs fastroad with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := &env{stdout: stdout, stderr: stderr, ctx: ctx}
	root := &cobra.Command{
		Use:   "fastroad",
		Short: "Travel times to HSR stations and expressway entrances, today and under new road layouts",
		Long: `fastroad builds a routing graph from an OpenStreetMap extract and answers how
fast people get from their towns to a high-speed-rail station and onto the
expressway.

Pipeline:
  extract.osm.pbf --build--> region.graph --places/access/matrix/isochrone--> tables, GeoJSON, maps
  study.yaml (base + alternatives) --check--> what each edit matches
                                   --compare--> report.md, summary, towns, coverage, maps

Map data © OpenStreetMap contributors (ODbL).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	for _, mk := range commands {
		root.AddCommand(mk(e))
	}
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "fastroad: %v\n", err)
	var ue usageError
	var ce study.ConfigError
	if errors.As(err, &ue) || errors.As(err, &ce) || isCobraUsage(err) {
		return 2
	}
	return 1
}

// isCobraUsage recognises cobra's own argument errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "unknown flag", "unknown shorthand", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

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
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/internal/membudget"
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
	// maxMemory is the --max-memory budget in bytes (membudget.Default()
	// unless set).
	maxMemory  int64
	maxMemoryS string
	// args are the command line (after "fastroad"), for the report's footer.
	args []string
}

// stallAt names a checkpoint where a test build of fastroad waits for a
// signal (set only by the tests' TestMain, never from the environment of
// the real binary), so interrupt tests can signal a run that is surely
// mid-work with a temporary file open.
var stallAt string

// checkpoint is a place where a run may be stopped: it returns the
// context's error once the run was interrupted. In the tests' stalled
// builds it waits there for the signal.
func (e *env) checkpoint(name string) error {
	if stallAt != "" && stallAt == name {
		fmt.Fprintf(e.stderr, "stalled at %s\n", name)
		<-e.ctx.Done()
	}
	return e.ctx.Err()
}

// softLimit hands the memory budget to the Go runtime as its soft limit,
// so that the garbage collector keeps the heap inside the budget the user
// sees instead of letting it grow to twice the live data between
// collections (each command's estimate still refuses work that cannot fit).
// A sixteenth of the budget, at most 256 MiB, is left for what the runtime
// does not count and the process still holds: program text, the C zlib
// decoder's buffers, thread stacks (measured: 30 MB above a 6 GB limit on
// a 21.7M-node build). A GOMEMLIMIT in the environment wins. The tests,
// which run many commands in one process, replace it.
var softLimit = func(budget int64) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(budget - min(budget/16, 256<<20))
	}
}

// signalled records the signal that cancelled the run (0: none).
var signalled atomic.Int32

// sigName names the signals fastroad stops on.
func sigName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// exitCode maps a signal to the shell's exit code: 128 + its number.
func exitCode(sig syscall.Signal) int { return 128 + int(sig) }

// notifyContext cancels the returned context on SIGINT or SIGTERM and
// records which; a second signal exits at once with its code (temporary
// files are then left for the next run to remove, see outfile.CleanStale).
func notifyContext(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			sig := s.(syscall.Signal)
			signalled.Store(int32(sig))
			cancel()
			select {
			case s2 := <-ch:
				fmt.Fprintf(stderr, "fastroad: %s again, exiting now\n", sigName(s2.(syscall.Signal)))
				os.Exit(exitCode(s2.(syscall.Signal)))
			case <-done:
			}
		case <-done:
		}
	}()
	return ctx, func() { signal.Stop(ch); close(done); cancel() }
}

// commands lists the subcommands; each file registers its own in init.
var commands []func(*env) *cobra.Command

func register(mk func(*env) *cobra.Command) { commands = append(commands, mk) }

// Main runs fastroad with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	signalled.Store(0)
	ctx, stop := notifyContext(stderr)
	defer stop()
	e := &env{stdout: stdout, stderr: stderr, ctx: ctx, args: args}
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
		Version:       Version(),
	}
	root.SetVersionTemplate("fastroad {{.Version}}\n")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	root.PersistentFlags().StringVar(&e.maxMemoryS, "max-memory", "", "memory a run may plan to use, e.g. 8GB or 512MiB (default: half the machine's RAM); work estimated above it is refused before it starts, and the garbage collector keeps the heap within it (GOMEMLIMIT, if set, is used instead)")
	root.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		e.maxMemory = membudget.Default()
		if e.maxMemoryS != "" {
			v, err := membudget.ParseSize(e.maxMemoryS)
			if err != nil {
				return usagef("--max-memory %v", err)
			}
			e.maxMemory = v
		}
		softLimit(e.maxMemory)
		return nil
	}
	for _, mk := range commands {
		root.AddCommand(mk(e))
	}
	err := root.ExecuteContext(ctx)
	if sig := syscall.Signal(signalled.Load()); sig != 0 && err != nil {
		fmt.Fprintf(stderr, "fastroad: interrupted by %s; no output was written or replaced, temporary files removed\n", sigName(sig))
		if sig == syscall.SIGTERM || sig == syscall.SIGINT {
			return exitCode(sig)
		}
		return 1
	}
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "fastroad: %v\n", err)
	var me *membudget.Error
	if errors.As(err, &me) {
		return 2
	}
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

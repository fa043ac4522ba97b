package outfile_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fastroad/fastroad/internal/outfile"
)

// A rerun replaces what the previous run wrote and leaves the user's notes.
func ExampleBegin() {
	root, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(root)
	out := filepath.Join(root, "study-out")
	run := func(files ...string) {
		f, err := outfile.Begin(out, outfile.FolderOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		defer f.Abort()
		for _, n := range files {
			f.Write(n, func(w io.Writer) error { _, err := io.WriteString(w, n); return err })
		}
		if err := f.Commit(); err != nil {
			fmt.Println(err)
		}
	}
	run("report.md", "summary.csv")
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	run("report.md", "towns.csv")
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		fmt.Println(e.Name())
	}
	// Output:
	// .fastroad-manifest
	// notes.txt
	// report.md
	// towns.csv
}

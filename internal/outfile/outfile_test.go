package outfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

func put(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func TestWriteFileRefusesInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "X.osm.pbf")
	put(t, in, "extract")
	link := filepath.Join(dir, "link.pbf")
	if err := os.Symlink("X.osm.pbf", link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.pbf")
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{in, link, hard, dir + "/./X.osm.pbf"} {
		err := WriteFile(out, []string{"", in}, text("graph"))
		var se *SameFileError
		if !errors.As(err, &se) {
			t.Fatalf("WriteFile(%s): got %v, want a SameFileError", out, err)
		}
		if !strings.Contains(err.Error(), out) || !strings.Contains(err.Error(), in) {
			t.Errorf("message %q does not name both paths", err)
		}
	}
	if got := get(t, in); got != "extract" {
		t.Errorf("input changed: got %q", got)
	}
	if got := listDir(t, dir); len(got) != 3 {
		t.Errorf("left files behind: %v", got)
	}
}

func TestWriteFileSymlinkKeepsLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.csv")
	put(t, real, "old")
	link := filepath.Join(dir, "out.csv")
	if err := os.Symlink("real.csv", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, nil, text("new")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Lstat(link)
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is no longer a link: %v %v", st, err)
	}
	if got := get(t, real); got != "new" {
		t.Errorf("target: got %q want new", got)
	}
}

func TestWriteFileFailureLeavesOld(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "a.csv")
	put(t, out, "old")
	err := WriteFile(out, nil, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("boom") })
	if err == nil {
		t.Fatal("no error")
	}
	if got := get(t, out); got != "old" {
		t.Errorf("got %q want old", got)
	}
	if got := listDir(t, dir); len(got) != 1 {
		t.Errorf("temporary file left: %v", got)
	}
}

// withUmask runs f under umask u (the test process's umask is restored).
func withUmask(t *testing.T, u int, f func()) {
	old := syscall.Umask(u)
	defer syscall.Umask(old)
	f()
}

func TestUmask(t *testing.T) {
	for _, c := range []struct {
		umask        int
		file, folder os.FileMode
	}{
		{0o022, 0o644, 0o755},
		{0o077, 0o600, 0o700},
		{0o002, 0o664, 0o775},
	} {
		dir := t.TempDir()
		withUmask(t, c.umask, func() {
			if err := WriteFile(filepath.Join(dir, "a"), nil, text("x")); err != nil {
				t.Fatal(err)
			}
			f, err := Begin(filepath.Join(dir, "out"), FolderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Write("b", text("y")); err != nil {
				t.Fatal(err)
			}
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
		})
		for _, x := range []struct {
			path string
			want os.FileMode
		}{{"a", c.file}, {"out", c.folder}, {"out/b", c.file}, {"out/" + ManifestName, c.file}} {
			st, err := os.Stat(filepath.Join(dir, x.path))
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Mode().Perm(); got != x.want {
				t.Errorf("umask %03o %s: got %v want %v", c.umask, x.path, got, x.want)
			}
		}
	}
}

func writeFolder(t *testing.T, dir string, files map[string]string) error {
	t.Helper()
	f, err := Begin(dir, FolderOptions{})
	if err != nil {
		return err
	}
	for n, s := range files {
		if err := f.Write(n, text(s)); err != nil {
			f.Abort()
			return err
		}
	}
	return f.Commit()
}

func TestFolderNotesSurviveRerun(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	if err := writeFolder(t, out, map[string]string{"report.md": "r1", "old-only.csv": "o1"}); err != nil {
		t.Fatal(err)
	}
	put(t, filepath.Join(out, "notes.txt"), "mine")
	if err := writeFolder(t, out, map[string]string{"report.md": "r2", "new.csv": "n2"}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(listDir(t, out), " ")
	if want := ManifestName + " new.csv notes.txt report.md"; got != want {
		t.Errorf("files: got %q want %q", got, want)
	}
	if get(t, filepath.Join(out, "notes.txt")) != "mine" || get(t, filepath.Join(out, "report.md")) != "r2" {
		t.Error("wrong content")
	}
	if got, want := get(t, filepath.Join(out, ManifestName)), ManifestHeader+"\nnew.csv\nreport.md\n"; got != want {
		t.Errorf("manifest: got %q want %q", got, want)
	}
	if got := listDir(t, root); len(got) != 1 {
		t.Errorf("staging or backup left beside the folder: %v", got)
	}
	// A user file that happens to carry an output's name is not replaced.
	put(t, filepath.Join(out, "clash.csv"), "mine")
	err := writeFolder(t, out, map[string]string{"clash.csv": "x"})
	if err == nil || !strings.Contains(err.Error(), "not written by fastroad") {
		t.Errorf("got %v, want a refusal", err)
	}
	if get(t, filepath.Join(out, "clash.csv")) != "mine" {
		t.Error("user file replaced")
	}
}

func TestFolderRefusesForeign(t *testing.T) {
	out := t.TempDir()
	put(t, filepath.Join(out, "thesis.docx"), "years of work")
	err := writeFolder(t, out, map[string]string{"report.md": "r"})
	var no *NotOursError
	if !errors.As(err, &no) || !strings.Contains(err.Error(), ManifestName) {
		t.Fatalf("got %v, want NotOursError naming the manifest", err)
	}
	if got := listDir(t, out); len(got) != 1 {
		t.Errorf("got %v", got)
	}
	// An empty existing folder is fine.
	empty := t.TempDir()
	if err := writeFolder(t, empty, map[string]string{"report.md": "r"}); err != nil {
		t.Fatal(err)
	}
}

func TestFolderLegacyMarker(t *testing.T) {
	out := t.TempDir()
	put(t, filepath.Join(out, LegacyMarker), "")
	put(t, filepath.Join(out, "report.md"), "old")
	put(t, filepath.Join(out, "notes.txt"), "mine")
	if err := writeFolder(t, out, map[string]string{"report.md": "new"}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(listDir(t, out), " "), ManifestName+" notes.txt report.md"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestFolderSymlink(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	os.Mkdir(real, 0o755)
	link := filepath.Join(root, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		if err := writeFolder(t, link, map[string]string{"a.csv": fmt.Sprint(run)}); err != nil {
			t.Fatal(err)
		}
		st, err := os.Lstat(link)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("run %d: link replaced: %v %v", run, st, err)
		}
		if got := get(t, filepath.Join(real, "a.csv")); got != fmt.Sprint(run) {
			t.Errorf("run %d: got %q", run, got)
		}
	}
	// A link to a folder that does not exist yet: the folder is created.
	link2 := filepath.Join(root, "link2")
	os.Symlink("made", link2)
	if err := writeFolder(t, link2, map[string]string{"a.csv": "x"}); err != nil {
		t.Fatal(err)
	}
	if get(t, filepath.Join(root, "made", "a.csv")) != "x" {
		t.Error("not written into the link's target")
	}
}

func TestFolderRefusesInput(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	if err := writeFolder(t, out, map[string]string{"places.csv": "p"}); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(out, "places.csv")
	f, err := Begin(out, FolderOptions{Inputs: []string{in}})
	var se *SameFileError
	if !errors.As(err, &se) {
		t.Fatalf("got %v %v, want a SameFileError", f, err)
	}
}

func TestFolderAbort(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	writeFolder(t, out, map[string]string{"a": "old"})
	f, err := Begin(out, FolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.Write("a", text("new"))
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	if get(t, filepath.Join(out, "a")) != "old" || len(listDir(t, root)) != 1 {
		t.Error("abort changed the folder or left the staging folder")
	}
}

func TestFolderCommitRollback(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	writeFolder(t, out, map[string]string{"a": "old-a", "b": "old-b"})
	f, err := Begin(out, FolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.Write("a", text("new-a"))
	f.Write("b", text("new-b"))
	// Make installing b fail: its staged file vanishes.
	os.Remove(filepath.Join(f.staging, "b"))
	err = f.Commit()
	if err == nil || !strings.Contains(err.Error(), "previous output unchanged") {
		t.Fatalf("got %v", err)
	}
	if get(t, filepath.Join(out, "a")) != "old-a" || get(t, filepath.Join(out, "b")) != "old-b" {
		t.Error("old files not restored")
	}
	if got := listDir(t, root); len(got) != 1 {
		t.Errorf("left %v", got)
	}
}

func TestCleanStale(t *testing.T) {
	dir := t.TempDir()
	// A dead PID: start and wait for a short process.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no 'true' command")
	}
	dead := cmd.Process.Pid
	staleFile := fmt.Sprintf(".graph.fastroad-tmp-%d-0123abcd", dead)
	staleDir := fmt.Sprintf(".out.fastroad-tmp-%d-89abcdef", dead)
	mine := TempName("live")
	keep := []string{"notes.txt", ".graph.abc.tmp", ".x.fastroad-tmp-12-nothex!", mine}
	for _, n := range append([]string{staleFile}, keep...) {
		put(t, filepath.Join(dir, n), "x")
	}
	os.Mkdir(filepath.Join(dir, staleDir), 0o755)
	put(t, filepath.Join(dir, staleDir, "report.md"), "half")
	removed, err := CleanStale(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Errorf("removed %v, want the two stale names", removed)
	}
	got := listDir(t, dir)
	sort.Strings(keep)
	if strings.Join(got, " ") != strings.Join(keep, " ") {
		t.Errorf("left %v want %v", got, keep)
	}
	// WriteFile cleans its folder too (a killed run's partial file).
	put(t, filepath.Join(dir, staleFile), "half")
	if err := WriteFile(filepath.Join(dir, "graph"), nil, text("g")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, staleFile)); !errors.Is(err, os.ErrNotExist) {
		t.Error("WriteFile did not remove the stale temporary file")
	}
}

func TestIsTemp(t *testing.T) {
	for _, c := range []struct {
		name string
		pid  int
		ok   bool
	}{
		{".a.csv.fastroad-tmp-123-0a1b2c3d", 123, true},
		{".out.old.fastroad-tmp-9-ffffffff", 9, true},
		{"a.csv.fastroad-tmp-123-0a1b2c3d", 0, false}, // not hidden
		{".a.csv.fastroad-tmp-123-0a1b2c3", 0, false}, // short random part
		{".a.csv.fastroad-tmp-0-0a1b2c3d", 0, false},  // pid 0
		{".a.csv.tmp-123", 0, false},
	} {
		pid, ok := IsTemp(c.name)
		if pid != c.pid || ok != c.ok {
			t.Errorf("IsTemp(%q): got %d %v want %d %v", c.name, pid, ok, c.pid, c.ok)
		}
	}
}

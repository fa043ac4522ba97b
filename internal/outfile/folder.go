package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ManifestName is the file in an output folder that lists what fastroad
// wrote there. Its first line is ManifestHeader, then one file name a line.
const ManifestName = ".fastroad-manifest"

// ManifestHeader is the format line of a manifest.
const ManifestHeader = "# fastroad output manifest v1"

// LegacyMarker is what fastroad before the manifest wrote into a compare
// folder; such a folder is accepted as fastroad's, but without a list of
// files nothing in it is deleted (files of this run are replaced).
const LegacyMarker = ".fastroad-compare"

// FolderOptions set how Begin treats the target folder.
type FolderOptions struct {
	// Inputs are files the run reads: none of them may be replaced or
	// removed by Commit.
	Inputs []string
}

// Folder is an output folder being written. Files go to a staging folder
// beside the target until Commit.
type Folder struct {
	shown   string // the folder as the user named it
	target  string // the real folder (symlinks followed)
	staging string
	inputs  []string
	old     []string // files of the previous manifest
	legacy  bool
	exists  bool
	names   map[string]bool
	order   []string
	done    bool
}

// NotOursError says that a non-empty folder holds no manifest, so fastroad
// cannot tell its own files from the user's.
type NotOursError struct{ Dir string }

func (e *NotOursError) Error() string {
	return fmt.Sprintf("%s is not empty and has no %s, so it was not written by fastroad; refusing to write into it (choose a new or empty folder)", e.Dir, ManifestName)
}

// Begin starts writing the output folder dir. A symlink is followed: files
// go into the link's target and the link stays. dir must be new, empty, or a
// folder fastroad wrote before (it has a manifest or the legacy marker);
// anything else returns a *NotOursError. Stale temporary folders of killed
// runs beside it are removed.
func Begin(dir string, opt FolderOptions) (*Folder, error) {
	f := &Folder{shown: dir, inputs: opt.Inputs, names: map[string]bool{}}
	target, err := resolveLink(filepath.Clean(dir))
	if err != nil {
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	}
	f.target = target
	st, err := os.Stat(target)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("output folder %s exists and is not a folder", dir)
	default:
		f.exists = true
		if err := f.readPrevious(); err != nil {
			return nil, err
		}
	}
	parent := filepath.Dir(target)
	CleanStale(parent)
	if f.staging, err = mkdirTemp(parent, filepath.Base(target)); err != nil {
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	}
	return f, nil
}

// readPrevious reads the previous manifest, or refuses a foreign folder.
func (f *Folder) readPrevious() error {
	data, err := os.ReadFile(filepath.Join(f.target, ManifestName))
	if err == nil {
		old, err := parseManifest(data)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(f.shown, ManifestName), err)
		}
		f.old = old
		for _, n := range old {
			if err := f.checkInput(n); err != nil {
				return err
			}
		}
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("output folder %s: %w", f.shown, err)
	}
	if _, err := os.Lstat(filepath.Join(f.target, LegacyMarker)); err == nil {
		f.legacy = true
		return nil
	}
	ents, err := os.ReadDir(f.target)
	if err != nil {
		return fmt.Errorf("output folder %s: %w", f.shown, err)
	}
	for _, de := range ents {
		if _, tmp := IsTemp(de.Name()); !tmp {
			return &NotOursError{Dir: f.shown}
		}
	}
	return nil
}

func parseManifest(data []byte) ([]string, error) {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) == 0 || lines[0] != ManifestHeader {
		return nil, fmt.Errorf("line 1: want %q", ManifestHeader)
	}
	var out []string
	for i, l := range lines[1:] {
		if l == "" {
			continue
		}
		if err := validName(l); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+2, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// validName accepts plain file names: no folders, no control characters,
// not the manifest or a temporary name.
func validName(n string) error {
	switch {
	case n == "" || n == "." || n == "..":
		return fmt.Errorf("%q is not a file name", n)
	case strings.ContainsAny(n, "/\\"):
		return fmt.Errorf("%q: want a plain file name without folders", n)
	case n == ManifestName || n == LegacyMarker:
		return fmt.Errorf("%q is reserved", n)
	}
	for _, r := range n {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q holds a control character", n)
		}
	}
	if _, tmp := IsTemp(n); tmp {
		return fmt.Errorf("%q looks like a temporary name", n)
	}
	return nil
}

// checkInput refuses replacing an input with the folder's file name.
func (f *Folder) checkInput(name string) error {
	return CheckNotInput(filepath.Join(f.target, name), f.inputs...)
}

// Dir is the real folder the files go to (symlinks followed).
func (f *Folder) Dir() string { return f.target }

// Create opens a new file name in the staging folder (mode 0666 minus the
// umask). The caller closes it before Commit.
func (f *Folder) Create(name string) (*os.File, error) {
	if f.done {
		return nil, errors.New("outfile: Create after Commit or Abort")
	}
	if err := validName(name); err != nil {
		return nil, fmt.Errorf("output %s: %w", name, err)
	}
	if f.names[name] {
		return nil, fmt.Errorf("output %s written twice in %s", name, f.shown)
	}
	if err := f.checkInput(name); err != nil {
		return nil, err
	}
	if f.exists && !f.legacy && !contains(f.old, name) {
		if _, err := os.Lstat(filepath.Join(f.target, name)); err == nil {
			return nil, fmt.Errorf("%s exists and was not written by fastroad (not in %s); refusing to replace it: move it away or choose another folder", filepath.Join(f.shown, name), ManifestName)
		}
	}
	file, err := os.OpenFile(filepath.Join(f.staging, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Join(f.shown, name), err)
	}
	f.names[name] = true
	f.order = append(f.order, name)
	return file, nil
}

// Write creates name and fills it with write through a buffer.
func (f *Folder) Write(name string, write func(w io.Writer) error) (err error) {
	file, err := f.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", filepath.Join(f.shown, name), cerr)
		}
	}()
	bw := bufio.NewWriterSize(file, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(f.shown, name), err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(f.shown, name), err)
	}
	return nil
}

// Abort removes the staging folder; the target is left as it was. It is
// safe to call after Commit (then it does nothing).
func (f *Folder) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	return os.RemoveAll(f.staging)
}

// Commit installs the new files. A new folder is renamed into place in one
// step. Into an existing folder, every file to be replaced or removed (this
// run's names and the previous manifest's) is first moved to a backup folder,
// then the new files are moved in, then the manifest is written; if any step
// fails the new files are taken out and the backup put back, so the folder
// holds the complete old output or the complete new one. Files not listed in
// the previous manifest are never touched.
func (f *Folder) Commit() error {
	if f.done {
		return errors.New("outfile: Commit after Commit or Abort")
	}
	f.done = true
	sort.Strings(f.order)
	manifest := ManifestHeader + "\n" + strings.Join(f.order, "\n") + "\n"
	if len(f.order) == 0 {
		manifest = ManifestHeader + "\n"
	}
	if !f.exists {
		err := os.WriteFile(filepath.Join(f.staging, ManifestName), []byte(manifest), 0o666)
		if err == nil {
			err = os.Rename(f.staging, f.target)
		}
		if err != nil {
			os.RemoveAll(f.staging)
			return fmt.Errorf("install %s: %w", f.shown, err)
		}
		return nil
	}
	defer os.RemoveAll(f.staging)
	backup, err := mkdirTemp(filepath.Dir(f.target), filepath.Base(f.target)+".old")
	if err != nil {
		return fmt.Errorf("install %s: %w", f.shown, err)
	}
	// What goes to the backup: the previous manifest's files and any file
	// this run replaces, plus the manifest and the legacy marker.
	move := map[string]bool{ManifestName: true}
	if f.legacy {
		move[LegacyMarker] = true
	}
	for _, n := range f.old {
		move[n] = true
	}
	for _, n := range f.order {
		move[n] = true
	}
	var backedUp, installed []string
	rollback := func(cause error) error {
		var bad []string
		for _, n := range installed {
			if err := os.Remove(filepath.Join(f.target, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				bad = append(bad, n+" (new)")
			}
		}
		for _, n := range backedUp {
			if err := os.Rename(filepath.Join(backup, n), filepath.Join(f.target, n)); err != nil {
				bad = append(bad, n+" (old, kept in "+backup+")")
			}
		}
		if len(bad) == 0 {
			os.RemoveAll(backup)
			return fmt.Errorf("install %s: %w; the folder holds the previous output unchanged", f.shown, cause)
		}
		return fmt.Errorf("install %s: %w; could not restore: %s", f.shown, cause, strings.Join(bad, ", "))
	}
	names := make([]string, 0, len(move))
	for n := range move {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		err := os.Rename(filepath.Join(f.target, n), filepath.Join(backup, n))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return rollback(err)
		}
		backedUp = append(backedUp, n)
	}
	for _, n := range f.order {
		if err := os.Rename(filepath.Join(f.staging, n), filepath.Join(f.target, n)); err != nil {
			return rollback(err)
		}
		installed = append(installed, n)
	}
	if err := writeManifest(f.target, manifest); err != nil {
		return rollback(err)
	}
	if err := os.RemoveAll(backup); err != nil {
		return fmt.Errorf("installed %s, but could not remove the backup %s: %w", f.shown, backup, err)
	}
	return nil
}

func writeManifest(dir, manifest string) error {
	file, err := createTemp(dir, ManifestName)
	if err != nil {
		return err
	}
	tmp := file.Name()
	_, err = file.WriteString(manifest)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, ManifestName))
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

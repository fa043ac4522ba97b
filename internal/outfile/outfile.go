package outfile

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"
)

// tmpMarker is the part of every temporary name that says fastroad made it.
const tmpMarker = ".fastroad-tmp-"

// StaleAge is how old a temporary file of a still-running PID must be before
// CleanStale removes it anyway (the PID may have been reused).
const StaleAge = time.Hour

// tmpRe matches temporary names: .NAME.fastroad-tmp-<pid>-<hex>.
var tmpRe = regexp.MustCompile(`^\..*\.fastroad-tmp-([0-9]+)-[0-9a-f]{8}$`)

// TempName returns a fresh temporary name for base, made by this process.
func TempName(base string) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return "." + base + tmpMarker + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// IsTemp reports whether name (a base name) is a fastroad temporary name, and
// the PID that made it.
func IsTemp(name string) (pid int, ok bool) {
	m := tmpRe.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

// alive reports whether a process with this PID exists.
func alive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// CleanStale removes the fastroad temporary files and folders in dir left by
// runs that were killed: those whose PID is no longer alive, or that are older
// than StaleAge. It removes nothing else and returns what it removed.
func CleanStale(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var removed []string
	now := time.Now()
	for _, de := range ents {
		pid, ok := IsTemp(de.Name())
		if !ok || pid == os.Getpid() {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		if alive(pid) && now.Sub(info.ModTime()) < StaleAge {
			continue
		}
		p := filepath.Join(dir, de.Name())
		if err := os.RemoveAll(p); err != nil {
			return removed, fmt.Errorf("remove stale %s: %w", p, err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// SameFileError says that an output would overwrite an input.
type SameFileError struct{ Output, Input string }

func (e *SameFileError) Error() string {
	return fmt.Sprintf("output %s is the same file as input %s; writing it would destroy the input: choose another output path", e.Output, e.Input)
}

// CheckNotInput returns a *SameFileError when out exists and is the same
// file (device and inode, following symlinks) as one of inputs. Empty input
// paths and inputs that do not exist are skipped.
func CheckNotInput(out string, inputs ...string) error {
	ost, err := os.Stat(out)
	if err != nil {
		return nil // nothing there yet: it cannot be an input
	}
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		ist, err := os.Stat(in)
		if err != nil {
			continue
		}
		if os.SameFile(ost, ist) {
			return &SameFileError{Output: out, Input: in}
		}
	}
	return nil
}

// createTemp creates a new temporary file for base in dir with mode 0666
// minus the umask.
func createTemp(dir, base string) (*os.File, error) {
	for range 100 {
		p := filepath.Join(dir, TempName(base))
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("create a temporary file in %s: too many name collisions", dir)
}

// mkdirTemp creates a new temporary folder for base in dir with mode 0777
// minus the umask.
func mkdirTemp(dir, base string) (string, error) {
	for range 100 {
		p := filepath.Join(dir, TempName(base))
		err := os.Mkdir(p, 0o777)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return p, err
	}
	return "", fmt.Errorf("create a temporary folder in %s: too many name collisions", dir)
}

// WriteFile writes path through a temporary file in the same folder and
// renames it into place, so a failed or interrupted run leaves the old file
// (or none), never a partial one. It refuses when path is one of inputs (see
// CheckNotInput), removes stale temporary files of killed runs in the folder
// first, and creates the file with the process umask. When path is a
// symlink, the file it points to is replaced and the link stays a link.
func WriteFile(path string, inputs []string, write func(w io.Writer) error) (err error) {
	if err := CheckNotInput(path, inputs...); err != nil {
		return err
	}
	shown := path
	if path, err = resolveLink(path); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	dir := filepath.Dir(path)
	CleanStale(dir) // best effort: a folder we cannot list fails below with a clearer error
	f, err := createTemp(dir, filepath.Base(path))
	if err != nil {
		return fmt.Errorf("create %s: %w", shown, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	return nil
}

// resolveLink follows path when it is a symlink (to a file that may not exist
// yet); other paths are returned unchanged.
func resolveLink(path string) (string, error) {
	st, err := os.Lstat(path)
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		return path, nil
	}
	for range 40 {
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

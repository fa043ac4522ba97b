package cli

import (
	"fmt"
	"time"

	"github.com/fastroad/fastroad/internal/outfile"
	"github.com/fastroad/fastroad/study"
)

// studyRun is what compare, appraise and report share: the study loaded
// and applied, its output folder begun (refused before any work when it
// was not written by fastroad), and a progress log.
type studyRun struct {
	file   *studyFile
	s      *study.Study
	folder *outfile.Folder
	logf   func(format string, args ...any)
}

// startStudyRun loads the study, begins the output folder and applies the
// alternatives; the caller must Abort the folder (a no-op after Commit).
// check, when set, runs after the study file loads and before anything
// is read (e.g. appraise refusing a study without an appraisal key).
func startStudyRun(e *env, studyPath, out string, extraInputs []string, check func(*studyFile) error) (*studyRun, error) {
	t0 := time.Now()
	r := &studyRun{logf: func(format string, args ...any) {
		fmt.Fprintf(e.stderr, "[%5.1fs] %s\n", time.Since(t0).Seconds(), fmt.Sprintf(format, args...))
	}}
	var err error
	if r.file, err = loadStudy(studyPath); err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(r.file); err != nil {
			return nil, err
		}
	}
	inputs := append(r.file.inputFiles(), extraInputs...)
	if r.folder, err = outfile.Begin(out, outfile.FolderOptions{Inputs: inputs}); err != nil {
		return nil, usageError{err}
	}
	if r.s, err = r.file.prepare(e); err != nil {
		if r.s != nil {
			r.s.WriteCheck(e.stderr)
		}
		r.folder.Abort()
		return nil, err
	}
	g := r.s.Base.Graph
	r.logf("base network: %d nodes, %d segments; applied %d alternatives", g.NumNodes(), len(g.Segments), len(r.s.Results))
	return r, nil
}

// write writes the files into the folder and installs them, checking for
// an interrupt between files and before the install.
func (r *studyRun) write(e *env, out string, files []study.File) error {
	for _, f := range files {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		if err := r.folder.Write(f.Name, f.Write); err != nil {
			return err
		}
	}
	if err := e.checkpoint("write"); err != nil {
		return err
	}
	if err := r.folder.Commit(); err != nil {
		return err
	}
	r.logf("wrote %s (%d files)", out, len(files))
	reportPeak(e)
	return nil
}

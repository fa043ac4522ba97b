// Package outfile writes fastroad's outputs so that a user never loses a file:
//
//   - WriteFile writes one file through a temporary file beside it and
//     renames it into place; it refuses when the output is the same file as
//     one of the inputs (compared by device and inode with os.SameFile, so
//     through symlinks and hard links too).
//   - Begin/Folder write an output folder: files go to a staging folder
//     beside the target and Commit installs them, replacing only the files
//     listed in the previous run's manifest (.fastroad-manifest) and removing
//     the ones this run no longer writes. A file fastroad did not write (a
//     user's notes.txt) is never touched; a non-empty folder without a
//     manifest is refused. A symlinked folder is followed: files go into the
//     link's target and the link stays a link.
//   - Temporary names carry a recognisable pattern and the writer's PID:
//     ".NAME.fastroad-tmp-<pid>-<random>". CleanStale removes those whose
//     process is gone (or that are older than StaleAge) and nothing else.
//
// Files are created with mode 0666 and folders with 0777, both minus the
// process umask (the kernel applies it), like any other Unix tool; no mode is
// forced.
//
// Invariants: an output path holds either the complete old content or the
// complete new content, never a mix; Commit moves replaced files to a backup
// folder first and puts them back if any rename fails.
package outfile

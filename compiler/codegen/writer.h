#pragma once
#include <string>
#include <vector>

#include "codegen/c_emitter.h"

namespace qg::codegen {
// Writes all files into `dir`, or changes nothing (user error on failure, with
// the system's reason):
//  - `dir` does not exist: the files are written into a temporary folder
//    beside it (".qgen-tmp-<random>", a short name whatever the length of
//    `dir`), which is then renamed to `dir` in one step.
//  - `dir` exists: the files are written into a temporary folder inside it
//    (same file system; the parent need not be writable), then each one
//    replaces its old version (kept aside until the end). If any step fails,
//    every file already switched is put back, so `dir` holds either all the
//    new files or exactly what it held before. Files of `dir` that this run
//    does not write are left alone (`dir` may be a source folder).
void write_output_dir(const std::string& dir, const std::vector<OutputFile>& files);

namespace testing {
// Fault-injection seam, for the unit tests only (qgen never sets it). When a
// hook is set, write_output_dir calls it before each file-system step that can
// fail — creating a temporary folder, writing a file, moving an old file
// aside, moving a new file (or the new folder) into place — with the step's
// number (from 0 in each call of write_output_dir) and a short description;
// when it returns true, that step fails with EIO instead of running. The
// rollback's own moves and the final clean-up are not hooked. Not thread-safe.
using WriterFaultHook = bool (*)(int step, const char* what);
void set_writer_fault_hook(WriterFaultHook hook);  // nullptr: no faults
}  // namespace testing
}

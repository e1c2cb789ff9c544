// The Cortex-M7 board files (targets/cortex-m7: startup, board support, linker
// script, build-elf.sh, run-qemu.sh, target.json), compiled into qgen
// (cmake/EmbedFiles.cmake) so that `qgen diff` and `qgen validate` can build
// and run firmware without a source tree.
#pragma once
#include <vector>

#include "target/embedded.h"

namespace qg::driver::board {
using target::EmbeddedFile;
const std::vector<EmbeddedFile>& embedded_files();
}  // namespace qg::driver::board

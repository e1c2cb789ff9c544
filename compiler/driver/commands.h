#pragma once
namespace qg::driver {
// The qgen command line. Returns the process exit status; never calls exit().
int qgen_main(int argc, char** argv);
}

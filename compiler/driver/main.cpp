#include "driver/commands.h"

int main(int argc, char** argv) { return qg::driver::qgen_main(argc, argv); }

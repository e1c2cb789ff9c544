# toolchain.cmake - CMake toolchain file for qgen's Cortex-M7 target
# (arm-none-eabi-gcc, QEMU mps2-an500).
#
#   cmake -S . -B build-m7 -DCMAKE_TOOLCHAIN_FILE=<qgen>/targets/cortex-m7/toolchain.cmake
#   add_executable(prog prog.c ${QG_M7_BOARD_SOURCES})
#   target_include_directories(prog PRIVATE ${QG_M7_DIR})
#   add_test(NAME prog COMMAND prog)   # runs under run-qemu.sh (CMAKE_CROSSCOMPILING_EMULATOR)
#
# Compile flags are target.json's build_flags, in every build type (the
# per-configuration flags add only -g / -DNDEBUG, never another -O level).
# Executables get the .elf suffix and link with mps2_an500.ld, -nostartfiles,
# --gc-sections, newlib's libc/libm and libgcc. See docs/cortex-m7.md.
cmake_minimum_required(VERSION 3.19) # string(JSON)

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(QG_M7_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "qgen Cortex-M7 board files")
set(QG_M7_BOARD_SOURCES "${QG_M7_DIR}/startup.c" "${QG_M7_DIR}/board.c")
set(QG_M7_LINKER_SCRIPT "${QG_M7_DIR}/mps2_an500.ld")

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

file(READ "${QG_M7_DIR}/target.json" _qg_m7_json)
string(JSON QG_M7_BUILD_FLAGS GET "${_qg_m7_json}" build_flags)

foreach(lang C CXX ASM)
  set(CMAKE_${lang}_FLAGS_INIT "${QG_M7_BUILD_FLAGS}")
  # Cache entries: CMake's GNU module would append -O3/-Os/-O0 to the *_INIT ones.
  set(CMAKE_${lang}_FLAGS_DEBUG "-g" CACHE STRING "qgen cortex-m7: no extra -O")
  set(CMAKE_${lang}_FLAGS_RELEASE "-DNDEBUG" CACHE STRING "qgen cortex-m7: no extra -O")
  set(CMAKE_${lang}_FLAGS_RELWITHDEBINFO "-g -DNDEBUG" CACHE STRING "qgen cortex-m7: no extra -O")
  set(CMAKE_${lang}_FLAGS_MINSIZEREL "-DNDEBUG" CACHE STRING "qgen cortex-m7: no extra -O")
endforeach()
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -Wl,--gc-sections -T ${QG_M7_LINKER_SCRIPT}")
set(CMAKE_C_STANDARD_LIBRARIES "-lm")
set(CMAKE_CXX_STANDARD_LIBRARIES "-lm")
set(CMAKE_EXECUTABLE_SUFFIX ".elf")
set(CMAKE_EXECUTABLE_SUFFIX_C ".elf")
set(CMAKE_EXECUTABLE_SUFFIX_CXX ".elf")

set(CMAKE_CROSSCOMPILING_EMULATOR "${QG_M7_DIR}/run-qemu.sh")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

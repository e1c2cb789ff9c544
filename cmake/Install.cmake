# cmake --install: the qgen executable, the Cortex-M7 board files and the CMake
# package (find_package(qgen) -> qgen::qgen, qgen_add_network(); files in
# cmake/package/). The kernel templates, runtime header and target descriptors
# are compiled into the qgen binary (cmake/EmbedFiles.cmake): nothing else is
# needed at run time. CPack: `cpack -G DEB` in the build dir (README).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(QGEN_INSTALL_CMAKE_DIR lib/cmake/qgen)
set(QGEN_INSTALL_M7_DIR ${CMAKE_INSTALL_DATADIR}/qgen/targets/cortex-m7)

install(TARGETS qgen EXPORT qgenTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES targets/cortex-m7/startup.c targets/cortex-m7/board.c targets/cortex-m7/board.h
              targets/cortex-m7/mps2_an500.ld targets/cortex-m7/toolchain.cmake targets/cortex-m7/target.json
        DESTINATION ${QGEN_INSTALL_M7_DIR})
install(PROGRAMS targets/cortex-m7/run-qemu.sh targets/cortex-m7/build-elf.sh DESTINATION ${QGEN_INSTALL_M7_DIR})

install(EXPORT qgenTargets NAMESPACE qgen:: DESTINATION ${QGEN_INSTALL_CMAKE_DIR})
configure_package_config_file(cmake/package/qgenConfig.cmake.in ${PROJECT_BINARY_DIR}/package/qgenConfig.cmake
  INSTALL_DESTINATION ${QGEN_INSTALL_CMAKE_DIR} PATH_VARS QGEN_INSTALL_M7_DIR)
# ARCH_INDEPENDENT: qgen is a host tool, so a 32-bit Cortex-M7 cross build
# (CMAKE_SIZEOF_VOID_P 4) must accept the x86-64 package.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/qgenConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/package/qgenConfig.cmake ${PROJECT_BINARY_DIR}/package/qgenConfigVersion.cmake
              cmake/package/qgenAddNetwork.cmake cmake/package/qgenCompile.cmake
        DESTINATION ${QGEN_INSTALL_CMAKE_DIR})
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- CPack: Debian package qgen_<version>_<arch>.deb ----------------------
# Depends comes from dpkg-shlibdeps on the installed qgen (libHalide14-0,
# libLLVM (through Halide), libonnx1, libprotobuf32, zlib1g, libstdc++6, libc6,
# libgcc-s1 on bookworm); tests/package/deb_test.sh checks it against the
# binary's NEEDED entries.
set(CPACK_PACKAGE_NAME qgen)
set(CPACK_PACKAGE_VENDOR "qgen developers")
set(CPACK_PACKAGE_CONTACT "qgen developers <qgen@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ahead-of-time compiler for quantized neural networks on small devices")
set(CPACK_PACKAGE_DESCRIPTION "qgen compiles a trained network (ONNX, TFLite or net.json) with per-layer
precision choices into dependency-free C (portable, Cortex-M7 DSP, Halide
x86-64 / Cortex-A), bit-exact with its reference interpreter. Includes the
CMake package (find_package(qgen), qgen_add_network()) and the Cortex-M7
board files for QEMU's mps2-an500.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake (>= 3.21), gcc")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm, gcc-aarch64-linux-gnu, qemu-user")
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)

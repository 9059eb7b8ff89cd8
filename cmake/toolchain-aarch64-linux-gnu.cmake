# Cross-building the sensor for aarch64 on Debian: the cross compiler, and the target's libraries from arm64 multiarch packages.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# pkg-config reads the target's .pc files only (libhs, libsodium, hiredis).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
# Programs (pkg-config) from the host; libraries from the target's multiarch folders, headers from
# both (arch-independent ones live in /usr/include).
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# Run the result under qemu (tests, try_run).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
# Under qemu-user here (`qemu-aarch64 -L /usr/aarch64-linux-gnu`), the loader comes from the cross
# toolchain's glibc while the loader's cache points at the arm64 multiarch glibc, a different Debian
# build: mixing the two hangs in pthread_create (observed). The sensor looks in the cross glibc's
# folder first; it does not exist on an aarch64 machine, where the system's glibc is found as usual.
# (A linker flag, not CMAKE_BUILD_RPATH, which CMake ends with an empty entry: the working directory.)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath,/usr/aarch64-linux-gnu/lib")

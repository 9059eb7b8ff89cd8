// Counts every allocation of the test binaries linked with common/alloc_counter.cpp (see tests/CMakeLists.txt).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

// Every global operator new is counted in g_allocations, to check that a hot path does not allocate.
extern std::atomic<uint64_t> g_allocations;

// Linking the evaluation object into a position-independent shared object with lld.
#pragma once

#include <string>

namespace rulec::bundle {

// Links `object` (ELF relocatable, from codegen::emit_object) for `triple` into a shared object
// with no undefined symbols and no build id (the output depends only on the input). Runs the
// ld.lld found at build time (RULEC_LLD). False with the linker's message on failure.
[[nodiscard]] bool link_shared_object(const std::string& object, const std::string& triple, std::string& so,
                                      std::string& error);

}  // namespace rulec::bundle

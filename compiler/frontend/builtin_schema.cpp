// The built-in schema's bytes: the two files of RULEC_BUILTIN_ECS and RULEC_BUILTIN_DEFEND, included by the assembler.
#include "compiler/frontend/builtin_schema.h"

// `.incbin` copies each file into read-only data at build time (CMake makes this object depend on
// both files), between a begin and an end symbol; no generated source, no copy at start-up.
#define RULEC_EMBED(sym, path)                       \
  ".section .rodata\n"                               \
  ".balign 16\n"                                     \
  ".hidden " #sym "_begin\n"                         \
  ".hidden " #sym "_end\n"                           \
  ".global " #sym "_begin\n"                         \
  ".global " #sym "_end\n" #sym "_begin:\n"          \
  ".incbin \"" path "\"\n" #sym "_end:\n"            \
  ".byte 0\n"                                        \
  ".previous\n"

__asm__(RULEC_EMBED(rulec_builtin_ecs, RULEC_BUILTIN_ECS));
__asm__(RULEC_EMBED(rulec_builtin_defend, RULEC_BUILTIN_DEFEND));

extern "C" const char rulec_builtin_ecs_begin[], rulec_builtin_ecs_end[];
extern "C" const char rulec_builtin_defend_begin[], rulec_builtin_defend_end[];

namespace rulec {

namespace {

std::string_view file_name(std::string_view path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

const BuiltinSchemaFile* builtin_schema_files(size_t& count) {
  static const BuiltinSchemaFile files[] = {
      {file_name(RULEC_BUILTIN_ECS),
       std::string_view(rulec_builtin_ecs_begin, static_cast<size_t>(rulec_builtin_ecs_end - rulec_builtin_ecs_begin))},
      {file_name(RULEC_BUILTIN_DEFEND),
       std::string_view(rulec_builtin_defend_begin,
                        static_cast<size_t>(rulec_builtin_defend_end - rulec_builtin_defend_begin))},
  };
  count = sizeof files / sizeof files[0];
  return files;
}

}  // namespace rulec

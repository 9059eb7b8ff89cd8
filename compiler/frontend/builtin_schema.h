// The built-in field schema's files, embedded in the binary at build time (ECS flat, Elastic Defend fields.yml).
#pragma once

#include <string_view>

namespace rulec {

struct BuiltinSchemaFile {
  std::string_view name;  // the file name it was built from ("ecs_flat-9.5.0.json.gz")
  std::string_view bytes;  // its content as it was (gzip-compressed for .gz)
};

// The ECS flat schema first, then Elastic Defend's process fields (later definitions override).
const BuiltinSchemaFile* builtin_schema_files(size_t& count);

}  // namespace rulec

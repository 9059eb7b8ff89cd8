// The raw-parse baseline: simdjson On-Demand visiting every token of a document, building nothing.
#pragma once

#include <cstddef>
#include <string_view>

#include <simdjson.h>


namespace rulec::rt {

// Parses `json` (followed in memory by at least Decoder::kPadding readable bytes) and visits every
// key and value token: the ceiling any decoder of the whole document can reach. Returns the number
// of values visited (0 when the document is not a valid JSON object).
size_t raw_walk(simdjson::ondemand::parser& parser, std::string_view json);

}  // namespace rulec::rt

// The Go-style duration parser (timeouts, token TTLs): any text either fails with an error or
// gives a duration that formats to text which parses back to the same duration.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = kadm::parse_duration(text);
  if (!parsed) return 0;
  const std::string formatted = kadm::format_duration(*parsed);
  auto again = kadm::parse_duration(formatted);
  if (!again || *again != *parsed) std::abort();
  (void)kadm::short_human_duration(*parsed);
  return 0;
}

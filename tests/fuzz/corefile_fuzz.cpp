// The Corefile parser (the coredns ConfigMap's text, which anyone who may edit kube-system
// writes): any text either fails with an error or gives a Corefile that prints to text which
// parses back to the very same Corefile; the migration walk over it never crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "clusterobjects/corefile.h"
#include "clusterobjects/corefile_migration.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kadm::clusterobjects;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_corefile(text);
  if (!parsed) return 0;
  auto again = parse_corefile(print_corefile(*parsed));
  if (!again || !(*again == *parsed)) std::abort();
  (void)corefile_changes("1.7.0", "1.14.6", *parsed);
  (void)corefile_unsupported("1.7.0", "1.14.6", *parsed);
  auto migrated = migrate_corefile("1.7.0", "1.14.6", *parsed);
  if (migrated && !parse_corefile(print_corefile(*migrated))) std::abort();
  return 0;
}

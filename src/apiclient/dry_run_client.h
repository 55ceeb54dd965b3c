#pragma once
// The API client of a --dry-run: never contacts a cluster.

#include <functional>

#include "apiclient/client.h"

namespace kadm::apiclient {

// Answers writes with the object sent (plus a placeholder uid) after printing
// "[dryrun] Would create/update <kind> <ns>/<name>" — never the data — and reads with NotFound,
// except Nodes, which a dry run pretends exist so mark-control-plane can show its patch.
class DryRunClient final : public Client {
 public:
  // Says what a write would do, in a command's own words (never the data).
  using Narrator = std::function<void(const Request&)>;

  DryRunClient() = default;
  explicit DryRunClient(Narrator narrate) : m_narrate(std::move(narrate)) {}

  ApiResult<json> send(const Request& request) override;

 private:
  Narrator m_narrate;
};

}  // namespace kadm::apiclient

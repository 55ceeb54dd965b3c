// The ResetConfiguration table (schema.h).
#include "config/schema.h"

namespace kadm::config::schema {

const Rows<ResetConfiguration>& reset() {
  using R = ResetConfiguration;
  static const Rows<R> rows = {
      field("cleanupTmpDir", &R::cleanup_tmp_dir),
      field("certificatesDir", &R::certificates_dir),
      field("criSocket", &R::cri_socket),
      field("dryRun", &R::dry_run),
      field("force", &R::force),
      field("ignorePreflightErrors", &R::ignore_preflight_errors),
      field("skipPhases", &R::skip_phases),
      field("unmountFlags", &R::unmount_flags),
      object("timeouts", &R::timeouts, &timeouts, Print::Always, since(ApiVersion::V1Beta4)),
  };
  return rows;
}

}  // namespace kadm::config::schema

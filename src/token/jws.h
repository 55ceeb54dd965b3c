#pragma once
// Detached JWS (RFC 7515 Appendix F) over the cluster-info kubeconfig, as the bootstrap signer
// writes into `jws-kubeconfig-<token-id>` (spec §5.2).

#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::token {

// The cluster-info data key of a token's signature is this prefix + the token id.
inline constexpr std::string_view kSignatureKeyPrefix = "jws-kubeconfig-";

// "<base64url header>..<base64url HMAC-SHA256>", header {"alg":"HS256","kid":"<token_id>"}.
Result<std::string> detached_signature(std::string_view content, std::string_view token_id,
                                       std::string_view token_secret);

// Recomputes the signature and compares the whole string in constant time.
bool detached_signature_is_valid(std::string_view signature, std::string_view content,
                                 std::string_view token_id, std::string_view token_secret);

}  // namespace kadm::token

#include "apiclient/client.h"

namespace kadm::apiclient {

namespace {

constexpr int kUpdateConflictAttempts = 5;

ErrorKind kind_for_status(int status) {
  switch (status) {
    case 404:
      return ErrorKind::NotFound;
    case 409:
      return ErrorKind::Conflict;
    case 408:
    case 504:
      return ErrorKind::Timeout;
    default:
      return ErrorKind::Api;
  }
}

std::string object_name(const json& object) {
  if (!object.is_object()) return {};
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return {};
  auto name = md->find("name");
  return name != md->end() && name->is_string() ? name->get<std::string>() : std::string();
}

}  // namespace

std::string_view patch_content_type(PatchType type) {
  switch (type) {
    case PatchType::Merge:
      return "application/merge-patch+json";
    case PatchType::StrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::Json:
      return "application/json-patch+json";
  }
  return "application/merge-patch+json";
}

ApiError error_from_response(std::string_view method, std::string_view path, int http_status,
                             std::string_view body) {
  std::string reason, message;
  // Only the Status object's fields are used: other bodies might echo request content.
  json status = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (status.is_object() && status.value("kind", "") == "Status") {
    if (auto it = status.find("reason"); it != status.end() && it->is_string()) reason = *it;
    if (auto it = status.find("message"); it != status.end() && it->is_string()) message = *it;
  }
  std::string text = message.empty() ? "the server answered HTTP " + std::to_string(http_status)
                                     : message + " (HTTP " + std::to_string(http_status) + ")";
  ApiError err(kind_for_status(http_status), text, http_status, reason);
  err.with_context(std::string(method) + " " + std::string(path));
  return err;
}

bool ApiError::is_transient() const {
  if (m_http_status == 0) {
    return m_reason.empty() && (kind() == ErrorKind::Api || kind() == ErrorKind::Timeout);
  }
  return m_http_status == 429 || m_http_status >= 500 || m_http_status == 408;
}

ApiResult<bool> Client::watch(const Request& request, const WatchHandler&) {
  return std::unexpected(ApiError(
      ErrorKind::Api, "this client cannot watch (" + request.method + " " + request.path + ")", 0,
      std::string(kWatchNotSupported)));
}

bool is_idempotent(const Request& request) {
  return request.idempotent.value_or(request.method == "GET" || request.method == "HEAD");
}

ApiResult<json> Client::get(std::string_view path) {
  return send(Request{"GET", std::string(path), std::nullopt, "application/json", std::nullopt});
}

ApiResult<json> Client::create(std::string_view collection_path, const json& object) {
  return send(
      Request{"POST", std::string(collection_path), object, "application/json", std::nullopt});
}

ApiResult<json> Client::update(std::string_view object_path, const json& object) {
  return send(Request{"PUT", std::string(object_path), object, "application/json", std::nullopt});
}

ApiResult<json> Client::patch(std::string_view object_path, const json& patch_body,
                              PatchType type) {
  return send(Request{"PATCH", std::string(object_path), patch_body,
                      std::string(patch_content_type(type)), std::nullopt});
}

ApiResult<json> Client::remove(std::string_view object_path) {
  return send(
      Request{"DELETE", std::string(object_path), std::nullopt, "application/json", std::nullopt});
}

ApiResult<json> Client::create_or_update(std::string_view collection_path, const json& object) {
  auto created = create(collection_path, object);
  if (created) return created;
  // Some creates are refused before the name is looked at: a second POST of a Service with a
  // fixed clusterIP gets 422 "IP already allocated", not AlreadyExists. For those the object
  // existing is what decides between "update it" and "this object is invalid".
  const bool already_exists = created.error().is_already_exists();
  if (!already_exists && created.error().http_status() != 422) return created;

  std::string name = object_name(object);
  if (name.empty()) {
    if (!already_exists) return created;
    return std::unexpected(
        ApiError(Error(ErrorKind::Validation, "cannot update an object without metadata.name")));
  }
  std::string object_path = std::string(collection_path) + "/" + name;
  for (int attempt = 1;; ++attempt) {
    auto current = get(object_path);
    if (!current) return already_exists ? current : created;
    json desired = object;
    if (current->is_object() && current->contains("metadata") &&
        (*current)["metadata"].contains("resourceVersion")) {
      desired["metadata"]["resourceVersion"] = (*current)["metadata"]["resourceVersion"];
    }
    auto updated = update(object_path, desired);
    if (updated || !updated.error().is_conflict() || attempt >= kUpdateConflictAttempts) {
      return updated;
    }
  }
}

}  // namespace kadm::apiclient

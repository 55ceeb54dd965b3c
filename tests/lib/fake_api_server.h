#pragma once
// An in-memory API server behind the Client seam, for unit tests: objects by path,
// resourceVersion preconditions (409 Conflict), JSON merge patches, names from generateName.
// `before_write` runs before each PUT or PATCH is applied, so a test can play a concurrent writer
// or refuse the write.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apiclient/client.h"

namespace kadm::test {

class FakeApiServer final : public apiclient::Client {
 public:
  using json = apiclient::json;

  // Stores `object` at `path` as the server would (a fresh resourceVersion).
  void put(const std::string& path, json object) { store(path, std::move(object)); }
  const json& at(const std::string& path) const { return objects.at(path); }

  apiclient::ApiResult<json> send(const apiclient::Request& r) override {
    requests.push_back(r);
    if (r.method == "GET") {
      auto it = objects.find(r.path);
      if (it == objects.end()) return refuse(r, 404, "NotFound");
      return it->second;
    }
    if (r.method == "POST") {
      json object = *r.body;
      std::string name = object.value("/metadata/name"_json_pointer, "");
      std::string generate = object.value("/metadata/generateName"_json_pointer, "");
      if (name.empty() && !generate.empty()) {
        name = generate + "g" + std::to_string(++m_generated);
        object["metadata"]["name"] = name;
      }
      std::string path = r.path + "/" + name;
      if (objects.contains(path)) return refuse(r, 409, "AlreadyExists");
      return store(path, std::move(object));
    }
    if (r.method == "PUT" || r.method == "PATCH") {
      auto it = objects.find(r.path);
      if (it == objects.end()) return refuse(r, 404, "NotFound");
      if (before_write) {
        if (auto status = before_write(r)) return refuse(r, *status, "Refused");
      }
      std::string wanted = r.body->value("/metadata/resourceVersion"_json_pointer, "");
      if (!wanted.empty() && wanted != resource_version(it->second)) {
        return refuse(r, 409, "Conflict");
      }
      json next = it->second;
      if (r.method == "PUT") {
        next = *r.body;
      } else {
        next.merge_patch(*r.body);
      }
      return store(r.path, std::move(next));
    }
    if (r.method == "DELETE") {
      if (objects.erase(r.path) == 0) return refuse(r, 404, "NotFound");
      return json::object();
    }
    return refuse(r, 405, "MethodNotAllowed");
  }

  // Called before a PUT or PATCH is applied; a status code refuses it with that code.
  std::function<std::optional<int>(const apiclient::Request&)> before_write;
  std::map<std::string, json> objects;
  std::vector<apiclient::Request> requests;

 private:
  static std::string resource_version(const json& o) {
    return o.value("/metadata/resourceVersion"_json_pointer, "");
  }
  json store(const std::string& path, json object) {
    object["metadata"]["resourceVersion"] = std::to_string(++m_version);
    objects[path] = object;
    return object;
  }
  static std::unexpected<apiclient::ApiError> refuse(const apiclient::Request& r, int status,
                                                     const std::string& reason) {
    json body = {{"kind", "Status"}, {"reason", reason}, {"message", reason}};
    return std::unexpected(apiclient::error_from_response(r.method, r.path, status, body.dump()));
  }
  int m_version = 0;
  int m_generated = 0;  // names made from metadata.generateName
};

}  // namespace kadm::test

#include "patches/strategic_merge.h"

#include <algorithm>
#include <span>
#include <string_view>

namespace kadm::patches {

namespace {

using json = nlohmann::json;

// ---- The merge keys: the part of the Kubernetes types' patch metadata kubeadm's objects use.

struct Type;

struct Field {
  std::string_view name;
  const Type* type = nullptr;  // of the value (a map) or of each element (a list of maps)
  std::string_view merge_key;  // a list of maps merged element by element on this key
  bool merge_scalars = false;  // a list of scalars merged as a set
};

struct Type {
  std::span<const Field> fields;
};

constexpr Field kContainerFields[] = {
    {"env", nullptr, "name"},
    {"ports", nullptr, "containerPort"},
    {"volumeMounts", nullptr, "mountPath"},
    {"volumeDevices", nullptr, "devicePath"},
};
constexpr Type kContainer{kContainerFields};

constexpr Field kPodSpecFields[] = {
    {"containers", &kContainer, "name"},
    {"initContainers", &kContainer, "name"},
    {"ephemeralContainers", &kContainer, "name"},
    {"volumes", nullptr, "name"},
    {"imagePullSecrets", nullptr, "name"},
    {"hostAliases", nullptr, "ip"},
    {"topologySpreadConstraints", nullptr, "topologyKey"},
    {"resourceClaims", nullptr, "name"},
    {"schedulingGates", nullptr, "name"},
};
constexpr Type kPodSpec{kPodSpecFields};

constexpr Field kObjectMetaFields[] = {
    {"finalizers", nullptr, "", true},
    {"ownerReferences", nullptr, "uid"},
};
constexpr Type kObjectMeta{kObjectMetaFields};

// A Pod and a Deployment's or DaemonSet's pod template have the same shape.
constexpr Field kPodFields[] = {{"metadata", &kObjectMeta, "", false},
                                {"spec", &kPodSpec, "", false}};
constexpr Type kPod{kPodFields};

constexpr Field kWorkloadSpecFields[] = {{"template", &kPod, "", false}};
constexpr Type kWorkloadSpec{kWorkloadSpecFields};
constexpr Field kWorkloadFields[] = {{"metadata", &kObjectMeta, "", false},
                                     {"spec", &kWorkloadSpec, "", false}};
constexpr Type kWorkload{kWorkloadFields};

const Type* root_type(ObjectSchema schema) {
  switch (schema) {
    case ObjectSchema::Pod:
      return &kPod;
    case ObjectSchema::Deployment:
    case ObjectSchema::DaemonSet:
      return &kWorkload;
    case ObjectSchema::Untyped:
      break;
  }
  return nullptr;
}

const Field* field_of(const Type* type, std::string_view name) {
  if (type == nullptr) return nullptr;
  for (const auto& f : type->fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// ---- Directives.

constexpr std::string_view kPatch = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";

std::unexpected<Error> bad(const std::string& where, const std::string& what) {
  return fail(ErrorKind::Validation,
              (where.empty() ? std::string("the patch") : where) + ": " + what);
}

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// JSON value classes as Go's decoder sees them (every number is one type).
enum class Kind { Null, Object, Array, String, Number, Bool };
Kind kind_of(const json& v) {
  if (v.is_object()) return Kind::Object;
  if (v.is_array()) return Kind::Array;
  if (v.is_string()) return Kind::String;
  if (v.is_number()) return Kind::Number;
  if (v.is_boolean()) return Kind::Bool;
  return Kind::Null;
}

// A patch value taken as a whole (no original to merge into): nulls and directives dropped,
// as decoding the result into its API type would.
json cleaned(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    for (const auto& [k, item] : v.items()) {
      if (item.is_null() || (!k.empty() && k.front() == '$')) continue;
      out[k] = cleaned(item);
    }
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& item : v) {
      if (item.is_object() && item.value(kPatch, "") == "delete") continue;
      out.push_back(cleaned(item));
    }
    return out;
  }
  return v;
}

Result<json> merge_map(json original, const json& patch, const Type* type, const std::string& path);

// The position of `item` in `order`, matched on the merge key (or the whole value for scalars).
long index_in(const json& order, const json& item, std::string_view key) {
  for (size_t i = 0; i < order.size(); ++i) {
    if (key.empty() ? order[i] == item
                    : (order[i].is_object() && item.is_object() && order[i].contains(key) &&
                       item.contains(key) && order[i][key] == item[key])) {
      return static_cast<long>(i);
    }
  }
  return -1;
}

// Kubernetes' element order after a merge: the patch's elements in the patch's order, each
// element that only the original has placed before the first patch element that came after it
// in the original.
json ordered(const json& merged, const json& patch, const json& original, std::string_view key) {
  json from_patch = json::array();
  json original_only = json::array();
  for (const auto& item : merged) {
    (index_in(patch, item, key) >= 0 ? from_patch : original_only).push_back(item);
  }
  std::vector<json> sorted(from_patch.begin(), from_patch.end());
  std::stable_sort(sorted.begin(), sorted.end(), [&](const json& a, const json& b) {
    return index_in(patch, a, key) < index_in(patch, b, key);
  });
  json out = json::array();
  size_t i = 0;
  size_t j = 0;
  while (i < original_only.size() || j < sorted.size()) {
    if (j >= sorted.size()) {
      out.push_back(original_only[i++]);
    } else if (i >= original_only.size()) {
      out.push_back(sorted[j++]);
    } else {
      long li = index_in(original, original_only[i], key);
      long ri = index_in(original, sorted[j], key);
      if (li >= 0 && ri >= 0 && li < ri) {
        out.push_back(original_only[i++]);
      } else {
        out.push_back(sorted[j++]);
      }
    }
  }
  return out;
}

Result<json> merge_scalar_list(const json& original, const json& patch) {
  json merged = original;
  for (const auto& item : patch) {
    if (index_in(merged, item, "") < 0) merged.push_back(item);
  }
  return ordered(merged, patch, original, "");
}

Result<json> merge_keyed_list(const json& original, const json& patch, const Field& field,
                              const std::string& path) {
  const std::string key(field.merge_key);
  json base = original;
  json plain = json::array();
  bool replace = false;
  for (const auto& item : patch) {
    if (!item.is_object()) {
      return bad(path, "every element must be a mapping with the merge key \"" + key + "\"");
    }
    if (!item.contains(kPatch)) {
      if (!item.contains(key)) {
        return bad(path, "an element has no merge key \"" + key + "\": " + item.dump());
      }
      plain.push_back(item);
      continue;
    }
    const json& directive = item[kPatch];
    if (directive == "delete") {
      if (!item.contains(key)) {
        return bad(path, "a \"$patch: delete\" element must name its \"" + key + "\"");
      }
      json kept = json::array();
      for (const auto& b : base) {
        if (!(b.is_object() && b.contains(key) && b[key] == item[key])) kept.push_back(b);
      }
      base = std::move(kept);
    } else if (directive == "replace") {
      replace = true;
    } else {
      return bad(path,
                 "unsupported \"$patch: " +
                     (directive.is_string() ? directive.get<std::string>() : directive.dump()) +
                     "\" in a list element (use delete or replace)");
    }
  }
  if (replace) return cleaned(plain);

  json merged = base;
  for (const auto& item : plain) {
    long at = -1;
    for (size_t i = 0; i < merged.size(); ++i) {
      if (!merged[i].is_object() || !merged[i].contains(key)) {
        return bad(path, "an element of the target has no merge key \"" + key + "\"");
      }
      if (merged[i][key] == item[key]) {
        at = static_cast<long>(i);
        break;
      }
    }
    const std::string where = path + "[" + key + "=" + item[key].dump() + "]";
    if (at >= 0) {
      merged[at] = KADM_TRY(merge_map(merged[at], item, field.type, where));
    } else {
      merged.push_back(cleaned(item));
    }
  }
  return ordered(merged, plain, base, key);
}

Result<json> merge_map(json original, const json& patch, const Type* type,
                       const std::string& path) {
  if (patch.contains(kPatch)) {
    const json& directive = patch[kPatch];
    if (directive == "replace") return cleaned(patch);
    if (directive == "delete") return json::object();
    return bad(path, "unsupported \"$patch: " +
                         (directive.is_string() ? directive.get<std::string>() : directive.dump()) +
                         "\" in a mapping (use replace or delete)");
  }
  if (!original.is_object()) original = json::object();

  if (patch.contains(kRetainKeys)) {
    const json& keep = patch[kRetainKeys];
    if (!keep.is_array()) return bad(path, "$retainKeys must be a list of field names");
    for (const auto& [k, v] : patch.items()) {
      if (!k.empty() && k.front() == '$') continue;
      if (std::find(keep.begin(), keep.end(), json(k)) == keep.end()) {
        return bad(path, "$retainKeys does not list \"" + k + "\", which the patch sets");
      }
    }
    json kept = json::object();
    for (const auto& [k, v] : original.items()) {
      if (std::find(keep.begin(), keep.end(), json(k)) != keep.end()) kept[k] = v;
    }
    original = std::move(kept);
  }

  for (const auto& [k, value] : patch.items()) {
    const std::string where = child(path, k);
    if (k == kRetainKeys) continue;
    if (k.starts_with(kSetElementOrder)) {
      return bad(where,
                 "the $setElementOrder directive is not supported; list the elements "
                 "in the order you want them instead");
    }
    if (k.starts_with(kDeleteFromPrimitiveList)) {
      const std::string list = k.substr(kDeleteFromPrimitiveList.size());
      if (!value.is_array()) return bad(where, "must be a list of the values to delete");
      if (original.contains(list) && original[list].is_array()) {
        json kept = json::array();
        for (const auto& item : original[list]) {
          if (std::find(value.begin(), value.end(), item) == value.end()) kept.push_back(item);
        }
        original[list] = std::move(kept);
      }
      continue;
    }
    if (!k.empty() && k.front() == '$') return bad(where, "unknown directive \"" + k + "\"");
    if (value.is_null()) {
      original.erase(k);
      continue;
    }
    if (!original.contains(k)) {
      original[k] = cleaned(value);
      continue;
    }
    json& current = original[k];
    if (kind_of(current) != kind_of(value)) {
      current = cleaned(value);
      continue;
    }
    const Field* field = field_of(type, k);
    if (value.is_object()) {
      current = KADM_TRY(merge_map(current, value, field ? field->type : nullptr, where));
    } else if (value.is_array() && field && !field->merge_key.empty()) {
      current = KADM_TRY(merge_keyed_list(current, value, *field, where));
    } else if (value.is_array() && field && field->merge_scalars) {
      current = KADM_TRY(merge_scalar_list(current, value));
    } else {
      current = cleaned(value);
    }
  }
  return original;
}

}  // namespace

Result<json> strategic_merge(const json& original, const json& patch, ObjectSchema schema) {
  if (!patch.is_object()) {
    return fail(ErrorKind::Validation,
                "a strategic merge patch must be a mapping of the fields to change, not " +
                    std::string(patch.type_name()));
  }
  return merge_map(original, patch, root_type(schema), "");
}

}  // namespace kadm::patches

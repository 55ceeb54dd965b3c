#include "patches/patches.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <system_error>

#include "common/fs.h"
#include "common/strings.h"
#include "common/yaml_json.h"

namespace kadm::patches {

namespace {

using json = nlohmann::json;
namespace stdfs = std::filesystem;

// kubeadm v1.37 added kubeproxydaemonset; corednsdeployment came with v1.31.
constexpr Target kTargets[] = {
    {kEtcd, ObjectSchema::Pod},
    {kKubeApiserver, ObjectSchema::Pod},
    {kKubeControllerManager, ObjectSchema::Pod},
    {kKubeScheduler, ObjectSchema::Pod},
    {kKubeletConfiguration, ObjectSchema::Untyped},
    {kCoreDnsDeployment, ObjectSchema::Deployment},
    {kKubeProxyDaemonSet, ObjectSchema::DaemonSet},
};

struct TypeName {
  std::string_view name;  // after '+' in a file name
  PatchType type;
};
// In the order kubeadm tries them after a '+'.
constexpr TypeName kTypeNames[] = {{"json", PatchType::Json},
                                   {"merge", PatchType::Merge},
                                   {"strategic", PatchType::StrategicMerge}};

constexpr std::array<std::string_view, 2> kExtensions = {".json", ".yaml"};

// Go's %v of a []string: [a b c].
std::string go_list(const std::vector<std::string>& items) {
  return "[" + str::join(items, " ") + "]";
}

std::string target_list() {
  std::vector<std::string> names;
  for (const auto& t : kTargets) names.emplace_back(t.name);
  return go_list(names);
}

const Target* find_target(std::string_view name) {
  for (const auto& t : kTargets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string quoted(const stdfs::path& p) { return "\"" + p.string() + "\""; }

std::unexpected<Error> file_error(const stdfs::path& file, const std::string& what) {
  return fail(ErrorKind::Validation, "patch file " + quoted(file) + ": " + what);
}

// Why a document cannot be a patch of `type`; empty when it can.
std::string shape_problem(const json& doc, PatchType type) {
  if (type != PatchType::Json) {
    if (doc.is_object()) return "";
    return std::string(type == PatchType::Merge ? "a merge" : "a strategic merge") +
           " patch must be a mapping of the fields to change, not " + doc.type_name();
  }
  static constexpr std::string_view kOps[] = {"add", "remove", "replace", "move", "copy", "test"};
  const std::string example =
      " (RFC 6902), e.g. [{\"op\": \"add\", \"path\": \"/spec/containers/0/command/-\", "
      "\"value\": \"--v=2\"}]";
  if (!doc.is_array()) return std::string("a json patch must be a list of operations") + example;
  for (const auto& op : doc) {
    if (!op.is_object() || !op.contains("op") || !op["op"].is_string() || !op.contains("path") ||
        !op["path"].is_string()) {
      return "every operation of a json patch needs a string \"op\" and \"path\"" + example;
    }
    const auto name = op["op"].get<std::string>();
    if (std::find(std::begin(kOps), std::end(kOps), name) == std::end(kOps)) {
      return "unknown json patch operation \"" + name +
             "\" (use add, remove, replace, move, copy or test)";
    }
  }
  return "";
}

Result<PatchFile> read_patch_file(const stdfs::path& path, const ParsedName& name,
                                  const std::string& text) {
  PatchFile file{path, name.target, name.type, {}};
  std::vector<YAML::Node> docs;
  try {
    docs = yaml_load_all(text);
  } catch (const YAML::Exception& e) {
    return file_error(path, std::string("not valid YAML or JSON: ") + e.what());
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    // A document of only comments or whitespace is no patch.
    if (!docs[i].IsDefined() || docs[i].IsNull()) continue;
    json doc = yaml_to_json(docs[i]);
    if (auto problem = shape_problem(doc, name.type); !problem.empty()) {
      return file_error(
          path, (docs.size() > 1 ? "document " + std::to_string(i + 1) + ": " : "") + problem);
    }
    file.documents.push_back(std::move(doc));
  }
  return file;
}

struct Walk {
  std::vector<PatchFile> files;
  std::vector<std::string> found;
  std::vector<std::string> ignored;
};

Status walk(const stdfs::path& dir, Walk& w) {
  std::error_code ec;
  std::vector<stdfs::directory_entry> entries;
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) {
    return fail(ErrorKind::Io,
                "could not list patch files for path " + quoted(dir) + ": " + ec.message());
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.path().filename().string() < b.path().filename().string();
  });
  for (const auto& entry : entries) {
    const stdfs::path& path = entry.path();
    const std::string base = path.filename().string();
    if (entry.is_directory(ec) && !entry.is_symlink(ec)) {
      KADM_TRY(walk(path, w));
      continue;
    }
    auto name = parse_file_name(base);
    if (!name) return fail_with(name, "patch file " + quoted(path));
    if (name->target.empty()) {
      spdlog::warn("[patches] Ignoring file \"{}\": {}", base, name->ignore_reason);
      w.ignored.push_back(base);
      continue;
    }
    auto text = fs::read_file(path);
    if (!text) return fail_with(text, "could not read the patch file " + quoted(path));
    if (text->empty()) {
      spdlog::info("[patches] Ignoring empty file: \"{}\"", base);
      w.ignored.push_back(base);
      continue;
    }
    w.files.push_back(KADM_TRY(read_patch_file(path, *name, *text)));
    w.found.push_back(base);
  }
  return {};
}

// nlohmann's messages start with "[json.exception.<kind>.<id>] "; the rest is the reason.
std::string reason_of(const json::exception& e) {
  std::string_view what = e.what();
  if (auto close = what.find("] "); what.starts_with("[json.exception") && close != what.npos) {
    what.remove_prefix(close + 2);
  }
  if (e.id == 501 && what.starts_with("unsuccessful: ")) {  // a "test" operation that failed
    what.remove_prefix(std::string_view("unsuccessful: ").size());
    return "the test operation " + std::string(what) + " failed";
  }
  return std::string(what);
}

Result<json> apply_one(const json& doc, const json& patch, PatchType type, ObjectSchema schema) {
  switch (type) {
    case PatchType::StrategicMerge:
      return strategic_merge(doc, patch, schema);
    case PatchType::Merge: {
      json out = doc;
      out.merge_patch(patch);
      return out;
    }
    case PatchType::Json:
      try {
        return doc.patch(patch);
      } catch (const json::exception& e) {
        return fail(ErrorKind::Validation, reason_of(e));
      }
  }
  return fail("unknown patch type");
}

}  // namespace

std::span<const Target> known_targets() { return kTargets; }

Result<ParsedName> parse_file_name(std::string_view file_name) {
  ParsedName out;
  const bool known_extension = std::any_of(kExtensions.begin(), kExtensions.end(), [&](auto ext) {
    return file_name.size() > ext.size() && file_name.ends_with(ext);
  });
  if (!known_extension) {
    out.ignore_reason = "the file extension must be one of [json yaml]";
    return out;
  }
  const Target* target = nullptr;
  for (const auto& t : kTargets) {
    if (file_name.starts_with(t.name)) {
      target = &t;
      break;
    }
  }
  if (target == nullptr) {
    out.ignore_reason = "unknown target, must be one of " + target_list();
    return out;
  }
  std::string_view rest = file_name.substr(target->name.size());
  rest.remove_prefix(std::min(rest.find_first_of(".+\n"), rest.size()));  // the suffix
  if (rest.starts_with('+')) {
    rest.remove_prefix(1);
    const TypeName* type = nullptr;
    for (const auto& t : kTypeNames) {
      if (rest.starts_with(t.name)) {
        type = &t;
        break;
      }
    }
    if (type == nullptr) {
      return fail(ErrorKind::Validation,
                  "unknown or missing patch type after '+', must be one of [json merge "
                  "strategic]");
    }
    out.type = type->type;
  }
  out.target = std::string(target->name);
  return out;
}

bool PatchSet::has(std::string_view target) const {
  return std::any_of(m_files.begin(), m_files.end(),
                     [&](const PatchFile& f) { return f.target == target; });
}

Result<json> PatchSet::apply(std::string_view target, json document, bool quiet) const {
  const Target* t = find_target(target);
  if (t == nullptr) {
    return fail("unknown patch target \"" + std::string(target) + "\", must be one of " +
                target_list());
  }
  for (const auto& file : m_files) {
    if (file.target != target) continue;
    for (size_t i = 0; i < file.documents.size(); ++i) {
      auto patched = apply_one(document, file.documents[i], file.type, t->schema);
      if (!patched) {
        std::string which = file.documents.size() > 1
                                ? " (document " + std::to_string(i + 1) + " of " +
                                      std::to_string(file.documents.size()) + ")"
                                : "";
        return fail_with(patched, "could not apply the patch of type \"" +
                                      std::string(apiclient::patch_content_type(file.type)) +
                                      "\" in " + quoted(file.path) + which + " to target \"" +
                                      std::string(target) + "\"");
      }
      if (!patched->is_object()) {
        return fail(ErrorKind::Validation, "the patch in " + quoted(file.path) +
                                               " turned target \"" + std::string(target) +
                                               "\" into " + patched->type_name() +
                                               "; a patch must leave an object");
      }
      document = std::move(*patched);
      if (!quiet) {
        spdlog::info("[patches] Applied patch of type \"{}\" to target \"{}\"",
                     apiclient::patch_content_type(file.type), target);
      }
    }
  }
  return document;
}

Result<PatchSet> load(const stdfs::path& dir) {
  spdlog::info("[patches] Reading patches from path \"{}\"", dir.string());
  std::error_code ec;
  auto status = stdfs::status(dir, ec);
  if (ec || !stdfs::is_directory(status)) {
    const std::string why = ec ? ec.message() : "not a directory";
    return fail(ErrorKind::Validation, "could not list patch files for path " + quoted(dir) + ": " +
                                           why +
                                           "; --patches (patches.directory) must name a "
                                           "directory of patch files");
  }
  Walk w;
  KADM_TRY(walk(dir, w));
  if (!w.found.empty()) {
    spdlog::info("[patches] Found the following patch files: {}", go_list(w.found));
  }
  if (!w.ignored.empty()) {
    spdlog::info("[patches] Ignored the following files: {}", go_list(w.ignored));
  }
  return PatchSet(std::move(w.files));
}

Result<std::optional<PatchSet>> load_if_given(const std::string& dir) {
  if (dir.empty()) return std::optional<PatchSet>{};
  return std::optional<PatchSet>{KADM_TRY(load(dir))};
}

}  // namespace kadm::patches

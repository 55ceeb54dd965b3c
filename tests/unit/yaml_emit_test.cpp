// kadm's one YAML emitter (common/yaml_emit.cpp, on libyaml): what it writes reads back, with
// yaml-cpp the way kadm reads YAML (common/yaml_json.cpp), as the same value.
#include "common/yaml_emit.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "common/yaml_json.h"

namespace kadm {
namespace {

using nlohmann::json;

json read_back(const std::string& yaml) { return yaml_to_json(YAML::Load(yaml)); }

std::vector<std::string> nasty_strings() {
  std::vector<std::string> s = {
      "line one\nline two",
      "trailing newline\n",
      "\n",
      "\n\nblank lines\n\n",
      " leading space",
      "trailing space ",
      " ",
      "  both  ",
      "yes",
      "no",
      "on",
      "off",
      "y",
      "N",
      "null",
      "Null",
      "~",
      "true",
      "False",
      "10",
      "-7",
      "0x1f",
      "0o17",
      "1e5",
      "1.5",
      ".inf",
      "1:30",
      "+1",
      "<<",
      "a: b",
      "a:b",
      "a #b",
      "#comment",
      "key:",
      "- item",
      "-",
      "?",
      ":",
      "*alias",
      "&anchor",
      "!tag",
      "|",
      ">",
      "'single'",
      "\"double\"",
      "it's",
      "back\\slash",
      "[x]",
      "{y}",
      ",",
      "%percent",
      "@at",
      "`tick",
      "---",
      "...",
      "--- x",
      "caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac",
      "emoji \xf0\x9f\x98\x80",
      "",
      "tab\there",
      "nel\xc2\x85"
      "x",
      "nbsp\xc2\xa0x",
      "ls\xe2\x80\xa8ps\xe2\x80\xa9",
      "\xef\xbb\xbf"
      "bom",
      std::string("nul\0x", 5),
      "del\x7f",
      "unix:///run/containerd/containerd.sock",
      "--tls-cipher-suites=TLS_A,TLS_B",
      "/health?exclude=etcd&x=1",
      "[fd00::1]:6443",
      std::string(300, 'x'),
      std::string(200, 'k') + ": v",
      "word " + std::string(200, 'w'),
  };
  return s;
}

// Found by fuzz.config: a kubelet config key with a stray byte (yaml-cpp reads it) made libyaml
// refuse the scalar. Bytes that are not UTF-8 become U+FFFD, as go's strings.ToValidUTF8.
TEST(YamlEmit, InvalidUtf8BecomesReplacementCharacters) {
  json j = json::object();
  j[std::string("bai\x94SwapOn")] = std::string("a\xff\xc3");
  const std::string out = yaml::emit(j);
  auto node = YAML::Load(out);
  EXPECT_EQ(node["bai\xEF\xBF\xBDSwapOn"].as<std::string>(), "a\xEF\xBF\xBD\xEF\xBF\xBD") << out;
  json valid = json::object();
  valid["k"] = "caf\xC3\xA9 \xF0\x9F\x9A\x80";
  EXPECT_EQ(YAML::Load(yaml::emit(valid))["k"].as<std::string>(), "caf\xC3\xA9 \xF0\x9F\x9A\x80");
}

TEST(YamlEmit, NastyStringsRoundTripAsValuesKeysAndItems) {
  for (const auto& s : nasty_strings()) {
    const json value = {{"value", s}, {"map", {{s, s}}}, {"list", {s, json::array({s})}}};
    const std::string yaml = yaml::emit(value);
    EXPECT_EQ(read_back(yaml), value) << yaml;
  }
}

TEST(YamlEmit, ScalarsReadBackAsTheSameTypes) {
  const json value = {
      {"int", 6443},
      {"negative", -1},
      {"big", 18446744073709551615u},
      {"float", 1.5},
      {"large", 1e100},
      {"t", true},
      {"f", false},
      {"nil", nullptr},
      {"emptyMap", json::object()},
      {"emptyList", json::array()},
      {"nested", {{"a", {{"b", {1, "2", nullptr}}}}}},
      {"listOfMaps", {{{"name", "x"}, {"value", "10"}}, {{"name", "y"}}}},
  };
  EXPECT_EQ(read_back(yaml::emit(value)), value) << yaml::emit(value);
}

TEST(YamlEmit, WritesKubernetesLayout) {
  const json value = {{"b", {{"c", "x"}}}, {"a", {"one", {{"k", 1}, {"l", 2}}}}, {"e", nullptr}};
  EXPECT_EQ(yaml::emit(value),
            "a:\n"
            "- one\n"
            "- k: 1\n"
            "  l: 2\n"
            "b:\n"
            "  c: x\n"
            "e: null\n");
  // Long strings are not wrapped (go-yaml as Kubernetes sets it up writes them on one line).
  const std::string long_words = "a " + std::string(100, 'b') + " c " + std::string(100, 'd');
  EXPECT_EQ(yaml::emit(json{{"k", long_words}}), "k: " + long_words + "\n");
  // ordered_json keeps its order.
  nlohmann::ordered_json ordered;
  ordered["z"] = 1;
  ordered["a"] = 2;
  EXPECT_EQ(yaml::emit_ordered(ordered), "z: 1\na: 2\n");
}

TEST(YamlEmit, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(yaml::scalar("plain"), "plain");
  EXPECT_EQ(yaml::scalar("yes"), "\"yes\"");
  EXPECT_EQ(yaml::scalar("~"), "\"~\"");
  EXPECT_EQ(yaml::scalar(""), "\"\"");
  EXPECT_EQ(yaml::scalar(" x"), "' x'");
  EXPECT_EQ(yaml::scalar("it's: x"), "'it''s: x'");
  EXPECT_EQ(yaml::scalar("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(yaml::scalar("caf\xc3\xa9"), "caf\xc3\xa9");
}

// go-yaml reads these, written plain, as timestamps, so it quotes them (kubeadm's token list
// -o yaml shows "expires" so); what Go's time.Parse refuses stays plain.
TEST(YamlEmit, QuotesTimestampsAsGoYamlDoes) {
  EXPECT_EQ(yaml::scalar("2024-04-01T11:54:17Z"), "\"2024-04-01T11:54:17Z\"");
  EXPECT_EQ(yaml::scalar("2024-4-1"), "\"2024-4-1\"");
  EXPECT_EQ(yaml::scalar("2024-04-01 11:54:17.5"), "\"2024-04-01 11:54:17.5\"");
  EXPECT_EQ(yaml::scalar("2024-02-29t01:02:03.25+02:00"), "\"2024-02-29t01:02:03.25+02:00\"");
  EXPECT_EQ(yaml::scalar("2024-04-01T11:54:17"), "2024-04-01T11:54:17");  // no zone
  EXPECT_EQ(yaml::scalar("2023-02-29"), "2023-02-29");                    // no such day
  EXPECT_EQ(yaml::scalar("2024-13-01"), "2024-13-01");
  EXPECT_EQ(yaml::scalar("2024-04-01T24:00:00Z"), "2024-04-01T24:00:00Z");
  EXPECT_EQ(yaml::scalar("v2024-04-01"), "v2024-04-01");
  const json value = {{"expires", "2024-04-01T11:54:17Z"}, {"day", "2024-4-1"}};
  EXPECT_EQ(read_back(yaml::emit(value)), value);
}

}  // namespace
}  // namespace kadm

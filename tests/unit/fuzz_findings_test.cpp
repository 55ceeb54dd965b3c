// What the fuzz targets (tests/fuzz/) found, one test each, so a fix stays fixed in the g++ build.
// Most are kadm's YAML writer (common/yaml_emit.cpp, also behind config/yaml_tree.cpp) against
// kadm's YAML reader (common/yaml_json.cpp): what is written must read back as the same value.
#include <gtest/gtest.h>

#include <cstdint>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "common/yaml_emit.h"
#include "common/yaml_json.h"
#include "config/load.h"
#include "config/version.h"
#include "config/yaml_tree.h"
#include "kubelet/kubelet_config.h"

namespace kadm {
namespace {

using nlohmann::json;

json read_back(const std::string& yaml) { return yaml_to_json(YAML::Load(yaml)); }

std::string tree_yaml(const std::string& key, const std::string& value) {
  config::YamlValue v = config::YamlValue::map();
  v[key] = config::YamlValue::str(value);
  return v.dump();
}

// Strings only an escape in double quotes carries through YAML. yaml_emit_fuzz found the first
// (the known bug: a newline written raw inside single quotes read back as a space).
const std::string kAwkward[] = {
    "line one\nline two",  // newline: inside single quotes it read back as a space
    "ends with newline\n",
    "\nstarts with newline",
    "tab\there",
    "carriage\rreturn",
    std::string("nul\0byte", 8),
    "bell\x07",
    "del\x7f",
    "next line\xc2\x85(NEL)",
    "line\xe2\x80\xa8separator",
    "\xef\xbb\xbf"
    "bom",
};

TEST(FuzzFindings, GoYamlEmitterEscapesWhatQuotesCannotHold) {
  EXPECT_EQ(yaml::scalar("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(yaml::scalar("a\tb"), "\"a\\tb\"");
  EXPECT_EQ(yaml::scalar("x\xc2\x85y"), "\"x\\Ny\"");  // libyaml's (and go-yaml's) escape
  EXPECT_EQ(yaml::scalar("x\xe2\x80\xa9y"), "\"x\\Py\"");
  for (const auto& s : kAwkward) {
    const json value = {{"annotations", {{s, s}}}, {"args", {s}}};
    const std::string yaml = yaml::emit(value);
    EXPECT_EQ(read_back(yaml), value) << yaml;
  }
}

TEST(FuzzFindings, ConfigTreeEscapesWhatQuotesCannotHold) {
  for (const auto& s : kAwkward) {
    const std::string yaml = tree_yaml(s, s);
    EXPECT_EQ(read_back(yaml), (json{{s, s}})) << yaml;
  }
}

TEST(FuzzFindings, EscapesAreValidYamlEscapes) {
  EXPECT_EQ(yaml::double_quoted("q\"b\\"), "\"q\\\"b\\\\\"");
  EXPECT_EQ(yaml::double_quoted(std::string("\0\x1f", 2)), "\"\\0\\x1F\"");
  EXPECT_EQ(yaml::double_quoted("\xef\xbf\xbe"), "\"\\uFFFE\"");
  EXPECT_TRUE(yaml::needs_escapes("a\nb"));
  EXPECT_FALSE(yaml::needs_escapes("caf\xc3\xa9 \xe2\x80\x94 ok"));  // café — ok
}
// yaml_emit_fuzz, yaml_tree_fuzz: a number beyond int64 made the reader throw std::out_of_range
// (from std::stoll) out of every caller, which catch only YAML::Exception: a kube-proxy or
// kubelet document with `oomScoreAdj: 99999999999999999999` crashed kadm.
TEST(FuzzFindings, ReaderTakesNumbersOfAnySizeAsGoYamlDoes) {
  EXPECT_EQ(read_back("a: 18446744073709551615\n")["a"].get<std::uint64_t>(),
            18446744073709551615u);
  EXPECT_EQ(read_back("a: -9223372036854775808\n")["a"].get<std::int64_t>(), INT64_MIN);
  EXPECT_TRUE(read_back("a: 99999999999999999999\n")["a"].is_number_float());
  EXPECT_EQ(read_back("a: +7\n")["a"], 7);
  // What the writers emit for a large float ("1e+100") is a float again, not a string.
  EXPECT_EQ(read_back("a: 1e+100\n")["a"], 1e100);
  EXPECT_EQ(read_back("a: 1E5\n")["a"], 100000.0);
  EXPECT_EQ(read_back(yaml::emit({{"a", 1e100}})), (json{{"a", 1e100}}));
  // Beyond a double's range go-yaml keeps the text.
  EXPECT_EQ(read_back("a: 1e999\n")["a"], "1e999");
  EXPECT_EQ(read_back("a: 1.2.3\n")["a"], "1.2.3");
}

// Found while fixing the writers for yaml_tree_fuzz: the config writer had its own quoting rule
// and wrote "+1" plain (kadm's reader took it for a number) and "1_000", "0b101", "1:30", ".inf"
// and "<<" plain (go-yaml v2, which kubeadm reads the kubeadm-config ConfigMap with, takes them
// for numbers or a merge key). Both writers were since made one (common/yaml_emit.cpp).
TEST(FuzzFindings, ConfigTreeQuotesWhatGoYamlReadsAsAnotherType) {
  for (const std::string s :
       {"+1", "1_000", "0b101", "0o17", "1:30", ".inf", "-.INF", ".NaN", "<<", "Y", "off", "1e5"}) {
    EXPECT_TRUE(config::yaml_needs_quotes(s)) << s;
    EXPECT_EQ(read_back(tree_yaml("k", s)), (json{{"k", s}})) << s;
  }
  EXPECT_FALSE(config::yaml_needs_quotes("inf"));  // a string to go-yaml too
  EXPECT_FALSE(config::yaml_needs_quotes("1.2.3"));
}

// bootstrap_token_fuzz: an expiration after 2262 overflowed the nanosecond clock (undefined
// behaviour) in parse_rfc3339; such a Secret now reads as an unparsable expiration.
TEST(FuzzFindings, TimesOutsideTheClocksRangeAreErrors) {
  EXPECT_FALSE(parse_rfc3339("2826-12-05T07:00:15Z"));
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_rfc3339("1600-01-01T00:00:00Z"));
  auto last = parse_rfc3339("2261-12-31T23:59:59.999999999-01:00");
  ASSERT_TRUE(last);
  EXPECT_EQ(format_rfc3339_utc(*last), "2262-01-01T00:59:59Z");
}

// config_fuzz: a stray comma outside any value made YAML::LoadAll (yaml-cpp 0.7) report empty
// documents forever, allocating until the machine ran out of memory: `kadm init --config` on such
// a file never returned. It is now malformed YAML with a line to look at.
TEST(FuzzFindings, StreamsThatNeverEndAreMalformed) {
  EXPECT_THROW(yaml_load_all(","), YAML::Exception);
  auto r = config::load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\n,\n", "bad.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Validation);
  EXPECT_NE(r.error().text().find("bad.yaml:1: malformed YAML: the stream does not parse"),
            std::string::npos)
      << r.error().text();
  EXPECT_EQ(yaml_load_all("a: 1\n---\nb: 2\n...\n---\n").size(), 3u);
}

// config_fuzz: a KubeletConfiguration document with a null key in a map kadm does not set itself
// ("memorySwap:\n  :") made writing config.yaml throw YAML::InvalidNode out of `kadm init`.
TEST(FuzzFindings, KubeletConfigurationWithANullKeyIsWritten) {
  kubelet::KubeletConfigInputs in;
  in.user_yaml = "memorySwap:\n  :\n  swapBehavior: LimitedSwap\nfailSwapOn: false\n";
  auto out = kubelet::kubelet_config_yaml(in, *config::parse_kube_version("v1.37.2"));
  ASSERT_TRUE(out) << out.error().text();
  const YAML::Node back = YAML::Load(*out);
  EXPECT_EQ(back["memorySwap"]["swapBehavior"].as<std::string>(), "LimitedSwap");
  EXPECT_FALSE(back["failSwapOn"].as<bool>());
}

}  // namespace
}  // namespace kadm

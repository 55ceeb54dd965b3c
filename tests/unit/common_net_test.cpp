// The one DNS-1123 rule and the one host:port parser (common/net), used by config validation,
// preflight, certificate SANs, join and the restart after a renewal.
#include <gtest/gtest.h>

#include "common/net.h"

namespace kadm::net {
namespace {

TEST(Dns1123, SubdomainAndWhyNot) {
  for (const char* ok : {"a", "node-1", "a.b-c", "cp1.example.com", "0.a"}) {
    EXPECT_TRUE(is_dns1123_subdomain(ok)) << ok;
    EXPECT_EQ(dns1123_subdomain_problem(ok), "") << ok;
  }
  const std::string long_label(64, 'a');
  const std::string long_name = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                                std::string(63, 'c') + "." + std::string(63, 'd');
  struct Bad {
    std::string name;
    std::string why;
  };
  for (const auto& [name, why] : std::vector<Bad>{
           {"", "it is empty"},
           {long_name, "longer than 253 characters"},
           {"a..b", "empty label"},
           {"a.", "empty label"},
           {long_label + ".a", "is longer than 63 characters"},
           {"Node-1", "upper-case letters; use \"node-1\""},
           {"node_1", "the character '_'"},
           {"-a", "starts or ends with '-'"},
           {"a-.b", "starts or ends with '-'"},
       }) {
    EXPECT_FALSE(is_dns1123_subdomain(name)) << name;
    EXPECT_NE(dns1123_subdomain_problem(name).find(why), std::string::npos)
        << name << ": " << dns1123_subdomain_problem(name);
  }
  EXPECT_TRUE(is_wildcard_dns1123_subdomain("*.example.com"));
  EXPECT_FALSE(is_wildcard_dns1123_subdomain("*."));
  EXPECT_FALSE(is_wildcard_dns1123_subdomain("a.*.com"));
}

void expect_host_port(const Result<HostPort>& got, const std::string& host,
                      std::optional<int> port) {
  ASSERT_TRUE(got) << got.error().text();
  EXPECT_EQ(got->host, host);
  EXPECT_EQ(got->port, port);
}

TEST(HostPort, SplitKeepsTheHostAsWritten) {
  expect_host_port(split_host_port("10.0.0.1:6443"), "10.0.0.1", 6443);
  expect_host_port(split_host_port("[fd00:0::1]:2379"), "fd00:0::1", 2379);
  expect_host_port(split_host_port("fd00::1"), "fd00::1", std::nullopt);
  // Only the port is checked: an upper-case or odd host is still split.
  EXPECT_EQ(split_host_port("API.Example:6443").value().host, "API.Example");
  for (const char* bad : {"[::1", "[::1]6443", "[::1]:", "h:", "h:0", "h:65536", "h:12a"}) {
    EXPECT_FALSE(split_host_port(bad)) << bad;
  }
}

TEST(HostPort, ParseChecksTheHost) {
  expect_host_port(parse_host_port("[fd00:0::1]:2379"), "fd00::1", 2379);  // canonical
  expect_host_port(parse_host_port("lb.example.com"), "lb.example.com", std::nullopt);
  auto bad = parse_host_port("lb_example:6443");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("neither an IP address nor a valid DNS name"),
            std::string::npos);
  EXPECT_FALSE(parse_host_port(":6443"));
  EXPECT_FALSE(parse_host_port("API.Example:6443"));
}

TEST(HostPort, OfAUrl) {
  expect_host_port(parse_url_host_port("https://10.0.0.1:6443/readyz"), "10.0.0.1", 6443);
  expect_host_port(parse_url_host_port("https://[fd00::1]:2379"), "fd00::1", 2379);
  expect_host_port(parse_url_host_port("http://localhost/metrics"), "localhost", std::nullopt);
  EXPECT_EQ(parse_url_host_port("[::1]:2381").value().port, 2381);  // no scheme
  EXPECT_FALSE(parse_url_host_port("https://:6443"));
  EXPECT_FALSE(parse_url_host_port("https://[::1/x"));
  // The counterpart of join_host_port.
  EXPECT_EQ(join_host_port("fd00::1", 2379), "[fd00::1]:2379");
}

}  // namespace
}  // namespace kadm::net

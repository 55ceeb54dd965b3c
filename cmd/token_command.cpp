// `kadm token create|list|delete|generate` (spec §4.3): bootstrap tokens as Secrets through the
// API of the cluster the kubeconfig names.

#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <memory>

#include "apiclient/curl_client.h"
#include "apiclient/dry_run_client.h"
#include "apiclient/kubeconfig_reader.h"
#include "apiclient/objects.h"
#include "clusterobjects/cluster_info_signing.h"
#include "clusterobjects/token_secrets.h"
#include "common/constants.h"
#include "common/duration.h"
#include "common/strings.h"
#include "config_source.h"
#include "flag_binders.h"
#include "parent_command.h"
#include "registry.h"
#include "token/bootstrap_token.h"
#include "token/cluster_info_signature.h"
#include "token/jws.h"
#include "token/token_create.h"
#include "token/token_list.h"
#include "token/token_secret.h"

namespace kadm::cli {
namespace {

constexpr std::string_view kDefaultKubeconfig = "/etc/kubernetes/admin.conf";

// Flags of the `token` parent, valid for every subcommand (kubeadm's persistent flags).
struct TokenGlobals {
  std::optional<std::string> kubeconfig;
  bool dry_run = false;
  std::string timeout = "1m0s";
};

// The cluster side of one token command. The kubeconfig is read when something needs it: the
// cluster's client at once, a dry run only for --print-join-command.
struct Connection {
  std::optional<std::string> kubeconfig_flag;
  std::optional<apiclient::Kubeconfig> kubeconfig;
  std::unique_ptr<apiclient::Client> client;
  // Reports a deletion (a dry run's client has said already what it would delete).
  std::function<void(const std::string& id)> deleted;
};

Result<const apiclient::Kubeconfig*> kubeconfig_of(Connection& c) {
  if (!c.kubeconfig) {
    auto path = apiclient::resolve_kubeconfig_path(c.kubeconfig_flag, kDefaultKubeconfig);
    c.kubeconfig = KADM_TRY_CTX(apiclient::load_kubeconfig(path),
                                "cannot load the kubeconfig \"" + path + "\" (set --kubeconfig)");
  }
  return &*c.kubeconfig;
}

// A dry run's words for what the token commands write (never a token's secret).
void say_token_write(const apiclient::Request& r) {
  const std::string name = r.path.substr(r.path.rfind('/') + 1);
  if (r.method == "DELETE") {
    std::cout << "[dryrun] Would delete Secret " << apiclient::kKubeSystem << "/" << name << "\n";
    return;
  }
  if (r.method != "POST" || !r.body) {
    std::cout << "[dryrun] Would " << r.method << " " << r.path << "\n";
    return;
  }
  const auto secret = r.body->value("/metadata/name"_json_pointer, std::string());
  std::cout << "[dryrun] Would create Secret " << apiclient::kKubeSystem << "/" << secret << "\n";
  // The signature create adds to cluster-info for a signing token.
  auto t = token::token_from_secret(*r.body);
  if (t && token::signs_cluster_info(*t, std::chrono::system_clock::now()).value_or(false)) {
    std::cout << "[dryrun] Would patch ConfigMap " << apiclient::kKubePublic
              << "/cluster-info to add " << token::kSignatureKeyPrefix
              << secret.substr(token::kSecretNamePrefix.size()) << "\n";
  }
}

// The one place --dry-run (kubeadm's persistent flag) is looked at: the API server the
// kubeconfig names, or a client that only says what it would write.
Result<Connection> connect(const TokenGlobals& g) {
  Connection c{g.kubeconfig, std::nullopt, nullptr, {}};
  if (g.dry_run) {
    c.client = std::make_unique<apiclient::DryRunClient>(say_token_write);
    c.deleted = [](const std::string&) {};
    return c;
  }
  auto timeout = KADM_TRY_CTX(parse_duration(g.timeout), "invalid --timeout");
  if (timeout.count() <= 0) return fail(ErrorKind::Validation, "--timeout must be positive");
  const auto& kc = *KADM_TRY(kubeconfig_of(c));
  apiclient::CurlClientOptions options;
  options.retry.total_deadline = timeout;
  options.request_timeout = std::min(options.request_timeout, timeout);
  options.connect_timeout = std::min(options.connect_timeout, timeout);
  c.client = KADM_TRY(apiclient::CurlClient::from_kubeconfig(kc, options));
  c.deleted = [](const std::string& id) {
    std::cout << "bootstrap token \"" << id << "\" deleted\n";
  };
  return c;
}

// Names the server and the kubeconfig when no HTTP answer came back at all.
Error api_failure(const apiclient::ApiError& e, const Connection& c, const std::string& what) {
  Error out = e;
  if (e.http_status() == 0 && c.kubeconfig) {
    out.with_context("the API server " + c.kubeconfig->server + " (from " + c.kubeconfig->source +
                     ") did not answer");
  }
  return std::move(out).with_context(what);
}

// --- create -------------------------------------------------------------------------------------

// The bootstrap signer's entries for the new tokens, written at once so the first join need not
// wait for the signer. The tokens exist already, and the signer adds the entries anyway, so a
// failure only warns (never naming a secret or a signature).
void sign_cluster_info_or_warn(const Connection& c,
                               const std::vector<config::BootstrapToken>& tokens,
                               SystemTimePoint now) {
  auto signed_ids = clusterobjects::sign_cluster_info(*c.client, tokens, now);
  if (signed_ids) return;
  if (signed_ids.error().is_not_found()) {
    spdlog::debug("there is no ConfigMap {}/cluster-info to sign", apiclient::kKubePublic);
    return;
  }
  spdlog::warn(
      "could not sign ConfigMap {}/cluster-info for the new tokens: {}; the controller-manager's "
      "bootstrap signer will sign it, until then a join waits for it",
      apiclient::kKubePublic, api_failure(signed_ids.error(), c, "signing cluster-info").text());
}

struct CreateOptions {
  token::CreateFlags flags;
  std::optional<std::string> config_path;
  bool print_join_command = false;
  std::string certificate_key;
};

Result<std::vector<config::BootstrapToken>> tokens_to_create(const CreateOptions& o) {
  if (!o.config_path) return std::vector{KADM_TRY(token::token_from_flags(o.flags))};
  auto mixed = token::set_token_flag_names(o.flags);
  if (!mixed.empty()) {
    return fail(ErrorKind::Validation,
                "can not mix '--config' with arguments [" + str::join(mixed, " ") + "]");
  }
  config::InitFlags flags;
  flags.config_path = o.config_path;
  auto cfg = KADM_TRY(load_init_configuration(flags));
  auto tokens = cfg.bootstrap_tokens;
  // A positional token replaces the file's first token; tokens left empty are generated.
  if (o.flags.token) {
    tokens.front().token =
        KADM_TRY_CTX(token::parse_token(*o.flags.token), "invalid token argument").to_string();
  }
  for (auto& t : tokens) {
    if (t.token.empty()) t.token = KADM_TRY(token::generate_token()).to_string();
  }
  return tokens;
}

Status run_create(const TokenGlobals& g, const CreateOptions& o) {
  // Checked before anything is created, so a rejected call leaves no token behind.
  if (!o.certificate_key.empty() && !o.print_join_command) {
    return fail(ErrorKind::Validation, "cannot use --certificate-key without --print-join-command");
  }
  auto tokens = KADM_TRY(tokens_to_create(o));

  auto conn = KADM_TRY(connect(g));
  // The join command needs the kubeconfig: a bad one fails before anything is created.
  if (o.print_join_command) KADM_TRY(kubeconfig_of(conn));
  const auto now = std::chrono::system_clock::now();
  for (const auto& t : tokens) {
    const auto id = t.token.substr(0, t.token.find('.'));
    auto created = clusterobjects::create_token_secret(*conn.client, t, now);
    if (!created) {
      return std::unexpected(
          api_failure(created.error(), conn, "failed to create bootstrap token \"" + id + "\""));
    }
  }
  sign_cluster_info_or_warn(conn, tokens, now);

  if (!o.print_join_command) {
    std::cout << tokens.front().token << "\n";
    return {};
  }
  const auto& kc = *KADM_TRY(kubeconfig_of(conn));
  if (kc.ca_pem.empty()) {
    return fail(ErrorKind::Validation, "the kubeconfig " + kc.source +
                                           " has no certificate authority for its cluster; "
                                           "cannot compute --discovery-token-ca-cert-hash");
  }
  token::JoinLinesInput in;
  in.host_port = kc.host_port();
  in.token = tokens.front().token;
  in.ca_cert_hashes = KADM_TRY_CTX(token::ca_cert_hashes(kc.ca_pem), "failed to get join command");
  in.certificate_key = o.certificate_key;
  for (const auto& line : token::join_lines(in)) std::cout << line << "\n";
  return {};
}

// --- list ---------------------------------------------------------------------------------------

Status run_list(const TokenGlobals& g, const std::string& output) {
  auto format = KADM_TRY(token::parse_list_format(output));
  auto conn = KADM_TRY(connect(g));
  auto secrets = clusterobjects::list_bootstrap_token_secrets(*conn.client);
  if (!secrets) {
    return std::unexpected(api_failure(secrets.error(), conn, "failed to list bootstrap tokens"));
  }
  std::vector<config::BootstrapToken> tokens;
  for (const auto& s : *secrets) {
    auto t = token::token_from_secret(s);
    if (!t) {
      // The error names the Secret at most, never its token-secret value.
      std::cerr << "skipping Secret " << s.value("/metadata/name"_json_pointer, std::string("?"))
                << ": " << t.error().text() << "\n";
      continue;
    }
    tokens.push_back(std::move(*t));
  }
  switch (format) {
    case token::ListFormat::Text:
      std::cout << token::format_token_table(tokens, std::chrono::system_clock::now());
      break;
    case token::ListFormat::Json:
      std::cout << token::format_token_json(tokens);
      break;
    case token::ListFormat::Yaml:
      std::cout << token::format_token_yaml(tokens);
      break;
  }
  return {};
}

// --- delete -------------------------------------------------------------------------------------

Status run_delete(const TokenGlobals& g, const std::vector<std::string>& args) {
  if (args.empty()) {
    return fail(ErrorKind::Validation,
                "missing argument; 'token delete' is missing token of form \"" +
                    std::string(token::kTokenPattern) + "\" or \"" +
                    std::string(token::kTokenIdPattern) + "\"");
  }
  // Every argument is checked before the first deletion.
  std::vector<std::string> ids;
  for (const auto& a : args) ids.push_back(KADM_TRY(token::parse_token_id_or_token(a)));
  auto conn = KADM_TRY(connect(g));
  for (const auto& id : ids) {
    auto removed = clusterobjects::delete_token_secret(*conn.client, id);
    if (!removed) {
      return std::unexpected(
          api_failure(removed.error(), conn, "failed to delete bootstrap token \"" + id + "\""));
    }
    conn.deleted(id);
  }
  return {};
}

Status run_generate() {
  std::cout << KADM_TRY(token::generate_token()).to_string() << "\n";
  return {};
}

const Registrar reg(500, "token", [](CLI::App& root, Context& ctx) {
  auto g = std::make_shared<TokenGlobals>();
  auto* parent = parent_command(root, "token", "Manage bootstrap tokens");
  bind_text(parent, "--kubeconfig", g->kubeconfig,
            "The kubeconfig file to use when talking to the cluster (default: $KUBECONFIG, else " +
                std::string(kDefaultKubeconfig) + ")");
  parent->add_flag("--dry-run", g->dry_run,
                   "Show what would be created or deleted; change nothing");
  parent
      ->add_option("--timeout", g->timeout,
                   "How long API calls are retried before giving up (Go duration)")
      ->capture_default_str();

  auto c = std::make_shared<CreateOptions>();
  auto* create = parent->add_subcommand(
      "create",
      "Create a bootstrap token on the server and print it.\n"
      "Without [token] a random one of the form [a-z0-9]{6}.[a-z0-9]{16} is generated.\n"
      "With --print-join-command and --certificate-key two lines are printed: the worker join "
      "command, then the control-plane join command");
  create->add_option_function<std::string>(
      "token", [c](const std::string& v) { c->flags.token = v; },
      "The token to create, of the form [a-z0-9]{6}.[a-z0-9]{16}");
  bind_text(create, "--ttl", c->flags.ttl,
            "The duration before the token is deleted, e.g. 1s, 2m, 3h; 0 = never expires "
            "(default 24h0m0s)");
  bind_list(create, "--usages", c->flags.usages,
            "How the token may be used: signing, authentication (default signing,authentication)");
  bind_list(create, "--groups", c->flags.groups,
            "Extra groups the token authenticates as; each must match " +
                std::string(token::kGroupPattern) +
                " (default system:bootstrappers:kubeadm:default-node-token)");
  bind_text(create, "--description", c->flags.description,
            "A human friendly description of how the token is used");
  bind_text(create, "--config", c->config_path,
            "An InitConfiguration file whose bootstrapTokens are created (first one printed)");
  create->add_flag("--print-join-command", c->print_join_command,
                   "Print the full 'kadm join' command (also valid for kubeadm) instead of the "
                   "token");
  create->add_option("--certificate-key", c->certificate_key,
                     "With --print-join-command also print the control-plane join command with "
                     "this key (create one with 'kadm init phase upload-certs --upload-certs')");
  on_run(create, ctx, [g, c] { return run_create(*g, *c); });

  auto output = std::make_shared<std::string>("text");
  auto* list = parent->add_subcommand("list", "List the bootstrap tokens on the server");
  list->add_option("-o,--output", *output, "Output format: text, json or yaml")
      ->capture_default_str();
  on_run(list, ctx, [g, output] { return run_list(*g, *output); });

  auto ids = std::make_shared<std::vector<std::string>>();
  auto* del = parent->add_subcommand(
      "delete", "Delete bootstrap tokens on the server, given by id or by full token");
  del->add_option("token", *ids, "Token ids [a-z0-9]{6} or tokens [a-z0-9]{6}.[a-z0-9]{16}");
  on_run(del, ctx, [g, ids] { return run_delete(*g, *ids); });

  auto* gen = parent->add_subcommand(
      "generate", "Generate and print a bootstrap token without creating it on the server");
  on_run(gen, ctx, [] { return run_generate(); });
});

}  // namespace
}  // namespace kadm::cli

#include "clusterobjects/corefile.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"

namespace kadm::clusterobjects {

namespace {

struct Token {
  std::string text;
  int line = 0;      // where it starts
  int end_line = 0;  // where it ends (a quoted token may span lines)
  bool brace = false;
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

Result<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> out;
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    Token t;
    t.line = line;
    if (c == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char q = text[i++];
        if (q == '\\' && i < text.size() && text[i] == '"') {
          t.text += '"';
          ++i;
        } else if (q == '"') {
          closed = true;
          break;
        } else {
          if (q == '\n') ++line;
          t.text += q;
        }
      }
      if (!closed) {
        return fail(ErrorKind::Validation, "the Corefile has a quote opened on line " +
                                               std::to_string(t.line) + " that is never closed");
      }
    } else {
      while (i < text.size() && !is_space(text[i])) t.text += text[i++];
      t.brace = t.text == "{" || t.text == "}";
    }
    t.end_line = line;
    out.push_back(std::move(t));
  }
  return out;
}

// The arguments of an entry: the following tokens on the same line, up to a brace.
std::vector<std::string> args_on_line(const std::vector<Token>& tokens, std::size_t& i) {
  std::vector<std::string> args;
  int line = tokens[i].end_line;
  while (i + 1 < tokens.size() && tokens[i + 1].line == line && !tokens[i + 1].brace) {
    ++i;
    args.push_back(tokens[i].text);
    line = tokens[i].end_line;
  }
  return args;
}

// Quoted where a bare word would read back as something else: empty, with white space, a brace,
// a comment or a quoted token. The lexer (as Caddy's) unescapes only \", so only quotes are
// escaped.
std::string quoted(const std::string& arg) {
  bool bare = !arg.empty() && arg != "{" && arg != "}" && arg.front() != '#' &&
              arg.front() != '"' && std::ranges::none_of(arg, is_space);
  if (bare) return arg;
  std::string out = "\"";
  for (char c : arg) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string words(const std::string& name, const std::vector<std::string>& args) {
  std::string out = quoted(name);
  for (const auto& a : args) out += " " + quoted(a);
  return out;
}

std::string words(const std::vector<std::string>& all) {
  std::vector<std::string> out;
  for (const auto& a : all) out.push_back(quoted(a));
  return str::join(out, " ");
}

// One line per option and per plugin, each list sorted: equal for equivalent Corefiles.
std::string canonical(const CorefileServer& s) {
  std::vector<std::string> plugins;
  for (const auto& p : s.plugins) {
    std::vector<std::string> options;
    for (const auto& o : p.options) options.push_back(words(o.name, o.args));
    std::ranges::sort(options);
    plugins.push_back(words(p.name, p.args) + "{" + str::join(options, ";") + "}");
  }
  std::ranges::sort(plugins);
  return words(s.keys) + "{" + str::join(plugins, ";") + "}";
}

}  // namespace

Result<Corefile> parse_corefile(std::string_view text) {
  auto tokens = KADM_TRY(tokenize(text));
  Corefile cf;
  int depth = 0;
  bool open_target = false;  // an entry at `depth` exists for a "{" to open
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.brace && t.text == "{") {
      if (!open_target || depth >= 2) {
        return fail(ErrorKind::Validation,
                    "the Corefile opens a block on line " + std::to_string(t.line) +
                        " that kadm cannot place (a server block holds plugins, a plugin's "
                        "block holds options, nothing nests deeper)");
      }
      ++depth;
      open_target = false;
      continue;
    }
    if (t.brace) {
      if (depth == 0) {
        return fail(ErrorKind::Validation, "the Corefile closes a block on line " +
                                               std::to_string(t.line) + " that was never opened");
      }
      --depth;
      open_target = false;
      continue;
    }
    auto args = args_on_line(tokens, i);
    if (depth == 0) {
      std::vector<std::string> keys = {t.text};
      keys.insert(keys.end(), args.begin(), args.end());
      cf.servers.push_back({std::move(keys), {}});
    } else if (depth == 1) {
      cf.servers.back().plugins.push_back({t.text, std::move(args), {}});
    } else {
      cf.servers.back().plugins.back().options.push_back({t.text, std::move(args)});
    }
    open_target = true;
  }
  if (depth != 0) {
    return fail(ErrorKind::Validation, "the Corefile ends inside a block (a \"}\" is missing)");
  }
  return cf;
}

std::string print_corefile(const Corefile& corefile) {
  std::vector<std::string> servers;
  for (const auto& s : corefile.servers) {
    std::string keys = words(s.keys);
    if (s.plugins.empty()) {
      servers.push_back(keys);
      continue;
    }
    std::vector<std::string> plugins;
    for (const auto& p : s.plugins) {
      std::string line = "    " + words(p.name, p.args);
      if (!p.options.empty()) {
        std::vector<std::string> options;
        for (const auto& o : p.options) options.push_back("        " + words(o.name, o.args));
        line += " {\n" + str::join(options, "\n") + "\n    }";
      }
      plugins.push_back(line);
    }
    servers.push_back(keys + " {\n" + str::join(plugins, "\n") + "\n}\n");
  }
  return str::join(servers, "\n");
}

bool equivalent(const Corefile& a, const Corefile& b) {
  auto lines = [](const Corefile& c) {
    std::vector<std::string> out;
    for (const auto& s : c.servers) out.push_back(canonical(s));
    std::ranges::sort(out);
    return out;
  };
  return lines(a) == lines(b);
}

}  // namespace kadm::clusterobjects

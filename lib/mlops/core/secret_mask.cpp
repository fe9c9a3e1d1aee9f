// Secret masking: a registry of values plus two URL patterns, scanned without regex so that a
// report of several megabytes costs one pass per pattern.

#include "mlops/core/secret_mask.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <vector>

#include "mlops/core/ascii.h"

namespace mlops {
namespace {

std::mutex g_mutex;
std::vector<std::string> g_secrets;  // longest first, so a secret inside another masks whole

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-';
}
bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// The password of every "scheme://user:password@": it runs to the last '@' before a space, a
// quote or the end (over-masking beats printing half a password).
void mask_userinfo(std::string& text) {
  size_t from = 0;
  for (size_t sep; (sep = text.find("://", from)) != std::string::npos; from = sep + 3) {
    if (sep == 0 || !is_scheme_char(text[sep - 1])) continue;
    size_t user_end = sep + 3;
    while (user_end < text.size() && text[user_end] != ':' && text[user_end] != '/' &&
           text[user_end] != '@' && !is_space(text[user_end]) && text[user_end] != '"') {
      ++user_end;
    }
    if (user_end >= text.size() || text[user_end] != ':') continue;
    size_t end = user_end + 1, at = std::string::npos;
    while (end < text.size() && !is_space(text[end]) && text[end] != '"' && text[end] != '<') {
      if (text[end] == '@') at = end;
      ++end;
    }
    if (at == std::string::npos || text.compare(user_end + 1, at - user_end - 1, kSecretMask) == 0)
      continue;
    text.replace(user_end + 1, at - user_end - 1, kSecretMask);
  }
}

constexpr std::array<std::string_view, 11> kCredentialParameters = {
    "password",     "passwd",     "api_key", "apikey",        "api-key", "token",
    "access_token", "auth_token", "secret",  "client_secret", "key"};

// The value of every "?name=" or "&name=" whose name is a credential parameter, up to the next
// '&', '#', space, quote or '<'.
void mask_credential_parameters(std::string& text) {
  for (size_t eq = text.find('='); eq != std::string::npos; eq = text.find('=', eq + 1)) {
    size_t start = eq;
    while (start > 0 && text[start - 1] != '?' && text[start - 1] != '&' && eq - start < 16) {
      --start;
    }
    if (start == 0 || (text[start - 1] != '?' && text[start - 1] != '&')) continue;
    std::string_view name(text.data() + start, eq - start);
    if (std::none_of(kCredentialParameters.begin(), kCredentialParameters.end(),
                     [&](std::string_view known) { return ascii_iequals(known, name); })) {
      continue;
    }
    // Already masked (a store's display name inside a message masked again): its end is known,
    // and masking once more would swallow what follows it ("?password=****: cannot connect").
    if (text.compare(eq + 1, kSecretMask.size(), kSecretMask) == 0) continue;
    size_t end = eq + 1;
    while (end < text.size() && text[end] != '&' && text[end] != '#' && !is_space(text[end]) &&
           text[end] != '"' && text[end] != '\'' && text[end] != '<') {
      ++end;
    }
    if (end == eq + 1 || text.compare(eq + 1, end - eq - 1, kSecretMask) == 0) continue;
    text.replace(eq + 1, end - eq - 1, kSecretMask);
  }
}

// libpq's keyword/value form ("host=db user=ml password=hunter2"), which a store.url can be
// given as by mistake: the value of every "password=" (or "passwd=") that starts the text or
// follows a space, quoted ('...') or up to the next space or quote.
void mask_conninfo_passwords(std::string& text) {
  for (size_t eq = text.find('='); eq != std::string::npos; eq = text.find('=', eq + 1)) {
    size_t start = eq;
    while (start > 0 && std::isalpha(static_cast<unsigned char>(text[start - 1])) != 0) --start;
    if (start > 0 && !is_space(text[start - 1])) continue;
    std::string_view name(text.data() + start, eq - start);
    if (!ascii_iequals(name, "password") && !ascii_iequals(name, "passwd")) continue;
    size_t begin = eq + 1, end = begin;
    if (end < text.size() && text[end] == '\'') {
      ++begin;
      end = begin;
      while (end < text.size() && text[end] != '\'') end += text[end] == '\\' ? 2 : 1;
      end = std::min(end, text.size());
    } else {
      while (end < text.size() && !is_space(text[end]) && text[end] != '"') ++end;
    }
    if (end == begin || text.compare(begin, end - begin, kSecretMask) == 0) continue;
    text.replace(begin, end - begin, kSecretMask);
  }
}

}  // namespace

void register_secret(std::string_view value) {
  if (value.size() < kMinSecretLength) return;
  std::lock_guard lock(g_mutex);
  if (std::find(g_secrets.begin(), g_secrets.end(), value) != g_secrets.end()) return;
  g_secrets.emplace_back(value);
  std::stable_sort(g_secrets.begin(), g_secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void clear_secrets() {
  std::lock_guard lock(g_mutex);
  g_secrets.clear();
}

std::string mask_secrets(std::string_view input) {
  std::string text(input);
  {
    std::lock_guard lock(g_mutex);
    for (const auto& secret : g_secrets) {
      for (size_t at = text.find(secret); at != std::string::npos;
           at = text.find(secret, at + kSecretMask.size())) {
        text.replace(at, secret.size(), kSecretMask);
      }
    }
  }
  if (text.find("://") != std::string::npos) mask_userinfo(text);
  if (text.find('?') != std::string::npos) mask_credential_parameters(text);
  if (text.find('=') != std::string::npos) mask_conninfo_passwords(text);
  return text;
}

}  // namespace mlops

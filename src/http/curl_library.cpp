// libcurl is opened on first use instead of at process start. Linked normally, libcurl pulls 25
// shared libraries into every run (Kerberos, LDAP, GnuTLS, SSH, RTMP, ...): about 4 ms of loading
// and symbol binding, a third of a `kadm version`, also in the runs that never speak HTTP (the
// PKI phases, config, version). kadm calls ten libcurl functions; this file defines them and
// forwards each call to the library, opened once.
//
// The definitions carry libcurl's own names so the callers stay plain libcurl code. The
// executable does not export them (no -rdynamic), so libcurl's internal calls never come back
// here.

#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <string>

#include "http/curl_handles.h"

namespace kadm::http {
namespace {

constexpr const char* kSoname = "libcurl.so.4";

struct Library {
  std::string error;  // why it could not be opened; empty when it was
  CURLcode (*global_init)(long) = nullptr;
  CURL* (*easy_init)() = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  void (*easy_reset)(CURL*) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
};

template <class Fn>
bool bind(void* handle, const char* name, Fn& fn, std::string& error) {
  void* sym = ::dlsym(handle, name);
  if (!sym) {
    error = std::string(kSoname) + " lacks " + name;
    return false;
  }
  fn = reinterpret_cast<Fn>(sym);
  return true;
}

Library open_library() {
  Library lib;
  // Never closed: handles and callbacks live as long as the process.
  void* handle = ::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    lib.error = std::string("cannot load ") + kSoname + " (" + (why ? why : "unknown error") +
                "): install Debian's libcurl4 package";
    return lib;
  }
  bool ok = bind(handle, "curl_global_init", lib.global_init, lib.error) &&
            bind(handle, "curl_easy_init", lib.easy_init, lib.error) &&
            bind(handle, "curl_easy_cleanup", lib.easy_cleanup, lib.error) &&
            bind(handle, "curl_easy_reset", lib.easy_reset, lib.error) &&
            bind(handle, "curl_easy_perform", lib.easy_perform, lib.error) &&
            bind(handle, "curl_easy_setopt", lib.easy_setopt, lib.error) &&
            bind(handle, "curl_easy_getinfo", lib.easy_getinfo, lib.error) &&
            bind(handle, "curl_easy_strerror", lib.easy_strerror, lib.error) &&
            bind(handle, "curl_slist_append", lib.slist_append, lib.error) &&
            bind(handle, "curl_slist_free_all", lib.slist_free_all, lib.error);
  if (!ok) {
    Library unusable;  // no half-bound library: every entry point then fails alike
    unusable.error = lib.error;
    return unusable;
  }
  return lib;
}

const Library& library() {
  static const Library lib = open_library();  // thread-safe, once
  return lib;
}

}  // namespace

const std::string& curl_unavailable() { return library().error; }

}  // namespace kadm::http

using kadm::http::library;

// Without the library every entry point fails the way libcurl itself reports failure (no
// handle, CURLE_FAILED_INIT); callers add curl_unavailable() to their message.
extern "C" {

CURLcode curl_global_init(long flags) {
  const auto& lib = library();
  return lib.global_init ? lib.global_init(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init(void) {
  const auto& lib = library();
  return lib.easy_init ? lib.easy_init() : nullptr;
}

void curl_easy_cleanup(CURL* handle) {
  if (handle) library().easy_cleanup(handle);  // a handle exists only if the library does
}

void curl_easy_reset(CURL* handle) {
  if (handle) library().easy_reset(handle);
}

CURLcode curl_easy_perform(CURL* handle) {
  const auto& lib = library();
  return lib.easy_perform && handle ? lib.easy_perform(handle) : CURLE_FAILED_INIT;
}

// curl.h puts an enum before the "..." of these two, and libcurl's own definitions name it in
// va_start as these do. clang warns that this is undefined (an enum is not its promoted type,
// int), but every ABI kadm builds for passes an enum argument exactly as an int.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wvarargs"
#endif

// The parentheses keep curl.h's type-checking macro of the same name from expanding here. The one
// argument is read by the option's type, as libcurl reads it (CURLOPTTYPE_* ranges).
CURLcode(curl_easy_setopt)(CURL* handle, CURLoption option, ...) {
  const auto& lib = library();
  if (!lib.easy_setopt || !handle) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, option);
  CURLcode result;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    result = lib.easy_setopt(handle, option, va_arg(args, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    result = lib.easy_setopt(handle, option, va_arg(args, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    using AnyFunction = void (*)();
    result = lib.easy_setopt(handle, option, va_arg(args, AnyFunction));
  } else if (option < CURLOPTTYPE_BLOB) {
    result = lib.easy_setopt(handle, option, va_arg(args, curl_off_t));
  } else {
    result = lib.easy_setopt(handle, option, va_arg(args, void*));
  }
  va_end(args);
  return result;
}

// Every CURLINFO takes a pointer to where the answer goes.
CURLcode(curl_easy_getinfo)(CURL* handle, CURLINFO info, ...) {
  const auto& lib = library();
  if (!lib.easy_getinfo || !handle) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, info);
  CURLcode result = lib.easy_getinfo(handle, info, va_arg(args, void*));
  va_end(args);
  return result;
}

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

const char* curl_easy_strerror(CURLcode code) {
  const auto& lib = library();
  return lib.easy_strerror ? lib.easy_strerror(code) : "libcurl is not available";
}

curl_slist* curl_slist_append(curl_slist* list, const char* line) {
  const auto& lib = library();
  return lib.slist_append ? lib.slist_append(list, line) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  if (list) library().slist_free_all(list);  // a list exists only if the library does
}

}  // extern "C"

#ifndef TORC_CCURL_SHIM_H
#define TORC_CCURL_SHIM_H

/*
 * Typed wrappers for libcurl's variadic entry points.
 *
 * Swift cannot call C variadic functions, and `curl_easy_setopt` /
 * `curl_easy_getinfo` read their third argument with `va_arg` using the type
 * implied by the option. Each wrapper below fixes that type, so Swift passes
 * exactly what libcurl expects (a `long` is not a `curl_off_t` on every
 * platform, and a callback is not a data pointer). Nothing else lives here.
 */

#include <curl/curl.h>

/* Option whose argument is a `long` (flags, timeouts, enums). */
static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/* Option whose argument is a NUL-terminated string (libcurl copies it). */
static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/* Option whose argument is an opaque pointer libcurl keeps (not copied). */
static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/* Option whose argument is a header list (CURLOPT_HTTPHEADER); not copied. */
static inline CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/* Option whose argument is a `curl_off_t` (large sizes). */
static inline CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLOPT_WRITEFUNCTION / CURLOPT_HEADERFUNCTION. */
static inline CURLcode ccurl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/* CURLOPT_XFERINFOFUNCTION. */
static inline CURLcode ccurl_easy_setopt_xferinfo_callback(CURL *handle, CURLoption option, curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/* Info whose result is a `long` (e.g. CURLINFO_RESPONSE_CODE). */
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* Info whose result is a `curl_off_t` (e.g. CURLINFO_CONTENT_LENGTH_DOWNLOAD_T). */
static inline CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/*
 * CURLAUTH_* are cast-and-shift macros the Swift importer cannot see; these
 * typed constants carry the same values for CURLOPT_HTTPAUTH (a `long`).
 */
static const long ccurl_auth_basic = (long)CURLAUTH_BASIC;
static const long ccurl_auth_bearer = (long)CURLAUTH_BEARER;

#endif /* TORC_CCURL_SHIM_H */

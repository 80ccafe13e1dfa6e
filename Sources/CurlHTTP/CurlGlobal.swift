import CCurl

/// Process-wide libcurl initialisation.
///
/// `curl_global_init` must run once before any easy handle exists and must not
/// race with itself; a `static let` initialiser is run exactly once, lazily and
/// thread-safely by the Swift runtime, so this needs no lock and no mutable
/// global. `curl_global_cleanup` is deliberately never called: handles may live
/// until process exit.
enum CurlGlobal {
    /// Whether `curl_global_init` succeeded; evaluated on first access only.
    static let isInitialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

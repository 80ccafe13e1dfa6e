import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL

/// The HTTP server of the service: HTTP/1.1 with the configured limits (header size,
/// idle timeout, connection cap), wrapped in TLS when a certificate is configured.
public enum ServerChannel {
    /// The server for `limits` and `security`; throws when the certificate or key
    /// cannot be loaded.
    public static func builder(limits: LimitSettings, security: SecuritySettings) throws -> HTTPServerBuilder {
        let plain = http1(limits: limits)
        guard let certificatePath = security.tlsCertificate, let keyPath = security.tlsKey else { return plain }
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return try .tls(plain, tlsConfiguration: tls)
    }

    /// Plain HTTP/1.1 with the limits.
    public static func http1(limits: LimitSettings) -> HTTPServerBuilder {
        let counter = ConnectionCounter(limit: limits.maxConnections)
        let retryAfter = limits.retryAfterSeconds
        return .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [
                    OversizeHeadHandler(limit: limits.maxHeaderSize),
                    ConnectionLimitHandler(counter: counter, retryAfterSeconds: retryAfter),
                ],
                idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds)),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: limits.maxHeaderSize, maxHeaderListSize: limits.maxHeaderSize,
                    maxHeaderFieldCount: 1000)))
    }
}

import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Counts the open client connections of one server.
final class ConnectionCounter: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection; `false` when it is one too many.
    func open() -> Bool { count.wrappingAdd(1, ordering: .relaxed).newValue <= limit }
    func close() { count.wrappingSubtract(1, ordering: .relaxed) }
    var current: Int { count.load(ordering: .relaxed) }
}

/// Refuses connections beyond `--max-connections`: the first request of such a
/// connection is answered 503 with `Retry-After` and the connection is closed. Each
/// open connection costs memory (buffers, at most `--max-header-size` of headers)
/// even when idle, so this bounds what idle and slow clients can hold.
final class ConnectionLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let counter: ConnectionCounter
    private let retryAfterSeconds: Int
    private var counted = false
    private var refused = false

    init(counter: ConnectionCounter, retryAfterSeconds: Int) {
        self.counter = counter
        self.retryAfterSeconds = retryAfterSeconds
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        refused = !counter.open()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted {
            counted = false
            counter.close()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard refused else {
            context.fireChannelRead(data)
            return
        }
        guard case .head = unwrapInboundIn(data) else { return }
        let body =
            #"{"error":true,"errorNum":503,"errorMessage":"Service Unavailable: too many connections","code":503}"#
        var head = HTTPResponse(status: .serviceUnavailable)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.utf8.count)
        head.headerFields[.retryAfter] = String(retryAfterSeconds)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(promise: nil)
    }
}

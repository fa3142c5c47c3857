package dev.grpcedge.route;

import dev.grpcedge.auth.AuthContext;
import dev.grpcedge.tls.ClientCertificate;
import dev.grpcedge.tls.PeerCertificates;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.CompressorRegistry;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Carries one call to an upstream and back as bytes: any of the four kinds, with flow control end to end (one
 * message in flight each way, the next asked for when the other side is ready, so a slow reader or a slow upstream
 * pushes back instead of being buffered), the caller's deadline capped and shrunk by the time already spent,
 * cancellation both ways, and headers, trailers and status details as the upstream sent them.
 *
 * <p>The caller's credentials never go upstream: {@code authorization} is removed, with every header named like
 * one the gateway sets; {@code x-forwarded-for} is the caller's address, and {@link IdentityTokens} vouches for
 * the verified caller.
 */
final class Forwarder implements ServerCallHandler<byte[], byte[]> {
  /** Headers a caller sends that must not reach the upstream as sent. */
  static final Set<String> STRIPPED = Set.of("authorization", "x-forwarded-for", "grpc-edge-identity",
      "grpc-edge-bridge-id", "user-agent", "te", "content-type", "grpc-timeout", "grpc-encoding",
      "grpc-accept-encoding");
  static final Metadata.Key<String> ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> FORWARDED_FOR = Metadata.Key.of("x-forwarded-for",
      Metadata.ASCII_STRING_MARSHALLER);

  /** An IPv4 or bracketed IPv6 address with a port, as grpc-java writes them into the statuses it makes. */
  private static final java.util.regex.Pattern ADDRESS =
      java.util.regex.Pattern.compile("(\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-fA-F:]+\\]):\\d+");

  private final Upstream upstream;
  private final IdentityTokens identity;

  /** @param identity signs the caller's identity for the upstream; null sends none */
  Forwarder(Upstream upstream, IdentityTokens identity) {
    this.upstream = upstream;
    this.identity = identity;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
    Metadata outbound = new Metadata();
    for (String key : headers.keys()) {
      if (STRIPPED.contains(key) || key.startsWith(":")) {
        continue;
      }
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        Metadata.Key<byte[]> k = Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER);
        for (byte[] v : headers.getAll(k)) {
          outbound.put(k, v);
        }
      } else {
        Metadata.Key<String> k = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
        for (String v : headers.getAll(k)) {
          outbound.put(k, v);
        }
      }
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
      outbound.put(FORWARDED_FOR, a.getAddress().getHostAddress());
    }
    if (identity != null) {
      // The verified caller as the gateway vouches for it; the caller's own token stays here (STRIPPED).
      String certSubject = PeerCertificates.of(call).map(ClientCertificate::subject).orElse(null);
      outbound.put(IdentityTokens.HEADER, identity.tokenFor(AuthContext.current(), certSubject, upstream.name()));
    }
    CallOptions options = CallOptions.DEFAULT.withDeadline(deadline(Context.current().getDeadline()));
    String encoding = compressor(headers);
    if (encoding != null) {
      // grpc-java decompressed what the caller sent; it goes on compressed the same way.
      options = options.withCompression(encoding);
    }
    // The upstream call starts in the root context, not the caller's. Starting it may run the channel's queued work
    // on this thread (connect, start each backend's health Watch), and grpc-java's health checker starts its Watch
    // in the current context: in the caller's, the Watch was cancelled when this one call ended, and the backend
    // counted as failed. The caller's deadline is in the options; its cancellation reaches the upstream in onCancel.
    Context previous = Context.ROOT.attach();
    Pump pump;
    try {
      ClientCall<byte[], byte[]> upstreamCall = upstream.channel().newCall(
          Bytes.method(call.getMethodDescriptor().getFullMethodName()), options);
      pump = new Pump(call, upstreamCall, upstream.name());
      upstreamCall.start(pump.fromUpstream, outbound);
      upstreamCall.request(1);
    } finally {
      Context.ROOT.detach(previous);
    }
    call.request(1);
    return pump.fromCaller;
  }

  /** The compression of the headers' messages ({@code grpc-encoding}), when it is one grpc-java can apply. */
  static String compressor(Metadata headers) {
    String encoding = headers.get(ENCODING);
    return encoding == null || encoding.equals("identity")
        || CompressorRegistry.getDefaultInstance().lookupCompressor(encoding) == null ? null : encoding;
  }

  /** The caller's deadline, at most the upstream's {@code max_deadline}; its {@code default_deadline} without one. */
  private Deadline deadline(Deadline callers) {
    Deadline cap = Deadline.after(upstream.config().maxDeadline().toNanos(), TimeUnit.NANOSECONDS);
    if (callers == null) {
      return Deadline.after(upstream.config().defaultDeadline().toNanos(), TimeUnit.NANOSECONDS);
    }
    return callers.minimum(cap);
  }

  /** Both directions of one forwarded call. */
  private static final class Pump {
    final ServerCall<byte[], byte[]> caller;
    final ClientCall<byte[], byte[]> upstream;
    final String upstreamName;
    final ServerCall.Listener<byte[]> fromCaller;
    final ClientCall.Listener<byte[]> fromUpstream;
    // Guarded by this: a message was delivered but the other side was not ready, so the next is not yet asked for.
    private boolean callerWaiting;
    private boolean upstreamWaiting;
    private volatile boolean callerCancelled;

    Pump(ServerCall<byte[], byte[]> caller, ClientCall<byte[], byte[]> upstream, String upstreamName) {
      this.caller = caller;
      this.upstream = upstream;
      this.upstreamName = upstreamName;
      this.fromCaller = new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          upstream.sendMessage(message);
          synchronized (Pump.this) {
            if (upstream.isReady()) {
              caller.request(1);
            } else {
              callerWaiting = true;
            }
          }
        }

        @Override
        public void onHalfClose() {
          upstream.halfClose();
        }

        @Override
        public void onCancel() {
          // The caller went away, or its deadline passed: the upstream call ends too.
          callerCancelled = true;
          // In the root context, as the call was started: this thread's context is the cancelled caller's.
          Context previous = Context.ROOT.attach();
          try {
            upstream.cancel("the caller cancelled", null);
          } finally {
            Context.ROOT.detach(previous);
          }
        }

        @Override
        public void onReady() {
          synchronized (Pump.this) {
            if (upstreamWaiting) {
              upstreamWaiting = false;
              upstream.request(1);
            }
          }
        }
      };
      this.fromUpstream = new ClientCall.Listener<>() {
        @Override
        public void onHeaders(Metadata headers) {
          String encoding = compressor(headers);
          if (encoding != null) {
            // As the upstream answered; grpc-java sends it uncompressed if the caller does not accept it.
            caller.setCompression(encoding);
          }
          caller.sendHeaders(headers);
        }

        @Override
        public void onMessage(byte[] message) {
          caller.sendMessage(message);
          synchronized (Pump.this) {
            if (caller.isReady()) {
              upstream.request(1);
            } else {
              upstreamWaiting = true;
            }
          }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          caller.close(toCaller(status), trailers);
        }

        @Override
        public void onReady() {
          synchronized (Pump.this) {
            if (callerWaiting) {
              callerWaiting = false;
              caller.request(1);
            }
          }
        }
      };
    }

    /**
     * The upstream's status for the caller. A status the upstream's service chose goes as it is; one that grpc-java
     * made on the gateway's side of the hop (no backend reachable, a connection lost) is said without the internal
     * addresses and causes it carries.
     */
    private Status toCaller(Status status) {
      if (status.getCode() == Status.Code.CANCELLED && !callerCancelled) {
        // The upstream ended the call (a backend stopping resets its streams with CANCEL): to the caller, who
        // cancelled nothing, the upstream went away.
        return Status.UNAVAILABLE.withDescription("upstream " + upstreamName + " went away");
      }
      String description = status.getDescription();
      boolean local = status.getCause() != null
          || description != null && (description.contains("remote_addr=") || ADDRESS.matcher(description).find());
      if (!local) {
        return status;
      }
      return switch (status.getCode()) {
        case UNAVAILABLE -> Status.UNAVAILABLE.withDescription("upstream " + upstreamName + " is unavailable");
        case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded");
        case CANCELLED -> Status.CANCELLED.withDescription("cancelled");
        default -> Status.fromCode(status.getCode()).withDescription("upstream " + upstreamName + ": "
            + status.getCode().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
      };
    }
  }
}

package dev.grpcedge.observe;

import dev.grpcedge.auth.AuthContext;
import dev.grpcedge.auth.Principal;
import dev.grpcedge.tls.ClientCertificate;
import dev.grpcedge.tls.PeerCertificates;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;

/**
 * Writes one line per call when it ends, however it ends: peer, method, subject, status, duration and message
 * counts, and the TLS client certificate's subject and SANs when the caller sent one. It runs outermost, so calls
 * refused by authentication, limits or a cancelled caller are logged too. It never reads the request headers, so
 * a token cannot reach the log. Lines are made and written by an {@link AccessLogWriter}, off the call's path.
 */
public final class AccessLogInterceptor implements ServerInterceptor {
  /** The logger name, so operators can route access lines to their own appender. */
  public static final String LOGGER = "grpc-edge.access";

  private static final Attributes.Key<ConnectionFields> CONNECTION = Attributes.Key.create("grpc-edge.access-log");

  /**
   * How a bridged call came in ({@code grpc-web origin=https://app.example}), for its access line as
   * {@code protocol=...}; native calls have none.
   */
  public static final Attributes.Key<String> VIA = Attributes.Key.create("grpc-edge.via");

  private final AccessLogWriter writer;
  private final CallOutcomes outcomes;
  private final boolean json;

  public AccessLogInterceptor(AccessLogWriter writer) {
    this(writer, CallOutcomes.NONE, false);
  }

  /**
   * @param outcomes reads each call's outcome too (the metrics), from the same record as the line
   * @param json one JSON object per call ({@code log.access_format: json}) rather than {@code key=value} text
   */
  public AccessLogInterceptor(AccessLogWriter writer, CallOutcomes outcomes, boolean json) {
    this.writer = writer;
    this.outcomes = outcomes;
    this.json = json;
  }

  /**
   * Gives each connection its part of the line (peer, client certificate) once, when it is ready, rather than on
   * every call. Install it after {@link PeerCertificates}; without it each call works its part out again.
   */
  public static ServerTransportFilter connectionFilter() {
    return new ServerTransportFilter() {
      @Override
      public Attributes transportReady(Attributes transportAttrs) {
        return transportAttrs.toBuilder().set(CONNECTION, ConnectionFields.of(transportAttrs)).build();
      }
    };
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ConnectionFields connection = call.getAttributes().get(CONNECTION);
    CallRecord record = new CallRecord(writer, outcomes, call.getMethodDescriptor().getFullMethodName(),
        connection != null ? connection : ConnectionFields.of(call.getAttributes()), System.nanoTime(),
        call.getAttributes().get(VIA), json);
    // The caller's trace continued (or a new one), the gateway's span in the headers that go on.
    record.trace = TraceContext.continueOrStart(headers);
    ServerCall<ReqT, RespT> recording = new SimpleForwardingServerCall<>(call) {
      @Override
      public void request(int numMessages) {
        // Handlers call request() from startCall, in the call's context after authentication, so this is where
        // the principal can be seen without coupling the log to the auth interceptor.
        record.notePrincipal(AuthContext.current());
        super.request(numMessages);
      }

      @Override
      public void sendMessage(RespT message) {
        record.messagesOut++;
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        record.notePrincipal(AuthContext.current());
        record.status = status;
        super.close(status, trailers);
      }
    };
    CallEnd end = CallEnd.forDeadline(Context.current().getDeadline());
    ServerCall.Listener<ReqT> listener = next.startCall(recording, headers);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(ReqT message) {
        record.messagesIn++;
        super.onMessage(message);
      }

      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          record.write(record.status == null ? Status.OK : record.status);
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          record.write(record.status != null && !record.status.isOk() ? record.status : end.onCancel());
        }
      }
    };
  }

  /** A connection's fields of the line: the peer, and the client certificate's subject and SANs if it sent one. */
  record ConnectionFields(String peer, String clientCert, ClientCertificate cert) {
    static ConnectionFields of(Attributes attributes) {
      Object peer = attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      ClientCertificate cert = PeerCertificates.of(attributes).orElse(null);
      return new ConnectionFields(peer == null ? "-" : peer.toString(), cert == null ? ""
          : " client_cert=\"" + safe(cert.subject()) + "\" client_sans="
              + (cert.sans().isEmpty() ? "-" : safe(String.join(",", cert.sans()))), cert);
    }
  }

  /** What is known of one call so far; once it has ended, its access line. */
  static final class CallRecord implements AccessLogWriter.AccessLine {
    final AccessLogWriter writer;
    final CallOutcomes outcomes;
    final String method;
    final ConnectionFields connection;
    final long startNanos;
    // Each count has one writer: grpc serializes a call's listener callbacks, and the service its sends.
    int messagesIn;
    volatile int messagesOut;
    volatile Principal principal;
    volatile Status status;
    // Set when the call ends, before the record is handed to the writer (whose queue publishes them). Only the
    // listener sets them, on onComplete or onCancel (grpc calls one of them, once); non-null once written.
    Status finalStatus;
    long hundredths;

    final String via;

    final boolean json;
    volatile TraceContext trace;
    long endMillis;

    CallRecord(AccessLogWriter writer, CallOutcomes outcomes, String method, ConnectionFields connection,
        long startNanos, String via, boolean json) {
      this.json = json;
      this.via = via;
      this.writer = writer;
      this.outcomes = outcomes;
      // Any :path reaches the chain now (routed and unknown methods too): what a client wrote, made safe and short.
      String m = safe(method);
      this.method = m.length() > 200 ? m.substring(0, 200) + "..." : m;
      this.connection = connection;
      this.startNanos = startNanos;
    }

    void notePrincipal(Principal p) {
      if (p != null) {
        principal = p;
      }
    }

    void write(Status finalStatus) {
      if (this.finalStatus != null) {
        return;
      }
      this.finalStatus = finalStatus;
      outcomes.ended(finalStatus, principal != null, via);
      if (!writer.enabled()) {
        return;
      }
      this.hundredths = (System.nanoTime() - startNanos + 5_000) / 10_000;
      this.endMillis = json ? System.currentTimeMillis() : 0;
      // The writer's thread makes the text (appendTo): the call's thread only queues this record.
      writer.write(this);
    }

    /** The line, built by hand: String.format parses its pattern and builds a Formatter on every call. */
    @Override
    public void appendTo(StringBuilder line) {
      if (json) {
        AccessJson.append(line, this);
        return;
      }
      long fraction = hundredths % 100;
      Principal p = principal;
      line.append("peer=").append(connection.peer())
          .append(" method=").append(method)
          .append(" sub=").append(p == null ? "-" : safe(p.subject()))
          .append(" status=").append(finalStatus.getCode())
          .append(" duration_ms=").append(hundredths / 100).append(fraction < 10 ? ".0" : ".").append(fraction)
          .append(" in=").append(messagesIn)
          .append(" out=").append(messagesOut)
          .append(connection.clientCert());
      TraceContext t = trace;
      if (t != null) {
        line.append(" trace_id=").append(t.traceId()).append(" span_id=").append(t.spanId());
      }
      if (via != null) {
        line.append(" protocol=").append(safe(via));
      }
      String description = finalStatus.getDescription();
      if (description != null) {
        line.append(" desc=\"").append(safe(description)).append('"');
      }
    }
  }

  /**
   * One line per call, whatever the caller sent: control characters (a forged line break in a token's {@code sub},
   * a status description or a certificate subject) become {@code ?}, and quotes become apostrophes.
   */
  static String safe(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      char replacement = c == '"' ? '\'' : (c < 0x20 || c == 0x7f) ? '?' : c;
      if (replacement != c && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(replacement);
      }
    }
    return out == null ? text : out.toString();
  }
}

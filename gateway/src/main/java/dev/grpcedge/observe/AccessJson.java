package dev.grpcedge.observe;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.grpcedge.auth.Principal;
import java.time.Instant;

/**
 * One call's access line as a JSON object ({@code log.access_format: json}). The field names are stable:
 * {@code time}, {@code peer}, {@code method}, {@code sub}, {@code status}, {@code code}, {@code duration_ms},
 * {@code in}, {@code out}, and when they apply {@code desc}, {@code client_cert}, {@code client_sans},
 * {@code protocol}, {@code origin}, {@code trace_id}, {@code span_id}, {@code parent_span_id}.
 */
final class AccessJson {
  private AccessJson() {}

  static void append(StringBuilder out, AccessLogInterceptor.CallRecord r) {
    Principal p = r.principal;
    out.append("{\"time\":\"").append(Instant.ofEpochMilli(r.endMillis)).append('"');
    string(out, "peer", r.connection.peer());
    string(out, "method", r.method);
    string(out, "sub", p == null ? null : p.subject());
    string(out, "status", r.finalStatus.getCode().name());
    out.append(",\"code\":").append(r.finalStatus.getCode().value());
    long fraction = r.hundredths % 100;
    out.append(",\"duration_ms\":").append(r.hundredths / 100).append(fraction < 10 ? ".0" : ".").append(fraction);
    out.append(",\"in\":").append(r.messagesIn).append(",\"out\":").append(r.messagesOut);
    string(out, "desc", r.finalStatus.getDescription());
    if (r.connection.cert() != null) {
      string(out, "client_cert", r.connection.cert().subject());
      out.append(",\"client_sans\":[");
      for (int i = 0; i < r.connection.cert().sans().size(); i++) {
        out.append(i == 0 ? "\"" : ",\"");
        JsonStringEncoder.getInstance().quoteAsString(r.connection.cert().sans().get(i), out);
        out.append('"');
      }
      out.append(']');
    }
    if (r.via != null) {
      // "grpc-web origin=https://app.example": the protocol, and the page's origin when the browser sent one.
      int space = r.via.indexOf(' ');
      string(out, "protocol", space < 0 ? r.via : r.via.substring(0, space));
      if (space >= 0 && r.via.startsWith("origin=", space + 1)) {
        string(out, "origin", r.via.substring(space + 1 + "origin=".length()));
      }
    }
    TraceContext t = r.trace;
    if (t != null) {
      string(out, "trace_id", t.traceId());
      string(out, "span_id", t.spanId());
      string(out, "parent_span_id", t.parentId());
    }
    out.append('}');
  }

  /** {@code ,"name":"value"}, escaped; nothing when the value is null. */
  private static void string(StringBuilder out, String name, String value) {
    if (value == null) {
      return;
    }
    out.append(",\"").append(name).append("\":\"");
    JsonStringEncoder.getInstance().quoteAsString(value, out);
    out.append('"');
  }
}

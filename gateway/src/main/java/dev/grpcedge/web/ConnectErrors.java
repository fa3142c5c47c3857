package dev.grpcedge.web;

import com.google.gson.JsonObject;
import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Base64;
import java.util.Locale;

/** Connect's error model ("Connect Protocol Reference"): a code name, its HTTP status, and the JSON error body. */
final class ConnectErrors {
  private ConnectErrors() {}

  /** {@code permission_denied} for PERMISSION_DENIED; Connect spells CANCELLED as {@code canceled}. */
  static String code(Status.Code code) {
    return code == Status.Code.CANCELLED ? "canceled" : code.name().toLowerCase(Locale.ROOT);
  }

  /** The HTTP status of a unary error, as the protocol maps it. */
  static HttpResponseStatus httpStatus(Status.Code code) {
    switch (code) {
      case CANCELLED: return HttpResponseStatus.valueOf(499, "Client Closed Request");
      case INVALID_ARGUMENT:
      case FAILED_PRECONDITION:
      case OUT_OF_RANGE: return HttpResponseStatus.BAD_REQUEST;
      case DEADLINE_EXCEEDED: return HttpResponseStatus.GATEWAY_TIMEOUT;
      case NOT_FOUND: return HttpResponseStatus.NOT_FOUND;
      case ALREADY_EXISTS:
      case ABORTED: return HttpResponseStatus.CONFLICT;
      case PERMISSION_DENIED: return HttpResponseStatus.FORBIDDEN;
      case RESOURCE_EXHAUSTED: return HttpResponseStatus.TOO_MANY_REQUESTS;
      case UNIMPLEMENTED: return HttpResponseStatus.NOT_IMPLEMENTED;
      case UNAVAILABLE: return HttpResponseStatus.SERVICE_UNAVAILABLE;
      case UNAUTHENTICATED: return HttpResponseStatus.UNAUTHORIZED;
      default: return HttpResponseStatus.INTERNAL_SERVER_ERROR;
    }
  }

  /** {@code {"code": "...", "message": "..."}}, with {@code grpc-status-details-bin} as the details when sent. */
  static JsonObject body(Status status, Metadata trailers) {
    JsonObject error = new JsonObject();
    error.addProperty("code", code(status.getCode()));
    if (status.getDescription() != null) {
      error.addProperty("message", status.getDescription());
    }
    byte[] details = trailers == null ? null : trailers.get(
        Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER));
    if (details != null) {
      com.google.gson.JsonArray list = new com.google.gson.JsonArray();
      JsonObject detail = new JsonObject();
      detail.addProperty("type", "google.rpc.Status");
      detail.addProperty("value", Base64.getEncoder().withoutPadding().encodeToString(details));
      list.add(detail);
      error.add("details", list);
    }
    return error;
  }
}

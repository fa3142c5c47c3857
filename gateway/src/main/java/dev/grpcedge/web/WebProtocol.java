package dev.grpcedge.web;

import java.util.Locale;

/** The browser protocols the bridge speaks, told apart by the request's content type. */
enum WebProtocol {
  /** gRPC-Web, binary: {@code application/grpc-web} or {@code application/grpc-web+proto}. */
  GRPC_WEB("grpc-web", "application/grpc-web+proto", false),
  /** gRPC-Web text: the same frames, base64. */
  GRPC_WEB_TEXT("grpc-web-text", "application/grpc-web-text+proto", false),
  /** Connect unary, binary: the body is the message. */
  CONNECT("connect", "application/proto", false),
  /** Connect unary, JSON (protobuf's JSON mapping). */
  CONNECT_JSON("connect+json", "application/json", true),
  /** Connect streaming, binary: enveloped messages, then an end-stream envelope. */
  CONNECT_STREAM("connect", "application/connect+proto", false),
  /** Connect streaming, JSON. */
  CONNECT_STREAM_JSON("connect+json", "application/connect+json", true);

  final String logName;
  final String responseType;
  final boolean json;

  WebProtocol(String logName, String responseType, boolean json) {
    this.logName = logName;
    this.responseType = responseType;
    this.json = json;
  }

  /** The protocol of {@code contentType} (parameters ignored), or null for one the bridge does not speak. */
  static WebProtocol of(String contentType) {
    if (contentType == null) {
      return null;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    switch (type) {
      case "application/grpc-web":
      case "application/grpc-web+proto":
        return GRPC_WEB;
      case "application/grpc-web-text":
      case "application/grpc-web-text+proto":
        return GRPC_WEB_TEXT;
      case "application/proto":
        return CONNECT;
      case "application/json":
        return CONNECT_JSON;
      case "application/connect+proto":
        return CONNECT_STREAM;
      case "application/connect+json":
        return CONNECT_STREAM_JSON;
      default:
        return null;
    }
  }

  boolean text() {
    return this == GRPC_WEB_TEXT;
  }

  boolean grpcWeb() {
    return this == GRPC_WEB || this == GRPC_WEB_TEXT;
  }

  boolean connectUnary() {
    return this == CONNECT || this == CONNECT_JSON;
  }
}

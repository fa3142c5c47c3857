package dev.grpcedge.web;

import java.util.Locale;

/** The browser protocols the bridge speaks, told apart by the request's content type. */
enum WebProtocol {
  /** gRPC-Web, binary: {@code application/grpc-web} or {@code application/grpc-web+proto}. */
  GRPC_WEB("grpc-web", "application/grpc-web+proto"),
  /** gRPC-Web text: the same frames, base64. */
  GRPC_WEB_TEXT("grpc-web-text", "application/grpc-web-text+proto");

  final String logName;
  final String responseType;

  WebProtocol(String logName, String responseType) {
    this.logName = logName;
    this.responseType = responseType;
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
      default:
        return null;
    }
  }

  boolean text() {
    return this == GRPC_WEB_TEXT;
  }
}

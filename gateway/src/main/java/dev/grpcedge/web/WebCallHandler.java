package dev.grpcedge.web;

import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One browser request, on an HTTP/1.1 connection or an HTTP/2 stream: the origin is checked first (an origin not
 * on the list is refused before authentication), preflights are answered here, anything that is not a gRPC-Web
 * POST to {@code /package.Service/Method} gets the HTTP status that says why, and the rest becomes a
 * {@link BridgeCall}. Bad input fails that request only; the connection stays usable where HTTP allows.
 */
final class WebCallHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Pattern METHOD_PATH = Pattern.compile("/[A-Za-z_][\\w.]*/[A-Za-z_]\\w*");

  private final WebBridge bridge;
  private final boolean http1;
  private BridgeCall current;

  WebCallHandler(WebBridge bridge, boolean http1) {
    this.bridge = bridge;
    this.http1 = http1;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      // Oversized or malformed headers: HTTP/1.1 cannot read on after them, so the answer closes the connection
      // (HttpServerKeepAliveHandler, which also closes after any exchange that asked for Connection: close).
      FullHttpResponse response = plain(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "request headers cannot be read", null);
      HttpUtil.setKeepAlive(response, false);
      send(ctx, response);
      return;
    }
    if (request.method().equals(HttpMethod.GET) && document(ctx, request)) {
      return;
    }
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (!bridge.cors().allows(origin)) {
      send(ctx, plain(HttpResponseStatus.FORBIDDEN, "origin not allowed", null));
      return;
    }
    HttpHeaders cors = bridge.cors().responseHeaders(origin);
    if (request.method().equals(HttpMethod.OPTIONS)) {
      preflight(ctx, request, origin);
      return;
    }
    if (!request.method().equals(HttpMethod.POST)) {
      send(ctx, plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "gRPC-Web and Connect calls are POST",
          cors.set(HttpHeaderNames.ALLOW, "POST")));
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    if (!METHOD_PATH.matcher(path).matches()) {
      send(ctx, plain(HttpResponseStatus.NOT_FOUND, "not a gRPC method path: /package.Service/Method", cors));
      return;
    }
    WebProtocol protocol = WebProtocol.of(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
    if (protocol == null) {
      send(ctx, plain(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "content-type must be application/grpc-web(+proto),"
          + " application/grpc-web-text(+proto), or Connect's application/proto, application/json,"
          + " application/connect+proto or application/connect+json", cors));
      return;
    }
    String method = path.substring(1);
    List<byte[]> messages;
    Metadata metadata;
    long timeout;
    try {
      messages = messages(protocol, method, request);
      metadata = WebHeaders.toMetadata(request.headers());
      timeout = protocol.grpcWeb() ? WebHeaders.timeoutNanos(request.headers().get("grpc-timeout"))
          : connectTimeoutNanos(request.headers());
    } catch (Frames.Malformed e) {
      Answer.of(ctx, protocol, cors, null, null).close(e.status, new Metadata(), new Metadata());
      return;
    }
    String id = bridge.callers().register(bridge.caller(ctx.channel(), protocol, origin));
    metadata.put(BridgedCallers.ID, id);
    if (http1) {
      // One call at a time on an HTTP/1.1 connection: the next request is read once this answer is written.
      ctx.channel().config().setAutoRead(false);
    }
    current = new BridgeCall(ctx, Answer.of(ctx, protocol, cors, method, bridge.json()), () -> {
      bridge.callers().forget(id);
      if (http1) {
        ctx.channel().config().setAutoRead(true);
      }
    });
    current.start(bridge.channel(), method, metadata, bridge.deadlineNanos(timeout), messages);
  }

  private List<byte[]> messages(WebProtocol protocol, String method, FullHttpRequest request) throws Frames.Malformed {
    if (protocol.connectUnary()) {
      String version = request.headers().get("connect-protocol-version");
      if (version != null && !version.equals("1")) {
        throw new Frames.Malformed(Status.INVALID_ARGUMENT.withDescription("connect-protocol-version must be 1"));
      }
    }
    return RequestBodies.messages(protocol, method, request.content(), bridge.json(), bridge.maxMessageBytes());
  }

  /** {@code Connect-Timeout-Ms}: at most 10 digits of milliseconds; -1 when absent or wrongly written. */
  private static long connectTimeoutNanos(HttpHeaders headers) {
    String ms = headers.get("connect-timeout-ms");
    if (ms == null || ms.isEmpty() || ms.length() > 10 || !ms.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Long.parseLong(ms));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (current != null) {
      current.cancel("the browser went away");
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (current != null) {
      current.writable();
    }
    super.channelWritabilityChanged(ctx);
  }

  /** Answers a GET of a published document (public keys: no token, and any origin may read them). */
  private boolean document(ChannelHandlerContext ctx, FullHttpRequest request) {
    String body = bridge.document(new QueryStringDecoder(request.uri()).path());
    if (body == null) {
      return false;
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .set(HttpHeaderNames.CACHE_CONTROL, "max-age=60");
    send(ctx, response);
    return true;
  }

  private void preflight(ChannelHandlerContext ctx, FullHttpRequest request, String origin) {
    String method = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    if (origin == null || !"POST".equals(method)) {
      send(ctx, plain(HttpResponseStatus.FORBIDDEN, "preflight for POST from an allowed origin only", null));
      return;
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    response.headers().add(bridge.cors().preflightHeaders(origin));
    send(ctx, response);
  }

  private static FullHttpResponse plain(HttpResponseStatus status, String text, HttpHeaders extra) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    if (extra != null) {
      response.headers().add(extra);
    }
    return response;
  }

  private static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    ctx.writeAndFlush(response);
  }
}

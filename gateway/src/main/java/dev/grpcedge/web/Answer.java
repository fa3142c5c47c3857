package dev.grpcedge.web;

import com.google.gson.JsonObject;
import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/** How a call's answer is written for one protocol: its replies as they come, then how it ended. */
abstract class Answer {
  final ChannelHandlerContext ctx;
  final WebProtocol protocol;
  final HttpHeaders cors;

  Answer(ChannelHandlerContext ctx, WebProtocol protocol, HttpHeaders cors) {
    this.ctx = ctx;
    this.protocol = protocol;
    this.cors = cors;
  }

  static Answer of(ChannelHandlerContext ctx, WebProtocol protocol, HttpHeaders cors, String method, JsonCodec json) {
    if (protocol.grpcWeb()) {
      return new GrpcWeb(ctx, protocol, cors);
    }
    return protocol.connectUnary() ? new ConnectUnary(ctx, protocol, cors, method, json)
        : new ConnectStream(ctx, protocol, cors, method, json);
  }

  /** Writes one reply (the first with {@code headers}); the future is done once it is written. */
  abstract ChannelFuture message(byte[] message, Metadata headers);

  /** Ends the answer: the last write. */
  abstract ChannelFuture close(Status status, Metadata headers, Metadata trailers);

  HttpResponse streamingHeaders(Metadata headers) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpUtil.setTransferEncodingChunked(response, true);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, protocol.responseType).add(cors);
    WebHeaders.addTo(response.headers(), headers);
    return response;
  }

  FullHttpResponse full(HttpResponseStatus status, String contentType, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType).add(cors);
    HttpUtil.setContentLength(response, body.readableBytes());
    return response;
  }

  /** gRPC-Web: headers with the first reply, a frame each, the trailer frame; or trailers-only. */
  private static final class GrpcWeb extends Answer {
    private boolean headersSent;

    GrpcWeb(ChannelHandlerContext ctx, WebProtocol protocol, HttpHeaders cors) {
      super(ctx, protocol, cors);
    }

    @Override
    ChannelFuture message(byte[] message, Metadata headers) {
      if (!headersSent) {
        headersSent = true;
        ctx.write(streamingHeaders(headers));
      }
      return ctx.writeAndFlush(new DefaultHttpContent(Frames.message(ctx.alloc(), message, protocol.text())));
    }

    @Override
    ChannelFuture close(Status status, Metadata headers, Metadata trailers) {
      if (headersSent) {
        ctx.write(new DefaultHttpContent(Frames.trailers(ctx.alloc(), status, trailers, protocol.text())));
        return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      }
      // Trailers-only: the status and trailers are the headers of an answer without a body.
      FullHttpResponse response = full(HttpResponseStatus.OK, protocol.responseType, Unpooled.EMPTY_BUFFER);
      WebHeaders.addTo(response.headers(), headers);
      WebHeaders.addTo(response.headers(), trailers);
      WebHeaders.addStatus(response.headers(), status);
      return ctx.writeAndFlush(response);
    }
  }

  /** Connect unary: the reply is the body, trailers are {@code trailer-} headers; an error is JSON with its HTTP status. */
  private static final class ConnectUnary extends Answer {
    private final String method;
    private final JsonCodec json;
    private byte[] reply;

    ConnectUnary(ChannelHandlerContext ctx, WebProtocol protocol, HttpHeaders cors, String method, JsonCodec json) {
      super(ctx, protocol, cors);
      this.method = method;
      this.json = json;
    }

    @Override
    ChannelFuture message(byte[] message, Metadata headers) {
      reply = message;
      return ctx.newSucceededFuture();
    }

    @Override
    ChannelFuture close(Status status, Metadata headers, Metadata trailers) {
      FullHttpResponse response;
      if (status.isOk() && reply != null) {
        byte[] body = protocol.json ? json.reply(method, reply).getBytes(StandardCharsets.UTF_8) : reply;
        response = full(HttpResponseStatus.OK, protocol.responseType, Unpooled.wrappedBuffer(body));
      } else {
        Status s = status.isOk() ? Status.UNIMPLEMENTED.withDescription("unary method answered no message") : status;
        response = full(ConnectErrors.httpStatus(s.getCode()), "application/json", Unpooled.copiedBuffer(
            ConnectErrors.body(s, trailers).toString(), StandardCharsets.UTF_8));
      }
      WebHeaders.addTo(response.headers(), headers);
      HttpHeaders prefixed = new io.netty.handler.codec.http.DefaultHttpHeaders();
      WebHeaders.addTo(prefixed, trailers);
      prefixed.forEach(h -> response.headers().add("trailer-" + h.getKey(), h.getValue()));
      return ctx.writeAndFlush(response);
    }
  }

  /** Connect streaming: HTTP 200, an envelope a reply, then the end-stream envelope with the error and trailers. */
  private static final class ConnectStream extends Answer {
    private static final int END_STREAM = 0x02;
    private final String method;
    private final JsonCodec json;
    private boolean headersSent;

    ConnectStream(ChannelHandlerContext ctx, WebProtocol protocol, HttpHeaders cors, String method, JsonCodec json) {
      super(ctx, protocol, cors);
      this.method = method;
      this.json = json;
    }

    @Override
    ChannelFuture message(byte[] message, Metadata headers) {
      sendHeaders(headers);
      byte[] payload = protocol.json ? json.reply(method, message).getBytes(StandardCharsets.UTF_8) : message;
      return ctx.writeAndFlush(new DefaultHttpContent(envelope(0, payload)));
    }

    @Override
    ChannelFuture close(Status status, Metadata headers, Metadata trailers) {
      sendHeaders(headers);
      JsonObject end = new JsonObject();
      if (!status.isOk()) {
        end.add("error", ConnectErrors.body(status, trailers));
      }
      HttpHeaders t = new io.netty.handler.codec.http.DefaultHttpHeaders();
      WebHeaders.addTo(t, trailers);
      if (!t.isEmpty()) {
        JsonObject metadata = new JsonObject();
        t.names().forEach(name -> {
          com.google.gson.JsonArray values = new com.google.gson.JsonArray();
          t.getAll(name).forEach(values::add);
          metadata.add(name, values);
        });
        end.add("metadata", metadata);
      }
      ctx.write(new DefaultHttpContent(envelope(END_STREAM, end.toString().getBytes(StandardCharsets.UTF_8))));
      return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    private void sendHeaders(Metadata headers) {
      if (!headersSent) {
        headersSent = true;
        ctx.write(streamingHeaders(headers));
      }
    }

    private ByteBuf envelope(int flags, byte[] payload) {
      return ctx.alloc().buffer(5 + payload.length).writeByte(flags).writeInt(payload.length).writeBytes(payload);
    }
  }
}

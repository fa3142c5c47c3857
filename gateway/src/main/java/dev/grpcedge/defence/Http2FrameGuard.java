package dev.grpcedge.defence;

import dev.grpcedge.config.Http2Limits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.ReferenceCountUtil;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the HTTP/2 frame headers of one connection as they pass, between TLS and grpc-java's HTTP/2 handler, in
 * both directions, without copying or changing a byte. Inbound it enforces what grpc-java leaves open:
 * consecutive empty DATA frames, CONTINUATION frames per header block and SETTINGS frames per window. A connection
 * over one of them is handed to grpc-java's handler as a connection error, which answers GOAWAY
 * {@code ENHANCE_YOUR_CALM} and closes it; nothing more it sent is read. Outbound it counts the streams the server
 * reset for the client's errors and the GOAWAY it sent, for the connection's one summary line when it closes.
 */
public final class Http2FrameGuard extends ChannelDuplexHandler {
  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int RST_STREAM = 0x3;
  private static final int SETTINGS = 0x4;
  private static final int GOAWAY = 0x7;
  private static final int CONTINUATION = 0x9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PREFACE_LENGTH = 24;
  /** Enough of a GOAWAY's debug data for grpc-java's reasons ("too_many_rststreams", "too_many_pings"). */
  private static final int GOAWAY_DEBUG = 32;

  private final int maxEmptyData;
  private final int maxContinuations;
  private final int maxSettings;
  private final long windowNanos;
  private final DefenceLog log;

  private final FrameReader in = new FrameReader(PREFACE_LENGTH);
  private final FrameReader out = new FrameReader(0);
  private int emptyData;
  private int continuations;
  private int settings;
  private long settingsWindowStart;
  private long framesIn;
  private long resetsIn;
  private long goAwayCode = -1;
  private String goAwayDebug = "";
  private final Map<Http2Error, Integer> resetsOut = new EnumMap<>(Http2Error.class);
  private String cutFor;

  public Http2FrameGuard(Http2Limits limits, DefenceLog log) {
    this.maxEmptyData = limits.maxEmptyDataFrames() == 0 ? Integer.MAX_VALUE : limits.maxEmptyDataFrames();
    this.maxContinuations = limits.maxContinuationFrames() == 0 ? Integer.MAX_VALUE : limits.maxContinuationFrames();
    this.maxSettings = limits.maxSettingsFrames() == 0 ? Integer.MAX_VALUE : limits.maxSettingsFrames();
    this.windowNanos = limits.window().toNanos();
    this.log = log;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (cutFor != null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf buf) {
      String violation = in.scan(buf, this::inbound);
      if (violation != null) {
        ReferenceCountUtil.release(msg);
        cutFor = violation;
        ctx.fireExceptionCaught(Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM, "%s", violation));
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf) {
      out.scan(buf, this::outbound);
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    int errors = resetsOut.values().stream().mapToInt(Integer::intValue).sum();
    boolean calmed = goAwayCode == Http2Error.ENHANCE_YOUR_CALM.code();
    if (cutFor != null || calmed || errors > 0 || (goAwayCode > 0 && goAwayCode != Http2Error.NO_ERROR.code())) {
      StringBuilder line = new StringBuilder();
      if (cutFor != null) {
        line.append("cut (GOAWAY ENHANCE_YOUR_CALM): ").append(cutFor);
      } else if (calmed) {
        line.append("cut (GOAWAY ENHANCE_YOUR_CALM): ").append(switch (goAwayDebug) {
          case "too_many_rststreams" -> "too many resets (limits.http2.max_resets)";
          case "too_many_pings" -> "pings too often (limits.http2.min_ping_interval)";
          default -> "by grpc-java's limits (" + goAwayDebug + ")";
        });
      } else if (goAwayCode > 0) {
        Http2Error code = Http2Error.valueOf(goAwayCode);
        line.append("closed with GOAWAY ").append(code == null ? String.valueOf(goAwayCode) : code.name());
      } else {
        line.append("closed");
      }
      line.append(" after ").append(framesIn).append(" frames; ").append(resetsIn).append(" streams reset by the client");
      if (errors > 0) {
        line.append(", ").append(errors).append(" streams reset by the server for the client's errors (")
            .append(resetsOut.entrySet().stream().map(e -> e.getKey().name() + " x" + e.getValue())
                .collect(Collectors.joining(", "))).append(')');
      }
      log.connection(ctx.channel().remoteAddress(), line.toString());
    }
    super.channelInactive(ctx);
  }

  /** Returns the violation, or null. */
  private String inbound(int type, int flags, int length, long padLength) {
    framesIn++;
    switch (type) {
      case DATA -> {
        if (length - padLength == 0 && (flags & END_STREAM) == 0) {
          if (++emptyData > maxEmptyData) {
            return emptyData + " consecutive empty DATA frames (limits.http2.max_empty_data_frames)";
          }
        } else {
          emptyData = 0;
        }
      }
      case HEADERS -> continuations = 0;
      case CONTINUATION -> {
        if (++continuations > maxContinuations) {
          return continuations + " CONTINUATION frames in one header block (limits.http2.max_continuation_frames)";
        }
      }
      case SETTINGS -> {
        if ((flags & ACK) == 0) {
          long now = System.nanoTime();
          if (settings == 0 || now - settingsWindowStart > windowNanos) {
            settings = 0;
            settingsWindowStart = now;
          }
          if (++settings > maxSettings) {
            return settings + " SETTINGS frames within limits.http2.window (limits.http2.max_settings_frames)";
          }
        }
      }
      case RST_STREAM -> resetsIn++;
      default -> { }
    }
    return null;
  }

  private String outbound(int type, int flags, int length, long errorCode) {
    if (type == RST_STREAM) {
      Http2Error code = Http2Error.valueOf(errorCode);
      // Not errors: a cancel, a stream closed under a late frame (the client's cancel crossing the server's
      // answer), a stream refused while the connection goes away.
      if (code != null && code != Http2Error.CANCEL && code != Http2Error.NO_ERROR && code != Http2Error.STREAM_CLOSED
          && code != Http2Error.REFUSED_STREAM) {
        resetsOut.merge(code, 1, Integer::sum);
      }
    } else if (type == GOAWAY) {
      goAwayCode = errorCode;
    }
    return null;
  }

  /**
   * Called once per frame header with its type, flags and payload length, and {@code extra}: a DATA frame's
   * padding (pad-length byte included), or a RST_STREAM's or GOAWAY's error code; else 0. Returns a violation or
   * null.
   */
  private interface FrameVisitor {
    String frame(int type, int flags, int length, long extra);
  }

  /**
   * Follows frame boundaries across buffers: after {@code skip} bytes (the client preface), a 9-byte header, then
   * its payload, which is skipped but for the few bytes a visitor needs (DATA's pad length, RST_STREAM's and
   * GOAWAY's error code).
   */
  private final class FrameReader {
    private long skip;
    private final byte[] header = new byte[9];
    private int headerFill;
    private int type;
    private int flags;
    private int length;
    /** Payload bytes still to pass of the current frame. */
    private int payloadLeft;
    /** Leading payload bytes wanted before the visitor is called, and those collected. */
    private int want;
    private final byte[] lead = new byte[8 + GOAWAY_DEBUG];
    private int leadFill;

    FrameReader(int preface) {
      this.skip = preface;
    }

    String scan(ByteBuf buf, FrameVisitor visitor) {
      int i = buf.readerIndex();
      int end = buf.writerIndex();
      while (i < end) {
        if (skip > 0) {
          int n = (int) Math.min(skip, end - i);
          skip -= n;
          i += n;
        } else if (want > 0) {
          lead[leadFill++] = buf.getByte(i++);
          payloadLeft--;
          if (leadFill == want) {
            want = 0;
            String v = visit(visitor);
            if (v != null) {
              return v;
            }
          }
        } else if (payloadLeft > 0) {
          int n = Math.min(payloadLeft, end - i);
          payloadLeft -= n;
          i += n;
        } else {
          header[headerFill++] = buf.getByte(i++);
          if (headerFill == 9) {
            headerFill = 0;
            length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
            type = header[3] & 0xff;
            flags = header[4] & 0xff;
            payloadLeft = length;
            leadFill = 0;
            want = leadWanted();
            if (want == 0) {
              String v = visit(visitor);
              if (v != null) {
                return v;
              }
            }
          }
        }
      }
      return null;
    }

    private int leadWanted() {
      if (type == DATA && (flags & PADDED) != 0 && length > 0) {
        return 1;
      }
      if (type == RST_STREAM && length == 4) {
        return 4;
      }
      if (type == GOAWAY && length >= 8) {
        return Math.min(length, 8 + GOAWAY_DEBUG);
      }
      return 0;
    }

    private String visit(FrameVisitor visitor) {
      long extra = 0;
      if (type == DATA && (flags & PADDED) != 0 && length > 0) {
        extra = 1 + (lead[0] & 0xff);
      } else if (type == RST_STREAM && length == 4) {
        extra = word(0) & 0xffffffffL;
      } else if (type == GOAWAY && length >= 8) {
        extra = word(4) & 0xffffffffL;
        goAwayDebug = new String(lead, 8, leadFill - 8, java.nio.charset.StandardCharsets.US_ASCII);
      }
      return visitor.frame(type, flags, length, extra);
    }

    private int word(int at) {
      return ((lead[at] & 0xff) << 24) | ((lead[at + 1] & 0xff) << 16) | ((lead[at + 2] & 0xff) << 8)
          | (lead[at + 3] & 0xff);
    }
  }
}

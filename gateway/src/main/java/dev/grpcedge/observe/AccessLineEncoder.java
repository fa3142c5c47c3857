package dev.grpcedge.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Encodes access lines exactly as the pattern {@value #PATTERN} would, at a fraction of its cost: the line is
 * copied once into a reused buffer, and the timestamp up to the second is formatted once a second. Access lines
 * are one per call, so the pattern layout's converters, builder and charset encoder were a visible share of a
 * gateway call's CPU. Thread-safe: logback's {@code OutputStreamAppender} encodes before it takes its lock, and
 * callers write their own access lines while the writer thread writes a batch.
 */
public final class AccessLineEncoder extends EncoderBase<ILoggingEvent> {
  /** The pattern this encoder's output matches. */
  public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{0} - %msg%n";

  private static final DateTimeFormatter TO_SECOND =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);

  // Guarded by this.
  private long second = Long.MIN_VALUE;
  private byte[] secondPrefix;
  private String loggerName;
  private String levelName;
  private byte[] middle; // "Z LEVEL logger - " for the last logger and level seen
  private byte[] buffer = new byte[512]; // the line being encoded
  private volatile boolean messageOnly; // JSON access lines: the object alone on its line, no time/level/logger prefix

  /** Writes the message alone on its line (a JSON access line carries its own time), or with the prefix again. */
  public void setMessageOnly(boolean messageOnly) {
    this.messageOnly = messageOnly;
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public synchronized byte[] encode(ILoggingEvent event) {
    int length = encodeToBuffer(event.getTimeStamp(), event.getLoggerName(), event.getLevel(),
        event.getFormattedMessage());
    return Arrays.copyOf(buffer, length);
  }

  /**
   * Writes to {@code out} what {@link #encode(ILoggingEvent)} returns for {@code message} logged by {@code logger} at
   * {@code level} at {@code millis}, without the event and without a new array per line
   * ({@link BatchedStderrAppender}'s batch path).
   */
  synchronized void write(OutputStream out, long millis, String logger, Level level, CharSequence message)
      throws IOException {
    out.write(buffer, 0, encodeToBuffer(millis, logger, level, message));
  }

  /** Encodes the line into {@link #buffer}; its length. */
  private int encodeToBuffer(long millis, String logger, Level level, CharSequence message) {
    long thisSecond = Math.floorDiv(millis, 1000);
    if (thisSecond != second) {
      secondPrefix = TO_SECOND.format(Instant.ofEpochSecond(thisSecond)).getBytes(StandardCharsets.US_ASCII);
      second = thisSecond;
    }
    String levelText = level.toString();
    if (!logger.equals(loggerName) || !levelText.equals(levelName)) {
      String shortName = logger.substring(logger.lastIndexOf('.') + 1);
      middle = ("Z " + String.format("%-5s", levelText) + " " + shortName + " - ").getBytes(StandardCharsets.UTF_8);
      loggerName = logger;
      levelName = levelText;
    }
    int length = message.length();
    byte[] out = room(secondPrefix.length + 3 + middle.length + length + 1);
    int at = 0;
    if (!messageOnly) {
      System.arraycopy(secondPrefix, 0, out, 0, secondPrefix.length);
      at = secondPrefix.length;
      int milli = (int) Math.floorMod(millis, 1000);
      out[at++] = (byte) ('0' + milli / 100);
      out[at++] = (byte) ('0' + milli / 10 % 10);
      out[at++] = (byte) ('0' + milli % 10);
      System.arraycopy(middle, 0, out, at, middle.length);
      at += middle.length;
    }
    for (int i = 0; i < length; i++) {
      char c = message.charAt(i);
      if (c >= 0x80) {
        // A subject or certificate name outside ASCII: encode the rest as UTF-8, as the pattern layout would.
        byte[] rest = message.subSequence(i, length).toString().getBytes(StandardCharsets.UTF_8);
        out = room(at + rest.length + 1);
        System.arraycopy(rest, 0, out, at, rest.length);
        at += rest.length;
        break;
      }
      out[at++] = (byte) c;
    }
    out[at++] = '\n';
    return at;
  }

  /** {@link #buffer}, grown (keeping its bytes) to hold at least {@code size} bytes. */
  private byte[] room(int size) {
    if (buffer.length < size) {
      buffer = Arrays.copyOf(buffer, Math.max(size, 2 * buffer.length));
    }
    return buffer;
  }
}

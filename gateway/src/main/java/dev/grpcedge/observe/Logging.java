package dev.grpcedge.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Process-wide logging set-up: one level for the gateway, and grpc-java's JUL output routed into the same log. */
public final class Logging {
  private Logging() {}

  /**
   * Routes java.util.logging (grpc-java, google-auth) into logback, once, so its levels in logback.xml apply and
   * its lines share one format.
   */
  public static void bridgeJavaUtilLogging() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  /** Sets the root level (TRACE, DEBUG, INFO, WARN, ERROR) and bridges java.util.logging. */
  public static void configure(String level) {
    configure(level, false);
  }

  /**
   * Sets the root level, and with {@code jsonAccessLines} writes each access line as the JSON object alone (no
   * time, level and logger in front: the object has its own {@code time}).
   */
  public static void configure(String level, boolean jsonAccessLines) {
    bridgeJavaUtilLogging();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    context.getLogger(AccessLogInterceptor.LOGGER).iteratorForAppenders().forEachRemaining(appender -> {
      if (appender instanceof ch.qos.logback.core.OutputStreamAppender<?> out
          && out.getEncoder() instanceof AccessLineEncoder encoder) {
        encoder.setMessageOnly(jsonAccessLines);
      }
    });
  }
}

package dev.grpcedge.tls;

/** TLS material or provider that cannot be used; the message names the file and the problem. */
public final class TlsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TlsException(String message) {
    super(message);
  }

  public TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}

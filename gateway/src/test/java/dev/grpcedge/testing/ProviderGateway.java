package dev.grpcedge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link TestProvider} (a real OAuth2 server in this JVM) and a {@link TestGateway} that trusts it as an issuer,
 * started once for a test class and closed after it:
 * {@code @RegisterExtension static final ProviderGateway env = new ProviderGateway();}.
 */
public final class ProviderGateway implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private TestProvider provider;
  private TestGateway gateway;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("provider-gateway");
    provider = TestProvider.start();
    gateway = TestGateway.in(dir).extraIssuers(provider.issuerYaml(dir)).start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      if (provider != null) {
        provider.close();
      }
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(file);
          }
        }
      }
    }
  }

  public TestProvider provider() {
    return provider;
  }

  public TestGateway gateway() {
    return gateway;
  }
}

package dev.grpcedge.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.Subprocess;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every metric the Grafana dashboard in deploy/grafana queries is on /metrics of a gateway that routes a call. */
class DashboardTest {
  private static final Path DASHBOARD = Subprocess.projectDir().resolve("deploy/grafana/grpc-edge.json");
  private static final Pattern NAME = Pattern.compile("\\b(grpc_[a-z_]+)\\b");
  /** Label names in the queries, not metrics. */
  private static final Set<String> LABELS = Set.of("grpc_method", "grpc_status", "grpc_target");

  @TempDir Path dir;

  @Test
  void everyMetricTheDashboardQueriesIsServed() throws Exception {
    Subprocess.requireTool(Subprocess.succeeds(List.of(MetricsTest.PARSER_PYTHON, "-c", "import prometheus_client"),
        dir), "python3-prometheus-client is missing: apt-get install python3-prometheus-client");
    Set<String> queried = new TreeSet<>();
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        Matcher m = NAME.matcher(target.get("expr").asText());
        while (m.find()) {
          if (!LABELS.contains(m.group(1))) {
            queried.add(m.group(1));
          }
        }
      }
    }
    assertTrue(queried.size() >= 10, "the dashboard queries " + queried);

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    Server upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new GreeterService(scheduler)).build().start();
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    try (TestGateway gateway = TestGateway.in(dir).web("").routing("""
        admin: {listen: "127.0.0.1:0"}
        upstreams:
          greeters: {targets: ["127.0.0.1:%d"], plaintext: true, health_check: false}
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        """.formatted(port)).start()) {
      assertEquals("Hello, D!", gateway.blockingStub(gateway.token("greet"))
          .sayHello(HelloRequest.newBuilder().setName("D").build()).getMessage());
      Set<String> served = MetricsTest.scrape(gateway.server().adminPort()).stream().map(MetricsTest.Sample::name)
          .collect(Collectors.toCollection(TreeSet::new));
      Set<String> missing = new TreeSet<>(queried);
      missing.removeAll(served);
      assertEquals(Set.of(), missing, "queried by the dashboard but not served; served: " + served);
    } finally {
      upstream.shutdownNow();
      scheduler.shutdownNow();
    }
  }
}

package dev.grpcedge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.grpcedge.config.ConfigLoader;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.testing.Subprocess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes, read into Kubernetes' own API model (fabric8) with any field the model does not know refused,
 * and held to the gateway's config in its ConfigMap: probes, ports, mounts and grace periods agree with it.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Subprocess.projectDir().resolve("deploy/kubernetes");
  private static final Map<String, Class<?>> KINDS = Map.of("ConfigMap", ConfigMap.class,
      "Deployment", Deployment.class, "Service", Service.class, "PodDisruptionBudget", PodDisruptionBudget.class,
      "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class, "Certificate", GenericKubernetesResource.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private static final List<Object> resources = new ArrayList<>();

  @TempDir static Path tmp;

  @BeforeAll
  static void read() throws Exception {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (file.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
          for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
            String kind = doc.path("kind").asText();
            Class<?> type = KINDS.get(kind);
            assertNotNull(type, file + ": unexpected kind " + kind);
            Object resource = YAML.treeToValue(doc, type);
            assertNoUnknownFields(resource, file.getFileName() + ":" + kind, new IdentityHashMap<>());
            resources.add(resource);
          }
        }
      }
    }
  }

  /** fabric8 keeps a field it does not know in additionalProperties rather than failing: refuse any. */
  private static void assertNoUnknownFields(Object o, String path, Map<Object, Boolean> seen) throws Exception {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        assertNoUnknownFields(list.get(i), path + "[" + i + "]", seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        assertNoUnknownFields(e.getValue(), path + "." + e.getKey(), seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.") || o instanceof GenericKubernetesResource) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = m.invoke(o);
      if (m.getName().equals("getAdditionalProperties")) {
        assertTrue(value == null || ((Map<?, ?>) value).isEmpty(), path + ": unknown fields " + value);
      } else {
        assertNoUnknownFields(value, path + "." + m.getName().substring(3), seen);
      }
    }
  }

  private static <T> T one(Class<T> type, String name) {
    return resources.stream().filter(type::isInstance).map(type::cast)
        .filter(r -> name == null || name.equals(((io.fabric8.kubernetes.api.model.HasMetadata) r).getMetadata()
            .getName()))
        .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  /** The gateway's config from the ConfigMap, loaded by the gateway's own loader from where the pod mounts it. */
  private static GatewayConfig gatewayConfig() throws Exception {
    Path etc = Files.createDirectories(tmp.resolve("etc/grpc-edge"));
    Path file = Files.writeString(etc.resolve("gateway.yaml"),
        one(ConfigMap.class, "grpc-edge-config").getData().get("gateway.yaml"));
    return ConfigLoader.load(file);
  }

  private static String mounted(Path configured) {
    return "/etc/grpc-edge/" + tmp.resolve("etc/grpc-edge").relativize(configured);
  }

  @Test
  void theDeploymentIsAHardenedFleet() {
    Deployment d = one(Deployment.class, "grpc-edge");
    assertTrue(d.getSpec().getReplicas() >= 2, "replicas");
    var pod = d.getSpec().getTemplate().getSpec();
    assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
    Container c = pod.getContainers().get(0);
    assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
    assertNotNull(c.getResources().getRequests().get("cpu"));
    assertNotNull(c.getResources().getRequests().get("memory"));
    // A read-only root needs a writable temp dir: netty-tcnative unpacks BoringSSL there.
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), "/tmp");

    PodDisruptionBudget pdb = one(PodDisruptionBudget.class, "grpc-edge");
    assertEquals(d.getSpec().getSelector().getMatchLabels(), pdb.getSpec().getSelector().getMatchLabels());
    HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class, "grpc-edge");
    assertEquals("grpc-edge", hpa.getSpec().getScaleTargetRef().getName());
    assertTrue(hpa.getSpec().getMinReplicas() >= 2, "HPA minReplicas");
    Service service = one(Service.class, "grpc-edge");
    assertEquals(d.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector());
    Set<String> named = Set.copyOf(c.getPorts().stream().map(ContainerPort::getName).toList());
    service.getSpec().getPorts().forEach(p -> assertTrue(named.contains(p.getTargetPort().getStrVal()),
        "service port " + p.getName() + " targets an unnamed port"));
  }

  @Test
  void probesPortsMountsAndGraceAgreeWithTheGatewaysConfig() throws Exception {
    GatewayConfig config = gatewayConfig();
    Deployment d = one(Deployment.class, "grpc-edge");
    var pod = d.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertEquals(List.of("serve", "--config", "/etc/grpc-edge/gateway.yaml"), c.getArgs());

    int health = config.admin().healthListen().port();
    for (Probe probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
      assertNotNull(probe.getGrpc(), "a gRPC probe");
      assertEquals(health, probe.getGrpc().getPort(), "probes use admin.health_listen");
    }
    Set<Integer> ports = Set.copyOf(c.getPorts().stream().map(ContainerPort::getContainerPort).toList());
    for (int port : List.of(config.listen().port(), config.web().listen().port(), config.admin().listen().port(),
        health)) {
      assertTrue(ports.contains(port), "container port " + port + " from the config");
    }
    // SIGTERM comes after preStop; then the gateway drains for shutdown.grace; the kubelet must wait for both.
    long preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
    long grace = config.shutdownGrace().toSeconds();
    assertTrue(pod.getTerminationGracePeriodSeconds() > preStop + grace,
        "terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds() + " <= preStop " + preStop
            + " + shutdown.grace " + grace);

    Map<String, String> mounts = new java.util.HashMap<>();
    for (VolumeMount m : c.getVolumeMounts()) {
      mounts.put(m.getMountPath(), m.getName());
    }
    String tlsVolume = mounts.get(mounted(config.tls().certChain().getParent()));
    assertNotNull(tlsVolume, "tls.cert's folder is mounted");
    assertEquals(mounts.get(mounted(config.tls().privateKey().getParent())), tlsVolume);
    assertNotNull(mounts.get(mounted(config.identity().keys())), "identity.keys is mounted");
    assertNotNull(mounts.get(mounted(config.limits().redis().passwordFile().getParent())), "the Redis password");
    // The TLS Secret is the one cert-manager renews, mounted whole (a subPath mount would never be renewed).
    Volume tls = pod.getVolumes().stream().filter(v -> v.getName().equals(tlsVolume)).findFirst().orElseThrow();
    GenericKubernetesResource cert = one(GenericKubernetesResource.class, "grpc-edge");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) cert.getAdditionalProperties().get("spec");
    assertEquals(spec.get("secretName"), tls.getSecret().getSecretName());
    @SuppressWarnings("unchecked")
    Map<String, Object> key = (Map<String, Object>) spec.get("privateKey");
    assertEquals("PKCS8", key.get("encoding"), "the gateway reads PKCS#8 keys");
    assertFalse(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(tlsVolume) && m.getSubPath() != null));
    assertEquals(dev.grpcedge.config.LimitsConfig.Store.REDIS, config.limits().store());
  }
}

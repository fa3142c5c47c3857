package dev.grpcedge.route;

import dev.grpcedge.auth.AuthContext;
import dev.grpcedge.auth.Principal;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.reflection.v1.ListServiceResponse;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code grpc.reflection.v1} for everything the gateway serves: the built-in services from grpc-java's own
 * {@code ProtoReflectionServiceV1} (reached in-process), routed ones from the upstreams that serve them. A list of
 * services merges the gateway's with each upstream's routed services; any other question is answered by the gateway
 * if it can, otherwise by the first upstream that knows the symbol or file. It is a service like any other: behind
 * the gateway's chain, so it needs a token unless a rule makes it public, and its upstream calls carry the
 * caller's identity token, never the caller's own.
 */
public final class Reflection extends ServerReflectionGrpc.ServerReflectionImplBase {
  private static final long DEADLINE_SECONDS = 5;

  private final ManagedChannel local;
  /** Routed service name to its upstream. */
  private final Map<String, Upstream> routed;
  private final IdentityTokens identity;

  /**
   * @param local a channel to a server with {@code ProtoReflectionServiceV1} and the built-in services
   * @param routed each routed service's upstream
   * @param identity signs the caller's identity for the upstreams; null sends none
   */
  public Reflection(ManagedChannel local, Map<String, Upstream> routed, IdentityTokens identity) {
    this.local = local;
    this.routed = new TreeMap<>(routed);
    this.identity = identity;
  }

  @Override
  public StreamObserver<ServerReflectionRequest> serverReflectionInfo(
      StreamObserver<ServerReflectionResponse> responses) {
    Principal caller = AuthContext.current();
    return new StreamObserver<>() {
      // Answers go out in the order the questions came, one after the other.
      private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

      @Override
      public synchronized void onNext(ServerReflectionRequest request) {
        last = last.thenCompose(v -> answer(request, caller)).thenAccept(responses::onNext);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public synchronized void onCompleted() {
        last.whenComplete((v, e) -> {
          if (e == null) {
            responses.onCompleted();
          } else {
            responses.onError(Status.UNAVAILABLE.withDescription("reflection failed").asRuntimeException());
          }
        });
      }
    };
  }

  private CompletableFuture<ServerReflectionResponse> answer(ServerReflectionRequest request, Principal caller) {
    CompletableFuture<ServerReflectionResponse> mine = ask(local, request, new Metadata());
    if (request.getMessageRequestCase() == ServerReflectionRequest.MessageRequestCase.LIST_SERVICES) {
      return mine.thenCompose(response -> listed(request, caller, response));
    }
    return mine.thenCompose(response -> response.hasErrorResponse()
        ? fromUpstreams(request, caller, new ArrayList<>(distinctUpstreams()), response)
        : CompletableFuture.completedFuture(response));
  }

  /** The gateway's services and, from each upstream, the routed ones it says it serves. */
  private CompletableFuture<ServerReflectionResponse> listed(ServerReflectionRequest request, Principal caller,
      ServerReflectionResponse mine) {
    TreeMap<String, ServiceResponse> services = new TreeMap<>();
    mine.getListServicesResponse().getServiceList().forEach(s -> services.put(s.getName(), s));
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (Upstream upstream : distinctUpstreams()) {
      all = all.thenCompose(v -> ask(upstream.channel(), request, headers(caller, upstream)).handle((r, e) -> {
        if (r != null && r.hasListServicesResponse()) {
          for (ServiceResponse s : r.getListServicesResponse().getServiceList()) {
            if (routed.get(s.getName()) == upstream) {
              services.put(s.getName(), s);
            }
          }
        }
        return null;
      }));
    }
    return all.thenApply(v -> mine.toBuilder().setListServicesResponse(
        ListServiceResponse.newBuilder().addAllService(services.values())).build());
  }

  private CompletableFuture<ServerReflectionResponse> fromUpstreams(ServerReflectionRequest request,
      Principal caller, List<Upstream> left, ServerReflectionResponse notFound) {
    if (left.isEmpty()) {
      return CompletableFuture.completedFuture(notFound);
    }
    Upstream upstream = left.remove(0);
    return ask(upstream.channel(), request, headers(caller, upstream)).handle((r, e) -> r)
        .thenCompose(r -> r != null && !r.hasErrorResponse() ? CompletableFuture.completedFuture(r)
            : fromUpstreams(request, caller, left, notFound));
  }

  private List<Upstream> distinctUpstreams() {
    return routed.values().stream().distinct().toList();
  }

  private Metadata headers(Principal caller, Upstream upstream) {
    Metadata headers = new Metadata();
    if (identity != null) {
      headers.put(IdentityTokens.HEADER, identity.tokenFor(caller, null, upstream.name()));
    }
    return headers;
  }

  /** One question on a stream of its own: the first answer. */
  private static CompletableFuture<ServerReflectionResponse> ask(ManagedChannel channel,
      ServerReflectionRequest request, Metadata headers) {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    // In the root context, as the forwarder starts its calls: not cancelled with the caller's stream, and not
    // starting the channel's work in it.
    Context.ROOT.run(() -> {
      StreamObserver<ServerReflectionRequest> questions = ServerReflectionGrpc.newStub(channel)
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse response) {
              answer.complete(response);
            }

            @Override
            public void onError(Throwable t) {
              answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
              answer.completeExceptionally(Status.UNAVAILABLE.withDescription("no answer").asRuntimeException());
            }
          });
      questions.onNext(request);
      questions.onCompleted();
    });
    return answer;
  }
}

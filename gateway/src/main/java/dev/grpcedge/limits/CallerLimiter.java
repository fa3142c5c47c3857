package dev.grpcedge.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.grpcedge.auth.AuthContext;
import dev.grpcedge.auth.Principal;
import dev.grpcedge.calls.DeferredListener;
import dev.grpcedge.config.CallerLimit;
import dev.grpcedge.config.LimitsConfig;
import dev.grpcedge.config.LimitsConfig.StoreFailure;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.grpc.Context;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Applies {@code limits.callers} to each call, after authentication (so the caller is known): calls in flight
 * (counted in this gateway), calls per second, and request messages per second on client and bidi streams (token
 * buckets in {@link Buckets}). A call over a limit ends with RESOURCE_EXHAUSTED, a description that says when to
 * retry, and that wait in {@code grpc-retry-pushback-ms} (gRFC A6), which grpc clients with a retry policy honour.
 * A stream over its message rate is either slowed (the gateway reads its next message when the bucket allows:
 * HTTP/2 flow control holds the client back) or ended, as the rule says.
 */
public final class CallerLimiter implements ServerInterceptor {
  static final Metadata.Key<String> PUSHBACK = Metadata.Key.of("grpc-retry-pushback-ms",
      Metadata.ASCII_STRING_MARSHALLER);

  private final Rules rules;
  private final Buckets buckets;
  private final StoreFailure onFailure;
  private final StoreHealth health;
  private final ScheduledExecutorService scheduler;
  // Per rule and caller; forgotten 10 minutes after a slot for it was last made (a caller quiet that long has
  // nothing in flight, or a long stream whose count a new slot would then start afresh: lenient, never stricter).
  private final Cache<String, AtomicInteger> inFlight = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(1_000_000).build();
  private final ThreadLocal<Slot> lastSlot = new ThreadLocal<>();

  public CallerLimiter(LimitsConfig limits, Buckets buckets, ScheduledExecutorService scheduler) {
    this.rules = new Rules(limits.callers());
    this.buckets = buckets;
    this.onFailure = limits.onStoreFailure();
    this.health = new StoreHealth(onFailure);
    this.scheduler = scheduler;
  }

  /** The store the config names: local, or a connection to Redis (made now, or retried until it can be). */
  public static Buckets store(LimitsConfig limits) {
    Duration refill = Rules.longestRefill(limits.callers());
    return limits.store() == LimitsConfig.Store.REDIS ? RedisBuckets.connect(limits.redis(), refill)
        : new LocalBuckets(refill);
  }

  /** Checks that failed because the store could not be reached, since start. */
  public long storeFailures() {
    return health.failures();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    Rule rule = rules.of(call.getMethodDescriptor().getFullMethodName());
    if (rule == null) {
      return next.startCall(call, headers);
    }
    Slot slot = slot(rule, call);
    ServerCall<ReqT, RespT> admitted = call;
    if (slot.inFlight != null) {
      if (slot.inFlight.incrementAndGet() > rule.concurrent) {
        slot.inFlight.decrementAndGet();
        refuse(call, "more than " + rule.concurrent + " calls of this caller in flight; retry when one ends", -1);
        return new ServerCall.Listener<>() {};
      }
      admitted = new Releasing<>(call, slot.inFlight);
    }
    if (rule.calls == null) {
      return start(slot, admitted, headers, next);
    }
    if (slot.localCalls != null) {
      // The local store, decided on this thread: no future, no probe unless refused.
      if (slot.localCalls.tryConsume(1)) {
        return start(slot, admitted, headers, next);
      }
      return tooManyCalls(rule, admitted, slot.localCalls.estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }
    CompletableFuture<ConsumptionProbe> decision = buckets.consume(slot.callsKey, rule.calls, 1);
    DeferredListener<ReqT> deferred = new DeferredListener<>();
    Context context = Context.current();
    ServerCall<ReqT, RespT> counted = admitted;
    decision.whenComplete((probe, error) -> context.run(() ->
        deferred.start(decided(probe, error, slot, counted, headers, next))));
    return deferred;
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> decided(ConsumptionProbe probe, Throwable error, Slot slot,
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (error != null) {
      health.failed(error);
      if (onFailure == StoreFailure.ALLOW) {
        return start(slot, call, headers, next);
      }
      call.close(Status.UNAVAILABLE.withDescription("rate limits cannot be checked right now; retry later"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    health.answered();
    if (!probe.isConsumed()) {
      return tooManyCalls(slot.rule, call, probe.getNanosToWaitForRefill());
    }
    return start(slot, call, headers, next);
  }

  private static <ReqT> ServerCall.Listener<ReqT> tooManyCalls(Rule rule, ServerCall<ReqT, ?> call, long waitNanos) {
    long waitMs = millis(waitNanos);
    refuse(call, "more than " + rule.callsPerSecond + " calls a second from this caller (burst " + rule.burst
        + "); retry in " + waitMs + " ms", waitMs);
    return new ServerCall.Listener<>() {};
  }

  /**
   * The caller's keys, in-flight count and local bucket under {@code rule}, made once per thread and principal:
   * a connection's calls come on one event loop with the same principal (the token verified once), so after its
   * first call this is a thread-local read and an identity check.
   */
  private Slot slot(Rule rule, ServerCall<?, ?> call) {
    Principal principal = AuthContext.current();
    // Who the caller is, by identity: its principal, or without one its connection (its address object, one per
    // connection, which also stands for the connection's client certificate).
    Object who = principal != null ? principal : call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    Slot last = lastSlot.get();
    if (who != null && last != null && last.who == who && last.rule == rule) {
      return last;
    }
    String caller = CallerKey.of(call);
    LocalBuckets local = buckets instanceof LocalBuckets l ? l : null;
    Slot slot = new Slot(who, rule, caller,
        rule.concurrent > 0 ? inFlight.get(rule.index + ":" + caller, k -> new AtomicInteger()) : null,
        rule.calls != null && local != null ? local.bucket("c" + rule.index + ":" + caller, rule.calls) : null,
        rule.messages != null && local != null ? local.bucket("m" + rule.index + ":" + caller, rule.messages) : null);
    if (who != null) {
      lastSlot.set(slot);
    }
    return slot;
  }

  /** One caller under one rule. */
  private static final class Slot {
    final Object who;
    final Rule rule;
    final String callsKey;
    final String messagesKey;
    final AtomicInteger inFlight;
    final Bucket localCalls;
    final Bucket localMessages;

    Slot(Object who, Rule rule, String caller, AtomicInteger inFlight, Bucket localCalls, Bucket localMessages) {
      this.who = who;
      this.rule = rule;
      this.callsKey = "c" + rule.index + ":" + caller;
      this.messagesKey = "m" + rule.index + ":" + caller;
      this.inFlight = inFlight;
      this.localCalls = localCalls;
      this.localMessages = localMessages;
    }
  }

  /** A call counted in flight until it closes or is cancelled, once. */
  private static final class Releasing<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
    private static final AtomicIntegerFieldUpdater<Releasing> DONE =
        AtomicIntegerFieldUpdater.newUpdater(Releasing.class, "done");
    private final AtomicInteger inFlight;
    private volatile int done;

    Releasing(ServerCall<ReqT, RespT> call, AtomicInteger inFlight) {
      super(call);
      this.inFlight = inFlight;
    }

    void release() {
      if (DONE.compareAndSet(this, 0, 1)) {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      release();
      super.close(status, trailers);
    }
  }

  /** Starts the call, with its stream's messages metered when the rule limits them. */
  private <ReqT, RespT> ServerCall.Listener<ReqT> start(Slot slot, ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    MethodType type = call.getMethodDescriptor().getType();
    boolean metered = slot.rule.messages != null
        && (type == MethodType.CLIENT_STREAMING || type == MethodType.BIDI_STREAMING);
    Releasing<?, ?> releasing = call instanceof Releasing<?, ?> r ? r : null;
    if (!metered) {
      ServerCall.Listener<ReqT> listener = next.startCall(call, headers);
      return releasing == null ? listener : new SimpleForwardingServerCallListener<>(listener) {
        @Override
        public void onCancel() {
          releasing.release();
          super.onCancel();
        }
      };
    }
    AtomicBoolean ended = new AtomicBoolean();
    ServerCall.Listener<ReqT> listener = next.startCall(new Metered<>(call, slot, ended),
        headers);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        ended.set(true);
        if (releasing != null) {
          releasing.release();
        }
        super.onCancel();
      }

      @Override
      public void onComplete() {
        ended.set(true);
        super.onComplete();
      }
    };
  }

  /**
   * A call whose requests for messages each wait for a token: with {@code pushback}, the next message is read
   * when the bucket allows; with {@code fail}, a request over the rate ends the stream.
   */
  private final class Metered<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
    private final Rule rule;
    private final String key;
    private final AtomicBoolean ended;

    private final Bucket localMessages;

    Metered(ServerCall<ReqT, RespT> call, Slot slot, AtomicBoolean ended) {
      super(call);
      this.rule = slot.rule;
      this.key = slot.messagesKey;
      this.localMessages = slot.localMessages;
      this.ended = ended;
    }

    @Override
    public void request(int numMessages) {
      for (int i = 0; i < numMessages; i++) {
        acquire();
      }
    }

    private void acquire() {
      if (ended.get()) {
        return;
      }
      if (localMessages != null) {
        // The local store: decided here, with no future and no probe unless the bucket is empty.
        if (localMessages.tryConsume(1)) {
          super.request(1);
        } else {
          overRate(localMessages.estimateAbilityToConsume(1).getNanosToWaitForRefill());
        }
        return;
      }
      CompletableFuture<ConsumptionProbe> decision = buckets.consume(key, rule.messages, 1);
      decision.whenComplete((probe, error) -> {
        if (error != null) {
          health.failed(error);
          if (onFailure == StoreFailure.ALLOW) {
            super.request(1);
          } else {
            // Deny: read nothing more until the store answers again.
            scheduler.schedule(this::acquire, 200, TimeUnit.MILLISECONDS);
          }
        } else if (probe.isConsumed()) {
          if (buckets.remote()) {
            health.answered();
          }
          super.request(1);
        } else {
          overRate(probe.getNanosToWaitForRefill());
        }
      });
    }

    private void overRate(long waitNanos) {
      if (rule.overRate == CallerLimit.OverRate.PUSHBACK) {
        scheduler.schedule(this::acquire, Math.max(1, waitNanos), TimeUnit.NANOSECONDS);
      } else if (ended.compareAndSet(false, true)) {
        long waitMs = millis(waitNanos);
        refuse(this, "more than " + rule.messagesPerSecond + " messages a second from this caller (burst "
            + rule.messageBurst + "); slow down, retry in " + waitMs + " ms", waitMs);
      }
    }
  }

  private static void refuse(ServerCall<?, ?> call, String why, long retryMs) {
    Metadata trailers = new Metadata();
    if (retryMs >= 0) {
      trailers.put(PUSHBACK, Long.toString(retryMs));
    }
    call.close(Status.RESOURCE_EXHAUSTED.withDescription(why), trailers);
  }

  private static long millis(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
  }
}

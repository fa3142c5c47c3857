package dev.grpcedge.limits;

import dev.grpcedge.calls.DeferredListener;
import dev.grpcedge.config.CallerLimit;
import dev.grpcedge.config.LimitsConfig;
import dev.grpcedge.config.LimitsConfig.StoreFailure;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.grpc.Context;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

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
    String caller = CallerKey.of(call);
    ServerCall<ReqT, RespT> counted = call;
    AtomicBoolean released = null;
    if (rule.concurrent > 0) {
      String key = rule.index + ":" + caller;
      if (!take(key, rule.concurrent)) {
        refuse(call, "more than " + rule.concurrent + " calls of this caller in flight; retry when one ends", -1);
        return new ServerCall.Listener<>() {};
      }
      released = new AtomicBoolean();
      counted = releasing(call, key, released);
    }
    ServerCall<ReqT, RespT> admitted = counted;
    AtomicBoolean release = released;
    if (rule.calls == null) {
      return start(rule, caller, admitted, headers, next, release);
    }
    CompletableFuture<ConsumptionProbe> decision = buckets.consume("c" + rule.index + ":" + caller, rule.calls, 1);
    if (decision.isDone()) {
      return decided(decision, rule, caller, admitted, headers, next, release);
    }
    DeferredListener<ReqT> deferred = new DeferredListener<>();
    Context context = Context.current();
    decision.whenComplete((probe, error) -> context.run(() ->
        deferred.start(decided(decision, rule, caller, admitted, headers, next, release))));
    return deferred;
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> decided(CompletableFuture<ConsumptionProbe> decision, Rule rule,
      String caller, ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next,
      AtomicBoolean released) {
    ConsumptionProbe probe;
    try {
      probe = decision.join();
    } catch (RuntimeException e) {
      health.failed(e);
      if (onFailure == StoreFailure.ALLOW) {
        return start(rule, caller, call, headers, next, released);
      }
      call.close(Status.UNAVAILABLE.withDescription("rate limits cannot be checked right now; retry later"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (buckets.remote()) {
      health.answered();
    }
    if (!probe.isConsumed()) {
      long waitMs = millis(probe.getNanosToWaitForRefill());
      refuse(call, "more than " + rule.callsPerSecond + " calls a second from this caller (burst " + rule.burst
          + "); retry in " + waitMs + " ms", waitMs);
      return new ServerCall.Listener<>() {};
    }
    return start(rule, caller, call, headers, next, released);
  }

  /** Starts the call, with its stream's messages metered when the rule limits them. */
  private <ReqT, RespT> ServerCall.Listener<ReqT> start(Rule rule, String caller, ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next, AtomicBoolean released) {
    MethodType type = call.getMethodDescriptor().getType();
    boolean streams = type == MethodType.CLIENT_STREAMING || type == MethodType.BIDI_STREAMING;
    ServerCall.Listener<ReqT> listener;
    AtomicBoolean ended = new AtomicBoolean();
    if (rule.messages != null && streams) {
      listener = next.startCall(new Metered<>(call, rule, "m" + rule.index + ":" + caller, ended), headers);
    } else {
      listener = next.startCall(call, headers);
    }
    if (released == null && !(rule.messages != null && streams)) {
      return listener;
    }
    String key = rule.index + ":" + caller;
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        ended.set(true);
        if (released != null && released.compareAndSet(false, true)) {
          release(key);
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

    Metered(ServerCall<ReqT, RespT> call, Rule rule, String key, AtomicBoolean ended) {
      super(call);
      this.rule = rule;
      this.key = key;
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
        } else if (rule.overRate == CallerLimit.OverRate.PUSHBACK) {
          scheduler.schedule(this::acquire, Math.max(1, probe.getNanosToWaitForRefill()), TimeUnit.NANOSECONDS);
        } else if (ended.compareAndSet(false, true)) {
          long waitMs = millis(probe.getNanosToWaitForRefill());
          refuse(this, "more than " + rule.messagesPerSecond + " messages a second from this caller (burst "
              + rule.messageBurst + "); slow down, retry in " + waitMs + " ms", waitMs);
        }
      });
    }
  }

  private boolean take(String key, int max) {
    boolean[] taken = new boolean[1];
    inFlight.compute(key, (k, n) -> {
      int held = n == null ? 0 : n;
      taken[0] = held < max;
      return taken[0] ? held + 1 : n;
    });
    return taken[0];
  }

  private void release(String key) {
    inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  private <ReqT, RespT> ServerCall<ReqT, RespT> releasing(ServerCall<ReqT, RespT> call, String key,
      AtomicBoolean released) {
    return new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (released.compareAndSet(false, true)) {
          release(key);
        }
        super.close(status, trailers);
      }
    };
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

  /** Calls of one caller in flight on this gateway, for tests. */
  int inFlight(String key) {
    return inFlight.getOrDefault(key, 0);
  }

  /** One compiled rule. */
  private static final class Rule {
    final int index;
    final int callsPerSecond;
    final int burst;
    final int concurrent;
    final int messagesPerSecond;
    final int messageBurst;
    final CallerLimit.OverRate overRate;
    final BucketConfiguration calls;
    final BucketConfiguration messages;

    Rule(int index, CallerLimit limit) {
      this.index = index;
      this.callsPerSecond = limit.callsPerSecond();
      this.burst = limit.burst();
      this.concurrent = limit.concurrentCalls();
      this.messagesPerSecond = limit.messagesPerSecond();
      this.messageBurst = limit.messageBurst();
      this.overRate = limit.overMessageRate();
      this.calls = bucket(limit.callsPerSecond(), limit.burst());
      this.messages = bucket(limit.messagesPerSecond(), limit.messageBurst());
    }

    private static BucketConfiguration bucket(int perSecond, int burst) {
      if (perSecond == 0) {
        return null;
      }
      return BucketConfiguration.builder()
          .addLimit(Bandwidth.builder().capacity(Math.max(burst, 1)).refillGreedy(perSecond, Duration.ofSeconds(1))
              .build())
          .build();
    }
  }

  /** Which rule a method falls under: its own name, else its service's wildcard, else {@code *}. */
  private static final class Rules {
    private final Map<String, Rule> exact = new HashMap<>();
    private final Map<String, Rule> services = new HashMap<>();
    private final Rule everything;
    private final ConcurrentHashMap<String, Object> resolved = new ConcurrentHashMap<>();
    private static final Object NONE = new Object();

    Rules(List<CallerLimit> limits) {
      Rule star = null;
      List<Rule> compiled = new ArrayList<>();
      for (int i = 0; i < limits.size(); i++) {
        Rule rule = new Rule(i, limits.get(i));
        compiled.add(rule);
        for (String m : limits.get(i).methods()) {
          if (m.equals("*")) {
            star = star == null ? rule : star;
          } else if (m.endsWith("/*")) {
            services.putIfAbsent(m.substring(0, m.length() - 2), rule);
          } else {
            exact.putIfAbsent(m, rule);
          }
        }
      }
      this.everything = star;
    }

    Rule of(String method) {
      Object r = resolved.get(method);
      if (r == null) {
        Rule rule = exact.get(method);
        if (rule == null) {
          int slash = method.indexOf('/');
          rule = slash < 0 ? null : services.get(method.substring(0, slash));
        }
        if (rule == null) {
          rule = everything;
        }
        r = rule == null ? NONE : rule;
        // Bounded: only served methods reach this interceptor.
        resolved.putIfAbsent(method, r);
      }
      return r == NONE ? null : (Rule) r;
    }

    /** How long the slowest bucket takes to refill from empty (at least a minute). */
    static Duration longestRefill(List<CallerLimit> limits) {
      long seconds = 60;
      for (CallerLimit l : limits) {
        if (l.callsPerSecond() > 0) {
          seconds = Math.max(seconds, (l.burst() + l.callsPerSecond() - 1) / l.callsPerSecond());
        }
        if (l.messagesPerSecond() > 0) {
          seconds = Math.max(seconds, (l.messageBurst() + l.messagesPerSecond() - 1) / l.messagesPerSecond());
        }
      }
      return Duration.ofSeconds(seconds);
    }
  }
}

package dev.grpcedge.limits;

import dev.grpcedge.config.CallerLimit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;

/** One compiled rule. */
final class Rule {
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

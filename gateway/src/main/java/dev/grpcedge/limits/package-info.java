/**
 * Per-caller limits ({@code limits.callers}): calls per second with a burst, calls in flight, and request messages
 * per second on streams, in token buckets (Bucket4j) kept in this gateway ({@link dev.grpcedge.limits.LocalBuckets})
 * or shared by a fleet in Redis ({@link dev.grpcedge.limits.RedisBuckets}); applied by
 * {@link dev.grpcedge.limits.CallerLimiter}.
 */
package dev.grpcedge.limits;

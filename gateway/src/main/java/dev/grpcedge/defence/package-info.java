/**
 * The edge's defences below the call: connections per client and in all ({@link dev.grpcedge.defence.ConnectionGuard}),
 * HTTP/2 frame floods ({@link dev.grpcedge.defence.Http2FrameGuard}), one log line per troubled connection
 * ({@link dev.grpcedge.defence.DefenceLog}), and how they join grpc-java's pipeline
 * ({@link dev.grpcedge.defence.GuardedTls}).
 */
package dev.grpcedge.defence;

/**
 * Routing to internal services: {@code routes} pick an upstream by method ({@link dev.grpcedge.route.RouteRegistry},
 * grpc-java's fallback registry), each upstream is a grpc-java channel built from its service config
 * ({@link dev.grpcedge.route.Upstream}), and {@link dev.grpcedge.route.Forwarder} carries a call's bytes, headers,
 * deadline, cancellation and flow control to it and back, without descriptors.
 */
package dev.grpcedge.route;

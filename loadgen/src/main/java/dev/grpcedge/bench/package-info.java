/** {@code grpc-edge bench}: load shapes, workloads, the latency recorder, reports and the bare baseline server. */
package dev.grpcedge.bench;

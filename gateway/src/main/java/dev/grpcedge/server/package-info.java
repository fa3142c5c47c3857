/** Assembling the Netty server: listener, TLS, interceptor order, lifecycle and draining. */
package dev.grpcedge.server;

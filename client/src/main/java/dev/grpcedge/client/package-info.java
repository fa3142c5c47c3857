/** For callers: TLS channels (Netty or OkHttp), token sources and the bearer CallCredentials built on them. */
package dev.grpcedge.client;

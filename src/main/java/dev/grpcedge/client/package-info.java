/** For callers: TLS channel building and CallCredentials that attach bearer tokens. */
package dev.grpcedge.client;

/** Server and client TLS contexts, certificate loading and checks, hot reload and client certificates. */
package dev.grpcedge.tls;

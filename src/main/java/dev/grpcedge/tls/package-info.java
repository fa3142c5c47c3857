/** Server and client TLS contexts, certificate loading and checks. */
package dev.grpcedge.tls;

/** Bearer-token extraction, JWT verification, issuer key sources, method policy and the verified {@link dev.grpcedge.auth.Principal}. */
package dev.grpcedge.auth;

/** Immutable records for the gateway's config file, the YAML loader, and validation with key-path errors. */
package dev.grpcedge.config;

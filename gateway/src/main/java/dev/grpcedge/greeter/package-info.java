/** The Greeter service from {@code proto/greeter.proto}. */
package dev.grpcedge.greeter;

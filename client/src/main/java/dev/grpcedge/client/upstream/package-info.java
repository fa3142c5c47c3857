/** For upstream servers behind grpc-edge: accept only calls the gateway vouches for, with their caller. */
package dev.grpcedge.client.upstream;

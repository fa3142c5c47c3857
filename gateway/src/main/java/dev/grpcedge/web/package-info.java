/** The gRPC-Web and Connect bridge: the web listener, its HTTP/1.1 and HTTP/2 codecs, CORS and framing. */
package dev.grpcedge.web;

"""The gRPC quickstart's Greeter client, extended with TLS and an OAuth2 bearer token for grpc-edge.

usage: greeter_client.py [--target HOST:PORT] [--ca CA.pem] [--name NAME]
The token is read from $GRPC_EDGE_TOKEN (never from argv: it would show in ps); stubs from greeter.proto must be
on PYTHONPATH (python3 -m grpc_tools.protoc -I proto --python_out=GEN --grpc_python_out=GEN proto/greeter.proto).
"""

import argparse
import os
import sys

import grpc

import greeter_pb2
import greeter_pb2_grpc


def channel_credentials(ca_file, token):
    roots = None
    if ca_file:
        with open(ca_file, "rb") as f:
            roots = f.read()
    tls = grpc.ssl_channel_credentials(root_certificates=roots)
    if not token:
        return tls
    # access_token_call_credentials are only ever sent over this TLS channel.
    return grpc.composite_channel_credentials(tls, grpc.access_token_call_credentials(token))


def run():
    parser = argparse.ArgumentParser(description="Greet through grpc-edge over TLS with a bearer token.")
    parser.add_argument("--target", default="localhost:8443")
    parser.add_argument("--ca", help="PEM CA bundle to trust (default: the system trust store)")
    parser.add_argument("--name", default="you")
    args = parser.parse_args()

    credentials = channel_credentials(args.ca, os.environ.get("GRPC_EDGE_TOKEN"))
    with grpc.secure_channel(args.target, credentials) as channel:
        stub = greeter_pb2_grpc.GreeterStub(channel)
        try:
            response = stub.SayHello(greeter_pb2.HelloRequest(name=args.name), timeout=10)
            print(response.message)
            response = stub.SayHelloAgain(greeter_pb2.HelloRequest(name=args.name), timeout=10)
            print(response.message)
        except grpc.RpcError as e:
            print("greeter_client: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(run())

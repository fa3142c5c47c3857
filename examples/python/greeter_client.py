"""The gRPC quickstart's Greeter client, extended with TLS and an OAuth2 bearer token for grpc-edge.

usage: greeter_client.py [--target HOST:PORT] [--ca CA.pem] [--name NAME]
The token is read from $GRPC_EDGE_TOKEN (never from argv: it would show in ps); stubs from greeter.proto must be
on PYTHONPATH (python3 -m grpc_tools.protoc -I proto --python_out=GEN --grpc_python_out=GEN proto/greeter.proto).
"""

import argparse
import os
import sys

STUBS_HINT = ("generate them with: /usr/bin/python3 -m grpc_tools.protoc -I proto --python_out=GEN"
              " --grpc_python_out=GEN proto/greeter.proto, then set PYTHONPATH=GEN")


def fail(message, code=1):
    print("greeter_client: " + message, file=sys.stderr)
    return code


def channel_credentials(grpc, roots, token):
    tls = grpc.ssl_channel_credentials(root_certificates=roots)
    if not token:
        return tls
    # access_token_call_credentials are only ever sent over this TLS channel.
    return grpc.composite_channel_credentials(tls, grpc.access_token_call_credentials(token))


def run():
    parser = argparse.ArgumentParser(
        description="Greet through grpc-edge over TLS with a bearer token from $GRPC_EDGE_TOKEN.")
    parser.add_argument("--target", default="localhost:8443", help="HOST:PORT of the gateway (default: %(default)s)")
    parser.add_argument("--ca", help="PEM CA bundle to trust (default: the system trust store)")
    parser.add_argument("--name", default="you", help="who to greet (default: %(default)s)")
    args = parser.parse_args()

    roots = None
    if args.ca:
        try:
            with open(args.ca, "rb") as f:
                roots = f.read()
        except OSError as e:
            return fail("--ca %s: %s" % (args.ca, e.strerror.lower() if e.strerror else e), 2)
    # Imported after the arguments, so --help and bad arguments work before grpcio or the stubs are set up.
    try:
        import grpc
    except ImportError:
        return fail("grpcio is not installed: sudo apt-get install python3-grpcio (and use /usr/bin/python3)", 2)
    try:
        import greeter_pb2
        import greeter_pb2_grpc
    except ImportError:
        return fail("the greeter_pb2 stubs are not on PYTHONPATH: " + STUBS_HINT, 2)

    credentials = channel_credentials(grpc, roots, os.environ.get("GRPC_EDGE_TOKEN"))
    with grpc.secure_channel(args.target, credentials) as channel:
        stub = greeter_pb2_grpc.GreeterStub(channel)
        try:
            response = stub.SayHello(greeter_pb2.HelloRequest(name=args.name), timeout=10)
            print(response.message)
            response = stub.SayHelloAgain(greeter_pb2.HelloRequest(name=args.name), timeout=10)
            print(response.message)
        except grpc.RpcError as e:
            return fail("%s: %s" % (e.code().name, e.details()))
    return 0


if __name__ == "__main__":
    sys.exit(run())

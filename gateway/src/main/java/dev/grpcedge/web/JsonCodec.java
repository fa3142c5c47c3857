package dev.grpcedge.web;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * protobuf's JSON mapping for Connect's {@code application/json}, for the methods whose descriptors the gateway
 * holds (its own services); other methods are binary only.
 */
final class JsonCodec {
  private final Map<String, Descriptors.MethodDescriptor> methods = new HashMap<>();
  private final JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
  private final JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();

  JsonCodec(List<ServerServiceDefinition> services) {
    for (ServerServiceDefinition service : services) {
      if (service.getServiceDescriptor().getSchemaDescriptor() instanceof ProtoServiceDescriptorSupplier proto) {
        for (Descriptors.MethodDescriptor m : proto.getServiceDescriptor().getMethods()) {
          methods.put(proto.getServiceDescriptor().getFullName() + "/" + m.getName(), m);
        }
      }
    }
  }

  boolean knows(String method) {
    return methods.containsKey(method);
  }

  /** The request message {@code json} of {@code method}, as protobuf bytes. */
  byte[] request(String method, String json) throws Frames.Malformed {
    DynamicMessage.Builder message = DynamicMessage.newBuilder(methods.get(method).getInputType());
    try {
      parser.merge(json, message);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new Frames.Malformed(io.grpc.Status.INVALID_ARGUMENT.withDescription("request is not valid JSON for "
          + methods.get(method).getInputType().getFullName()));
    }
    return message.build().toByteArray();
  }

  /** The reply {@code bytes} of {@code method} as JSON. */
  String reply(String method, byte[] bytes) {
    try {
      return printer.print(DynamicMessage.parseFrom(methods.get(method).getOutputType(), bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a service answered bytes that are not its reply type", e);
    }
  }
}

package dev.grpcedge.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The names and field numbers that a client generated from the Python quickstart's greeter.proto puts on the
 * wire are the ones this service answers to.
 */
class QuickstartWireCompatibilityTest {
  @Test
  void quickstartMethodPathsAreServed() {
    assertEquals("greeter.Greeter/SayHello", GreeterGrpc.getSayHelloMethod().getFullMethodName());
    assertEquals("greeter.Greeter/SayHelloAgain", GreeterGrpc.getSayHelloAgainMethod().getFullMethodName());
  }

  @Test
  void quickstartFieldsKeepTheirNumbersAndTypes() {
    FieldDescriptor name = HelloRequest.getDescriptor().findFieldByNumber(1);
    assertEquals("name", name.getName());
    assertEquals(FieldDescriptor.Type.STRING, name.getType());
    FieldDescriptor message = HelloReply.getDescriptor().findFieldByNumber(1);
    assertEquals("message", message.getName());
    assertEquals(FieldDescriptor.Type.STRING, message.getType());
    assertEquals("greeter.HelloRequest", HelloRequest.getDescriptor().getFullName());
  }

  @Test
  void bytesOfAQuickstartRequestParseToTheSameName() throws Exception {
    // What the quickstart's HelloRequest(name='Happy Chappy') serialises to: field 1, length-delimited.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, "Happy Chappy");
    out.flush();
    HelloRequest parsed = HelloRequest.parseFrom(bytes.toByteArray());
    assertEquals("Happy Chappy", parsed.getName());
    assertEquals(0, parsed.getCount());
  }
}

// The page's calls: Connect-ES clients over gRPC-Web or Connect, with the token as `authorization: Bearer`.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { Greeter, HelloRequestSchema } from "./gen/greeter_pb.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let running: AbortController | undefined;

function transport(): Transport {
  const token = $<HTMLTextAreaElement>("token").value.trim();
  const bearer: Interceptor = (next) => async (req) => {
    if (token) req.header.set("authorization", "Bearer " + token);
    return next(req);
  };
  const options = { baseUrl: $<HTMLInputElement>("gateway").value.trim(), interceptors: [bearer] };
  return $<HTMLSelectElement>("protocol").value === "connect"
    ? createConnectTransport(options)
    : createGrpcWebTransport(options);
}

function show(text: string, error = false): void {
  const li = document.createElement("li");
  const time = document.createElement("time");
  time.textContent = new Date().toISOString().slice(11, 23);
  li.append(time, text);
  if (error) li.className = "error";
  li.dataset.at = String(Date.now());
  $("log").append(li);
}

function failed(e: unknown): void {
  const err = ConnectError.from(e);
  // The status by name, as a gRPC caller knows it: UNAUTHENTICATED, PERMISSION_DENIED, ...
  const name = Code[err.code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
  show(`${name}: ${err.rawMessage}`, true);
}

async function call(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  running?.abort();
  running = new AbortController();
  $<HTMLButtonElement>("abort").disabled = false;
  try {
    await work(running.signal);
  } catch (e) {
    failed(e);
  } finally {
    $<HTMLButtonElement>("abort").disabled = true;
  }
}

function request() {
  return create(HelloRequestSchema, {
    name: $<HTMLInputElement>("name").value,
    count: Number($<HTMLInputElement>("count").value),
    intervalMillis: Number($<HTMLInputElement>("interval").value),
  });
}

$("sayHello").onclick = () => call(async (signal) => {
  const reply = await createClient(Greeter, transport()).sayHello(request(), { signal });
  show(reply.message);
});

$("lotsOfReplies").onclick = () => call(async (signal) => {
  for await (const reply of createClient(Greeter, transport()).lotsOfReplies(request(), { signal })) {
    show(reply.message);
  }
  show("(stream ended)");
});

$("abort").onclick = () => running?.abort();
$("clear").onclick = () => ($("log").textContent = "");

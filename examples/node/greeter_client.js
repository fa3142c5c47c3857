// Greeter client for grpc-edge: TLS trusting a CA bundle, and an OAuth2 bearer token sent only over that TLS.
// usage: node greeter_client.js [--target HOST:PORT] [--ca CA.pem] [--name NAME]   (token in $GRPC_EDGE_TOKEN)
'use strict';

const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');

const PROTO = path.join(__dirname, '..', '..', 'proto', 'greeter.proto');
const USAGE = `usage: node greeter_client.js [--target HOST:PORT] [--ca CA.pem] [--name NAME]

Greets through grpc-edge over TLS with a bearer token from $GRPC_EDGE_TOKEN.
  --target HOST:PORT  the gateway (default: localhost:8443)
  --ca FILE           PEM CA bundle to trust (default: the system trust store)
  --name NAME         who to greet (default: you)`;

function fail(message, code = 1) {
  console.error(`greeter_client: ${message}`);
  return code;
}

function credentials(grpc, roots, token) {
  const tls = grpc.credentials.createSsl(roots);
  if (!token) {
    return tls;
  }
  // grpc-js attaches call credentials only to secure channels, so the token never travels in the clear.
  const bearer = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', 'Bearer ' + token);
    callback(null, metadata);
  });
  return grpc.credentials.combineChannelCredentials(tls, bearer);
}

function call(client, method, name) {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + 10000);
    client[method]({ name }, { deadline }, (err, reply) => (err ? reject(err) : resolve(reply.message)));
  });
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        target: { type: 'string', default: 'localhost:8443' },
        ca: { type: 'string' },
        name: { type: 'string', default: 'you' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return fail(`${err.message} (see --help)`, 2);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let roots = null;
  if (values.ca) {
    try {
      roots = fs.readFileSync(values.ca);
    } catch (err) {
      return fail(`--ca ${values.ca}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`, 2);
    }
  }
  // Loaded after the arguments, so --help and bad arguments work before `npm ci`.
  let grpc;
  let protoLoader;
  try {
    grpc = require('@grpc/grpc-js');
    protoLoader = require('@grpc/proto-loader');
  } catch (err) {
    return fail('@grpc/grpc-js is not installed: run npm ci --prefix examples/node', 2);
  }
  const definition = protoLoader.loadSync(PROTO, { keepCase: true, defaults: true });
  const { Greeter } = grpc.loadPackageDefinition(definition).greeter;
  const client = new Greeter(values.target, credentials(grpc, roots, process.env.GRPC_EDGE_TOKEN));
  try {
    console.log(await call(client, 'SayHello', values.name));
    console.log(await call(client, 'SayHelloAgain', values.name));
    return 0;
  } catch (err) {
    return fail(`${grpc.status[err.code]}: ${err.details}`);
  } finally {
    client.close();
  }
}

main().then((code) => { process.exitCode = code; });

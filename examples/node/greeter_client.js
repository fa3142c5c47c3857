// Greeter client for grpc-edge: TLS trusting a CA bundle, and an OAuth2 bearer token sent only over that TLS.
// usage: node greeter_client.js [--target HOST:PORT] [--ca CA.pem] [--name NAME]   (token in $GRPC_EDGE_TOKEN)
'use strict';

const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO = path.join(__dirname, '..', '..', 'proto', 'greeter.proto');

function credentials(caFile, token) {
  const tls = grpc.credentials.createSsl(caFile ? fs.readFileSync(caFile) : null);
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
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'localhost:8443' },
      ca: { type: 'string' },
      name: { type: 'string', default: 'you' },
    },
  });
  const definition = protoLoader.loadSync(PROTO, { keepCase: true, defaults: true });
  const { Greeter } = grpc.loadPackageDefinition(definition).greeter;
  const client = new Greeter(values.target, credentials(values.ca, process.env.GRPC_EDGE_TOKEN));
  try {
    console.log(await call(client, 'SayHello', values.name));
    console.log(await call(client, 'SayHelloAgain', values.name));
    return 0;
  } catch (err) {
    console.error(`greeter_client: ${grpc.status[err.code]}: ${err.details}`);
    return 1;
  } finally {
    client.close();
  }
}

main().then((code) => { process.exitCode = code; });

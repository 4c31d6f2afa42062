// gRPC clients of the gateway's public API, from the repository's own .proto files.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoRoot = path.resolve(here, '../../../../protos');
// google/api/annotations.proto, which the contracts import for their HTTP/JSON routes.
const googleApis = path.resolve(here, '../../third_party/googleapis');
const definition = protoLoader.loadSync(
  [
    'jnt/consent/v1/access_service.proto', 'jnt/consent/v1/customer_service.proto', 'jnt/consent/v1/suppression_service.proto',
    'jnt/consent/v1/tally_service.proto', 'jnt/consent/v1/do_not_contact_service.proto',
  ],
  { includeDirs: [protoRoot, googleApis], keepCase: false, enums: String, longs: String, defaults: true, oneofs: true },
);
const v1 = grpc.loadPackageDefinition(definition).jnt.consent.v1;

function client(Service, address, apiKey) {
  const stub = new Service(address, grpc.credentials.createInsecure());
  return {
    /** A unary call with the credential; rejects with the gRPC error. */
    call(method, request) {
      const metadata = new grpc.Metadata();
      metadata.set('x-api-key', apiKey);
      return new Promise((resolve, reject) => {
        stub[method](request, metadata, { deadline: Date.now() + 30_000 }, (error, response) => (error ? reject(error) : resolve(response)));
      });
    },
    close: () => stub.close(),
  };
}

export function clients(address, apiKey) {
  return {
    access: client(v1.AccessService, address, apiKey),
    customers: client(v1.CustomerService, address, apiKey),
    suppression: client(v1.SuppressionService, address, apiKey),
    tallies: client(v1.TallyService, address, apiKey),
    doNotContact: client(v1.DoNotContactService, address, apiKey),
  };
}

export { grpc };

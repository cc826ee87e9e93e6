// An OTLP/gRPC trace endpoint that accepts Export calls without decoding them: a stand-in for a collector on
// another machine, so that on this 2-core box the receiver does not take CPU from the daemon being measured.
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';

let bytes = 0;
const server = new Server();
server.addService(
  {
    Export: {
      path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: () => Buffer.alloc(0),
      responseDeserialize: (b: Buffer) => b,
    },
  },
  {
    Export(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) {
      bytes += call.request.length;
      callback(null, Buffer.alloc(0));
    },
  },
);
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(`otlp sink listening on 127.0.0.1:${port}`);
});
process.on('SIGTERM', () => {
  console.error(`otlp sink received ${(bytes / 1e6).toFixed(1)} MB of spans`);
  process.exit(0);
});

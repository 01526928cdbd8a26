// A keep-alive HTTP front for one moto server, for the benchmarks: moto's server (werkzeug)
// answers every request with `Connection: close`, so a client pays a TCP connect (and the
// socket's setup and teardown) per request, which S3 never makes it do. This process keeps its
// clients' connections open and forwards each request to moto on a connection of its own, so
// the tool measured (ours or rclone) pays for connections what it would against S3. It runs as a
// process of its own: its CPU is counted for neither tool. Bytes and headers pass unchanged.
//
//   node scripts/lib/keepalive-proxy.mjs http://127.0.0.1:5000   # prints the port it listens on
import http from "node:http";

const target = new URL(process.argv[2] ?? "");
const upstream = new http.Agent({ keepAlive: false });
const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  const headers = { ...request.headers };
  delete headers.connection;
  const forwarded = http.request(
    { host: target.hostname, port: target.port, method: request.method, path: request.url, headers, agent: upstream },
    (answer) => {
      const back = { ...answer.headers };
      delete back.connection;
      response.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(response);
    },
  );
  forwarded.on("error", (error) => {
    if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
    response.end(String(error));
  });
  request.pipe(forwarded);
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));

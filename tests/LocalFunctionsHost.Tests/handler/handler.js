// A custom handler used by the local host's contract tests. It listens where the host says
// (FUNCTIONS_CUSTOMHANDLER_PORT, loopback only), appends every request it receives to RECORD_FILE
// as one JSON line, and answers according to the function name:
//   Fail*      -> 500 (the invocation fails)
//   Output*    -> Outputs taken from the OUTPUTS_JSON setting
//   otherwise  -> 200 with an empty Outputs and one log line
// Forwarded HTTP requests (any path but POST /{function}) are echoed back as JSON.
'use strict';
const http = require('http');
const fs = require('fs');

const port = Number(process.env.FUNCTIONS_CUSTOMHANDLER_PORT);
const record = process.env.RECORD_FILE;
const outputs = process.env.OUTPUTS_JSON ? JSON.parse(process.env.OUTPUTS_JSON) : {};

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(404);
      res.end();
      return;
    }
    fs.appendFileSync(record, JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }) + '\n');
    const fn = req.method === 'POST' && /^\/[A-Za-z0-9_]+$/.test(req.url) ? req.url.slice(1) : null;
    if (fn === null) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Echo': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      return;
    }
    if (fn.startsWith('Fail')) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"error":"failed on purpose"}');
      return;
    }
    const answer = fn.startsWith('Output')
      ? { Outputs: outputs[fn] || {}, Logs: ['produced outputs'], ReturnValue: null }
      : { Outputs: {}, Logs: ['ran ' + fn], ReturnValue: null };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
});
server.listen(port, '127.0.0.1');

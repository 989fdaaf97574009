// Test oracle: runs an ONNX model in onnxruntime-node and prints its outputs as JSON.
// usage: node ort_run.js request.json
//   request: {"model": "path.onnx", "inputs": {"X": {"type": "float32|float64|int64|string", "dims": [..], "data": [..]}}}
//   output:  {"Y": {"type": "...", "dims": [..], "data": [..]}, ...}   (int64 printed as numbers)
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const session = await ort.InferenceSession.create(request.model);
  const feeds = {};
  for (const [name, t] of Object.entries(request.inputs)) {
    let data;
    switch (t.type) {
      case 'float32': data = Float32Array.from(t.data.map((v) => (v === null ? NaN : v))); break;
      case 'float64': data = Float64Array.from(t.data.map((v) => (v === null ? NaN : v))); break;
      case 'int64': data = BigInt64Array.from(t.data.map((v) => BigInt(v))); break;
      case 'string': data = t.data; break;
      default: throw new Error('unsupported input type ' + t.type);
    }
    feeds[name] = new ort.Tensor(t.type, data, t.dims);
  }
  const results = await session.run(feeds);
  const out = {};
  for (const [name, value] of Object.entries(results)) {
    out[name] = {
      type: value.type,
      dims: Array.from(value.dims).map(Number),
      data: Array.from(value.data, (v) => (typeof v === 'bigint' ? Number(v) : (typeof v === 'number' && isNaN(v) ? null : v))),
    };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(1);
});

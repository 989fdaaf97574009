// The peer in the ONNX scoring benchmark: onnxruntime-node, single-threaded, on the same model files and
// inputs. Prints JSON {"model": ..., "singleRowMicros": ..., "batchRowsPerSecond": ...} per model.
// usage: node bench.js model.onnx inputs.bin features [model2.onnx ...]
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function measure(modelPath, rows, features) {
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const inputName = session.inputNames[0];
  const one = new ort.Tensor('float32', rows.subarray(0, features), [1, features]);
  const warmUntil = process.hrtime.bigint() + 1500000000n;
  while (process.hrtime.bigint() < warmUntil) await session.run({ [inputName]: one });
  const singleCalls = 20000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < singleCalls; i++) {
    const start = (i % 1000) * features;
    await session.run({ [inputName]: new ort.Tensor('float32', rows.subarray(start, start + features), [1, features]) });
  }
  const singleMicros = Number(process.hrtime.bigint() - t) / 1000 / singleCalls;
  const n = rows.length / features;
  const batch = new ort.Tensor('float32', rows, [n, features]);
  for (let i = 0; i < 3; i++) await session.run({ [inputName]: batch });
  const batches = 20;
  t = process.hrtime.bigint();
  for (let i = 0; i < batches; i++) await session.run({ [inputName]: batch });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  return { model: modelPath, singleRowMicros: singleMicros, batchRowsPerSecond: (n * batches) / seconds };
}

async function main() {
  const [, , inputsPath, featuresText, ...models] = process.argv;
  const features = Number(featuresText);
  const buffer = fs.readFileSync(inputsPath);
  const rows = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.length / 4);
  const results = [];
  for (const m of models) results.push(await measure(m, rows, features));
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => { process.stderr.write(String(e && e.stack ? e.stack : e)); process.exit(1); });

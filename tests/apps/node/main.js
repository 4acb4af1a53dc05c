// A Node.js program for the differential tests (tests/apps/meson.build):
// the host's node on the host and under Wicket, the same output. V8 and
// libuv lean on the kernel their own way: a JIT that writes and then runs
// its code, WebAssembly's guard regions, worker threads, a thread pool
// for files and crypto, epoll and eventfd for the event loop.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const crypto = require('crypto');

if (!isMainThread) {
  let hash = crypto.createHash('sha256');
  for (let i = 0; i < 1000; i++)
    hash.update(String(workerData + i));
  parentPort.postMessage(hash.digest('hex').slice(0, 16));
  return;
}

const dgram = require('dgram');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

function once(emitter, name) {
  return new Promise(resolve => emitter.once(name, resolve));
}

async function workers() {
  const results = await Promise.all([1, 2, 3].map(n => {
    const worker = new Worker(__filename, { workerData: n });
    return once(worker, 'message');
  }));
  console.log('three workers:', results.join(' '));
}

async function files() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wicket-node-'));
  const file = path.join(dir, 'data.txt');
  await fs.promises.writeFile(file, 'line one\nline two\n');
  await fs.promises.appendFile(file, 'line three\n');
  const text = await fs.promises.readFile(file, 'utf8');
  console.log('a file:', JSON.stringify(text), (await fs.promises.stat(file)).size, 'bytes');
  fs.renameSync(file, path.join(dir, 'renamed.txt'));
  console.log('listing:', fs.readdirSync(dir).join(','));
  fs.rmSync(dir, { recursive: true });
  console.log('removed:', !fs.existsSync(dir));
  try {
    fs.readFileSync(path.join(dir, 'none'));
  } catch (e) {
    console.log('a missing file:', e.code);
  }
}

async function sockets() {
  const server = net.createServer(s => s.pipe(s)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect(server.address().port, '127.0.0.1');
  await once(client, 'connect');
  const chunks = [];
  client.on('data', d => chunks.push(d));
  const big = Buffer.alloc(1 << 20, 'w');
  client.end(big);
  await once(client, 'end');
  const back = Buffer.concat(chunks);
  console.log('tcp echo:', back.length, 'bytes, same:', back.equals(big));
  server.close();

  const web = http.createServer((req, res) => res.end(req.method + ' ' + req.url));
  web.listen(0, '127.0.0.1');
  await once(web, 'listening');
  for (const p of ['/one', '/two/three']) {
    const body = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: web.address().port, path: p }, res => {
        let data = '';
        res.on('data', d => data += d);
        res.on('end', () => resolve(res.statusCode + ' ' + data));
      }).on('error', reject);
    });
    console.log('http:', body);
  }
  web.close();

  const udp = dgram.createSocket('udp4');
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  const sender = dgram.createSocket('udp4');
  sender.send('a datagram', udp.address().port, '127.0.0.1');
  const [message] = await once(udp, 'message').then(m => [m]);
  console.log('udp:', String(message));
  udp.close();
  sender.close();
}

async function compute() {
  console.log('sha256:', crypto.createHash('sha256').update('wicket').digest('hex'));
  const key = crypto.scryptSync('password', 'salt', 32);
  const iv = Buffer.alloc(16, 1);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  const sealed = Buffer.concat([cipher.update('a secret'), cipher.final()]);
  const decipher = crypto.createDecipheriv('aes-256-cbc', key, iv);
  console.log('aes round trip:', Buffer.concat([decipher.update(sealed), decipher.final()]).toString());
  console.log('random bytes:', crypto.randomBytes(16).length);
  const packed = zlib.gzipSync(Buffer.alloc(100000, 'abc'));
  console.log('gzip:', zlib.gunzipSync(packed).length, 'bytes back');

  // (i32, i32) -> i32 addition, as bytes.
  const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127,
    127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32,
    0, 32, 1, 106, 11]);
  const { instance } = await WebAssembly.instantiate(wasm);
  console.log('wasm add:', instance.exports.add(2, 40));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 });
  memory.grow(50);
  console.log('wasm memory pages:', memory.buffer.byteLength / 65536);

  let kept = [];
  for (let i = 0; i < 300; i++) {
    const a = new Array(10000).fill(i);
    if (i % 30 === 0)
      kept.push(a);
  }
  console.log('arrays kept:', kept.length, kept[9][9999]);
  let x = 0;
  for (let i = 0; i < 3000000; i++)
    x = (x + i * i) % 1000003;
  console.log('a hot loop (JIT-compiled):', x);
}

async function timers() {
  const order = [];
  // Far apart, as a loop turn under TCG can take tens of milliseconds of
  // the host's time: the two timers are set that far apart, and node
  // times each from the loop's clock when it is set.
  await Promise.all([
    new Promise(r => setTimeout(() => { order.push('400 ms'); r(); }, 400)),
    new Promise(r => setTimeout(() => { order.push('200 ms'); r(); }, 200)),
    new Promise(r => setImmediate(() => { order.push('immediate'); r(); })),
  ]);
  console.log('timers in order:', order.join(', '));
  // libuv times a timer from its loop's clock, read as each turn of the
  // loop starts and kept in milliseconds: the sleep starts in a timer's
  // callback, just after a read, and may still end up to 1 ms early.
  const slept = await new Promise(r => setTimeout(() => {
    const start = process.hrtime.bigint();
    setTimeout(() => r(process.hrtime.bigint() - start), 20);
  }, 0));
  console.log('slept at least 19 ms:', slept >= 19000000n);
}

(async () => {
  await workers();
  await files();
  await sockets();
  await compute();
  await timers();
})().catch(e => {
  console.log('failed:', e);
  process.exitCode = 1;
});

// A client of forge serve's GET /v1/runs/{id}/attach, for the tests.
//
//   node attach-client.js URL TOKEN SCRIPT
//
// URL is the run's ws://.../v1/runs/ID/attach; TOKEN may be "" (none).
// SCRIPT is a JSON array of steps, done in order:
//   {"wait": "TEXT"}      until the program's output holds TEXT
//   {"wait_status": true} until the program has started
//   {"sleep": MS}         a pause
//   {"text": VALUE}       a text message: VALUE as JSON
//   {"binary": "TEXT"}    a binary message: TEXT's bytes
//   {"raw": "HEX"}        bytes as they are (frames of one's own)
//   {"drop": true}        the connection cut, no close
// Then it waits for the server's close. It prints what it received, one
// JSON object a line: {"type":"stdout","data":...} and the rest as the
// server sent them, and at the end {"close": CODE, "reason": "..."}.
//
// With WS_MODULE set (the path of the `ws` package), the client is that
// package's, an implementation other than Forge's; "raw" steps always
// use the one below, written on Node's net module after RFC 6455, since
// they send what no proper client sends.
'use strict';
const net = require('net');
const crypto = require('crypto');

const [url, token, scriptText] = process.argv.slice(2);
const script = JSON.parse(scriptText);
const out = [];
let output = '', started = false, waiters = [];

function note(m) {
	console.log(JSON.stringify(m));
	if (m.type === 'stdout' || m.type === 'stderr')
		output += m.data !== undefined ? m.data :
			Buffer.from(m.data_base64, 'base64').toString();
	if (m.type === 'status')
		started = true;
	waiters = waiters.filter((w) => !w());
}

function until(pred) {
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('timed out: ' +
			JSON.stringify(script) + ' output so far: ' + output)), 60000);
		const w = () => { if (pred()) { clearTimeout(t); resolve(); return true; } return false; };
		if (!w()) waiters.push(w);
	});
}

// ---------------------------------------------------- Node's net, raw
function rawClient() {
	const u = new URL(url);
	const key = crypto.randomBytes(16).toString('base64');
	const sock = net.connect(Number(u.port), u.hostname);
	let buf = Buffer.alloc(0), upgraded = false, closed = null;
	const api = { closed: () => closed };
	const frame = (op, payload) => {
		const mask = crypto.randomBytes(4);
		const n = payload.length;
		let h;
		if (n < 126) h = Buffer.from([0x80 | op, 0x80 | n]);
		else if (n < 65536) { h = Buffer.alloc(4); h[0] = 0x80 | op; h[1] = 0x80 | 126; h.writeUInt16BE(n, 2); }
		else { h = Buffer.alloc(10); h[0] = 0x80 | op; h[1] = 0x80 | 127; h.writeBigUInt64BE(BigInt(n), 2); }
		const p = Buffer.from(payload);
		for (let i = 0; i < n; i++) p[i] ^= mask[i & 3];
		return Buffer.concat([h, mask, p]);
	};
	api.text = (s) => sock.write(frame(1, Buffer.from(s)));
	api.binary = (s) => sock.write(frame(2, Buffer.from(s)));
	api.raw = (hex) => sock.write(Buffer.from(hex, 'hex'));
	api.drop = () => sock.destroy();
	api.close = () => sock.write(frame(8, Buffer.from([0x03, 0xe8])));
	api.ready = new Promise((resolve, reject) => {
		sock.on('connect', () => {
			sock.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\n` +
				'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
				`Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
				(token ? `Authorization: Bearer ${token}\r\n` : '') + '\r\n');
		});
		sock.on('data', (d) => {
			buf = Buffer.concat([buf, d]);
			if (!upgraded) {
				const end = buf.indexOf('\r\n\r\n');
				if (end < 0) return;
				const head = buf.subarray(0, end).toString();
				buf = buf.subarray(end + 4);
				const want = crypto.createHash('sha1').update(key +
					'258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
				if (!/^HTTP\/1\.1 101/.test(head) ||
				    !head.toLowerCase().includes('sec-websocket-accept: ' + want.toLowerCase())) {
					console.log(JSON.stringify({ refused: head.split('\r\n')[0] }));
					process.exit(0);
				}
				upgraded = true;
				resolve();
			}
			for (;;) {
				if (buf.length < 2) return;
				let n = buf[1] & 0x7f, off = 2;
				if (buf[1] & 0x80) throw new Error('a masked server frame');
				if (n === 126) { if (buf.length < 4) return; n = buf.readUInt16BE(2); off = 4; }
				else if (n === 127) { if (buf.length < 10) return; n = Number(buf.readBigUInt64BE(2)); off = 10; }
				if (buf.length < off + n) return;
				const op = buf[0] & 0x0f, p = buf.subarray(off, off + n);
				buf = buf.subarray(off + n);
				if (op === 1) note(JSON.parse(p.toString()));
				else if (op === 10) console.log(JSON.stringify({ pong: p.toString() }));
				else if (op === 8) {
					closed = { close: n >= 2 ? p.readUInt16BE(0) : 1005, reason: p.subarray(2).toString() };
					waiters = waiters.filter((w) => !w());
				}
			}
		});
		sock.on('close', () => {
			if (!closed) closed = { close: 1006, reason: '' };
			waiters = waiters.filter((w) => !w());
			if (!upgraded) reject(new Error('no upgrade'));
		});
		sock.on('error', () => {});
	});
	return api;
}

// ------------------------------------------------------- the ws package
function wsClient() {
	const WebSocket = require(process.env.WS_MODULE);
	const ws = new WebSocket(url, { headers: token ? { Authorization: 'Bearer ' + token } : {} });
	let closed = null;
	const api = { closed: () => closed };
	api.text = (s) => ws.send(s);
	api.binary = (s) => ws.send(Buffer.from(s), { binary: true });
	api.drop = () => ws.terminate();
	api.close = () => ws.close(1000);
	ws.on('message', (d, isBinary) => { if (!isBinary) note(JSON.parse(d.toString())); });
	ws.on('close', (code, reason) => {
		closed = { close: code, reason: reason.toString() };
		waiters = waiters.filter((w) => !w());
	});
	ws.on('unexpected-response', (req, res) => {
		console.log(JSON.stringify({ refused: `HTTP/1.1 ${res.statusCode}` }));
		process.exit(0);
	});
	ws.on('error', () => {});
	api.ready = new Promise((resolve) => ws.on('open', resolve));
	return api;
}

(async () => {
	const raw = script.some((s) => s.raw !== undefined);
	const c = process.env.WS_MODULE && !raw ? wsClient() : rawClient();
	await c.ready;
	for (const s of script) {
		if (s.wait !== undefined) await until(() => output.includes(s.wait));
		else if (s.wait_status) await until(() => started);
		else if (s.sleep !== undefined) await new Promise((r) => setTimeout(r, s.sleep));
		else if (s.text !== undefined) c.text(typeof s.text === 'string' ? s.text : JSON.stringify(s.text));
		else if (s.binary !== undefined) c.binary(s.binary);
		else if (s.raw !== undefined) c.raw(s.raw);
		else if (s.drop) { c.drop(); console.log(JSON.stringify({ dropped: true })); process.exit(0); }
		else if (s.close) c.close();
	}
	await until(() => c.closed() !== null);
	console.log(JSON.stringify(c.closed()));
	process.exit(0);
})().catch((e) => { console.error(String(e)); process.exit(1); });

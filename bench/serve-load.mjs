// The load client of bench/serve.sh: CLIENTS concurrent clients, each on
// its own keep-alive connection, post BODY to URL until TOTAL requests
// are answered; prints one JSON line: requests, seconds, requests a
// second, latency P50/P99 (ms, of the answered), the status codes, how
// many 429/503 lacked Retry-After, and how many were lost (a connection
// error or no answer within 120 s).
//
// node serve-load.mjs URL BODY-FILE CLIENTS TOTAL
import http from "node:http";
import { readFileSync } from "node:fs";

const [url, bodyFile, clientsArg, totalArg] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const clients = Number(clientsArg), total = Number(totalArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
const target = new URL(url);

function once() {
	return new Promise((resolve) => {
		const t0 = performance.now();
		const req = http.request({
			host: target.hostname, port: target.port, path: target.pathname + target.search,
			method: "POST", agent, timeout: 120000,
			headers: { "Content-Type": "application/json", "Content-Length": body.length },
		}, (res) => {
			res.resume();
			res.on("end", () => resolve({
				code: res.statusCode, ms: performance.now() - t0,
				retry: res.headers["retry-after"] !== undefined,
			}));
		});
		req.on("timeout", () => req.destroy(new Error("timeout")));
		req.on("error", () => resolve({ code: "lost", ms: performance.now() - t0 }));
		req.end(body);
	});
}

let started = 0;
const results = [];
async function client() {
	while (started < total) {
		started++;
		results.push(await once());
	}
}
const t0 = performance.now();
await Promise.all(Array.from({ length: Math.min(clients, total) }, client));
const seconds = (performance.now() - t0) / 1000;
agent.destroy();

const codes = {};
for (const r of results) codes[r.code] = (codes[r.code] ?? 0) + 1;
const ok = results.filter((r) => r.code === 200).map((r) => r.ms).sort((a, b) => a - b);
const pct = (p) => ok.length ? ok[Math.min(ok.length - 1, Math.ceil(p * ok.length) - 1)] : null;
console.log(JSON.stringify({
	requests: results.length, seconds, per_s: ok.length / seconds,
	p50_ms: pct(0.5), p99_ms: pct(0.99), codes,
	no_retry_after: results.filter((r) => (r.code === 429 || r.code === 503) && !r.retry).length,
	lost: codes.lost ?? 0,
}));

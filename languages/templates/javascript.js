"use strict";

// one line at a time: the program answers as soon as its input is
// typed, without waiting for the end of it
const rl = require("readline").createInterface({ input: process.stdin });
const lines = rl[Symbol.asyncIterator]();
const readLine = async () => (await lines.next()).value;

async function main() {
    const line = await readLine();
    if (line === undefined || line.trim() === "")
        return;
    const n = Number(line);

    console.log(`${n}`);
}

main().finally(() => rl.close());

"use strict";

const input = require("fs").readFileSync(0, "utf8").split(/\s+/).filter(Boolean);
let pos = 0;
const next = () => input[pos++];

function main() {
    const out = [];

    if (input.length === 0)
        return;
    const n = Number(next());

    out.push(`${n}`);
    process.stdout.write(out.join("\n") + "\n");
}

main();

#!/bin/bash
# Hello world in every language whose toolchain is here, with stdin
# passed through; each must compile and run in the sandbox with verdict OK.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox

printf 'Ada\n' >"$TEST_TMP/name.txt"
ran=0

try() { # try LANG FILE: runs FILE with name.txt as stdin
	local lang=$1 file=$2
	if ! "$FORGE" langs --json | jq -e --arg id "$lang" \
		'.[] | select(.id == $id and .available)' >/dev/null; then
		echo "note: $lang not available here, not tested" >&2
		return
	fi
	ran=$((ran + 1))
	forge_json "$file" -i "$TEST_TMP/name.txt" -t 5 --wall 60
	eq "$lang: verdict" OK "$(j .verdict)"
	eq "$lang: exit status" 0 "$rc"
	eq "$lang: stdout" "Hello, Ada!" "$(j .stdout)"
	eq "$lang: language" "$lang" "$(j .language)"
	if [ "$(j .verdict)" != OK ]; then
		jq -r '.detail, .compile_output, .stderr' "$TEST_TMP/last.json" >&2
	fi
}

try c "$(write hello.c <<'X'
#include <stdio.h>
int main(void) { char n[32]; if (scanf("%31s", n) != 1) return 1; printf("Hello, %s!\n", n); return 0; }
X
)"
try cpp "$(write hello.cc <<'X'
#include <iostream>
#include <string>
int main() { std::string n; std::cin >> n; std::cout << "Hello, " << n << "!" << std::endl; }
X
)"
try python3 "$(write hello.py <<'X'
print(f"Hello, {input().strip()}!")
X
)"
try javascript "$(write hello.js <<'X'
const n = require('fs').readFileSync(0, 'utf8').trim();
console.log(`Hello, ${n}!`);
X
)"
try go "$(write hello.go <<'X'
package main

import "fmt"

func main() {
	var n string
	fmt.Scan(&n)
	fmt.Printf("Hello, %s!\n", n)
}
X
)"
try rust "$(write hello.rs <<'X'
use std::io::Read;
fn main() {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).unwrap();
    println!("Hello, {}!", s.trim());
}
X
)"
# Java: the file name does not match the public class
try java "$(write my_solution.java <<'X'
import java.util.Scanner;
public class Greeter {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        System.out.println("Hello, " + in.next() + "!");
    }
}
X
)"
try bash "$(write hello.sh <<'X'
read -r n
echo "Hello, $n!"
X
)"
try ruby "$(write hello.rb <<'X'
puts "Hello, #{gets.strip}!"
X
)"
try php "$(write hello.php <<'X'
<?php echo "Hello, " . trim(fgets(STDIN)) . "!\n";
X
)"

# stdin from forge's own stdin (a pipe), and output passing through
out=$(printf 'Bo\n' | "$FORGE" run -q "$TEST_TMP/hello.py")
eq "stdin through a pipe, stdout passes through" "Hello, Bo!" "$out"
# a large stdin is pumped completely
seq 1 200000 >"$TEST_TMP/big.txt"
sum=$(write sum.py <<'X'
import sys
print(sum(int(x) for x in sys.stdin))
X
)
forge_json "$sum" -i "$TEST_TMP/big.txt"
eq "a 1.2 MB stdin arrives whole" 20000100000 "$(j .stdout | tr -d '\n')"

check "at least C, C++, Python and Bash ran" test "$ran" -ge 4
finish

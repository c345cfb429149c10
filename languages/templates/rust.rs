use std::io::{self, BufWriter, Read, Write};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut tokens = input.split_ascii_whitespace();
    let mut out = BufWriter::new(io::stdout().lock());

    let n: i64 = match tokens.next() {
        Some(t) => t.parse().unwrap(),
        None => return,
    };

    writeln!(out, "{}", n).unwrap();
}

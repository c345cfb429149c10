use std::io::{self, BufRead, BufWriter, Write};

fn main() {
    // one line at a time: the program answers as soon as its input is
    // typed, without waiting for the end of it
    let mut line = String::new();
    if io::stdin().lock().read_line(&mut line).unwrap() == 0 || line.trim().is_empty() {
        return;
    }
    let n: i64 = line.trim().parse().unwrap();
    let mut out = BufWriter::new(io::stdout().lock());

    writeln!(out, "{}", n).unwrap();
}

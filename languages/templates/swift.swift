import Foundation

// one line at a time: the program answers as soon as its input is
// typed, without waiting for the end of it
guard let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
    exit(0)
}
let n = Int(line.trimmingCharacters(in: .whitespaces))!

print(n)

import Foundation

var tokens: [Substring] = []
while let line = readLine() {
    tokens += line.split(separator: " ")
}
var pos = 0

if tokens.isEmpty {
    exit(0)
}
let n = Int(tokens[pos])!
pos += 1

print(n)

input = $stdin.read.split
exit if input.empty?
pos = 0

n = input[pos].to_i
pos += 1

puts n

# one line at a time: the program answers as soon as its input is
# typed, without waiting for the end of it
line = $stdin.gets
exit if line.nil? || line.strip.empty?
n = line.to_i

puts n

<?php

// one line at a time: the program answers as soon as its input is
// typed, without waiting for the end of it
$line = fgets(STDIN);
if ($line === false || trim($line) === '') {
    exit(0);
}
$n = (int) $line;

echo $n, "\n";

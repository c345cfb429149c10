<?php

$input = preg_split('/\s+/', trim(stream_get_contents(STDIN)));
$pos = 0;

if ($input[0] === '') {
    exit(0);
}
$n = (int) $input[$pos++];

echo $n, "\n";

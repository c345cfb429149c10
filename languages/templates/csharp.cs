using System;
using System.IO;
using System.Linq;
using System.Collections.Generic;

public static class Program
{
    public static void Main()
    {
        // one line at a time: the program answers as soon as its input
        // is typed, without waiting for the end of it
        string line = Console.ReadLine();
        if (line == null || line.Trim().Length == 0)
            return;
        long n = long.Parse(line.Trim());

        Console.WriteLine(n);
    }
}

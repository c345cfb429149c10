using System;
using System.IO;
using System.Linq;
using System.Collections.Generic;

public static class Program
{
    public static void Main()
    {
        var input = Console.In.ReadToEnd()
            .Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        var output = new StreamWriter(Console.OpenStandardOutput());
        int pos = 0;

        if (input.Length == 0)
            return;
        long n = long.Parse(input[pos++]);

        output.WriteLine(n);
        output.Flush();
    }
}

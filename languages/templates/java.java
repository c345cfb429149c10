import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        PrintWriter out = new PrintWriter(new BufferedOutputStream(System.out));
        StringTokenizer st = new StringTokenizer("");

        while (!st.hasMoreTokens()) {
            String line = in.readLine();
            if (line == null)
                return;
            st = new StringTokenizer(line);
        }
        long n = Long.parseLong(st.nextToken());

        out.println(n);
        out.flush();
    }
}

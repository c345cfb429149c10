#!/bin/bash
# A Java build is cached whole: every class the compiler wrote, inner
# classes too, so that the cached program runs as the fresh one did.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang java

java=$(write Inner.java <<'X'
public class Inner {
    static class Helper { int twice(int x) { return 2 * x; } }
    public static void main(String[] a) { System.out.println(new Helper().twice(21)); }
}
X
)
forge_json "$java" -t 5
eq "java with an inner class" "false 42" "$(j .build_cached) $(j .stdout)"
forge_json "$java" -t 5
eq "java cached with its inner class" "true 42" "$(j .build_cached) $(j .stdout)"
check "the cached build holds the inner class" \
	bash -c "find '$XDG_CACHE_HOME/forge/build' -name 'Inner\$Helper.class' | grep -q ."
finish

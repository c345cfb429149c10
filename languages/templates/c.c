#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    long long n;

    if (scanf("%lld", &n) != 1)
        return 0;

    printf("%lld\n", n);
    return 0;
}

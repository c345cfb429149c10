#include <stdio.h>

int main(void)
{
	char name[64];

	printf("Hello from inside Forge's sandbox!\n");
	if (scanf("%63s", name) == 1)
		printf("Nice to meet you, %s.\n", name);
	return 0;
}

# The fuzz harnesses: Forge's parsers and the harnesses in tests/fuzz/,
# built with clang, libFuzzer, ASan and UBSan. GNU make; run from the build
# directory by `make fuzz-build` (see Makefile.am), which passes srcdir,
# FUZZ_CC, FUZZ_CPPFLAGS and FUZZ_LIBS.
FUZZ_TARGETS = json import companion http kattis lang theme settings limits tar ws
FUZZ_SOURCES = $(wildcard $(srcdir)/base/*.c) \
	$(wildcard $(srcdir)/engine/*.c) \
	$(filter-out %/ns-scope.c,$(wildcard $(srcdir)/engine/ns/*.c)) \
	$(if $(filter yes,$(WITH_DOCKER)),$(wildcard $(srcdir)/engine/docker/*.c)) \
	$(wildcard $(srcdir)/history/*.c) \
	$(addprefix $(srcdir)/tui/,buffer.c diag.c syntax.c settings.c \
		theme.c companion.c)
FUZZ_OUT = tests/fuzz/build
FUZZ_OBJS = $(patsubst $(srcdir)/%.c,$(FUZZ_OUT)/%.o,$(FUZZ_SOURCES))
FUZZ_BINS = $(addprefix tests/fuzz/fuzz-,$(FUZZ_TARGETS))
# Forge's code gets coverage for the fuzzer; recover nothing: the first
# report stops the run. Not -O0: a few thousand runs a second matters.
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -std=gnu11 \
	-I$(srcdir) -I. -DFORGE_DATADIR='"$(abspath $(srcdir))"' \
	-DFORGE_BINDIR='"$(abspath .)"' \
	$(FUZZ_CPPFLAGS)

all: $(FUZZ_BINS)

$(FUZZ_OUT)/%.o: $(srcdir)/%.c config.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

-include $(FUZZ_OBJS:.o=.d)

tests/fuzz/fuzz-%: $(srcdir)/tests/fuzz/fuzz-%.c $(srcdir)/tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
		$(FUZZ_LIBS)

.PHONY: all

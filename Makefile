# iketest: build, check, fuzz, bench, clean.
# Quiet unless V=1. Sources: harness/*.c form the library (main.c aside);
# harness/tests/test_NAME.c is one TAP test binary, linked with tap.c and
# any harness/tests/NAME_*.c; harness/fuzz/fuzz_NAME.c one libFuzzer
# target; harness/tests/*.sh are shell TAP tests that prove runs as they are.

CC       ?= cc
CLANG    ?= clang
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
CPPFLAGS := -std=c11 -D_DEFAULT_SOURCE -Iharness -MMD -MP
LDLIBS   := -lpcap -lnet -lssl -lcrypto
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60
PROVE    ?= prove
PROVE_FLAGS ?= --timer

B := build

ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-6s %s\n'
endif

LIB_SRCS   := $(filter-out harness/main.c,$(wildcard harness/*.c))
MAIN_SRC   := harness/main.c
TEST_MAINS := $(wildcard harness/tests/test_*.c)
TEST_NAMES := $(patsubst harness/tests/test_%.c,%,$(TEST_MAINS))
FUZZ_SRCS  := $(wildcard harness/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst harness/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
BENCH_SRCS := $(wildcard harness/bench/bench_*.c)
SHELL_TESTS := $(sort $(wildcard harness/tests/*.sh))

# Three builds of the same library: plain, sanitized, and for libFuzzer.
lib_objs = $(patsubst harness/%.c,$(1)/obj/%.o,$(LIB_SRCS))

.PHONY: all check check-plain check-asan fuzz fuzz-build bench clean
all: $(B)/iketest

$(B)/iketest: $(B)/obj/main.o $(B)/libiketest.a
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libiketest.a: $(call lib_objs,$(B))
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/obj/%.o: harness/%.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/asan/libiketest.a: $(call lib_objs,$(B)/asan)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

# iketest itself under ASan+UBSan: the suites against the reference peer run
# it (harness/tests/suites_reference.sh), so that a memory bug in `run` or
# `respond` fails make check instead of working by luck.
$(B)/asan/iketest: $(B)/asan/obj/main.o $(B)/asan/libiketest.a
	$(say) LINK $@
	$(Q)$(CC) -O1 -g $(SAN) -o $@ $^ $(LDLIBS)

$(B)/asan/obj/%.o: harness/%.c
	@mkdir -p $(dir $@)
	$(say) CC-SAN $<
	$(Q)$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) -c -o $@ $<

# iketest with a planted bug in the reference peer (respond.c,
# IKETEST_PLANTED_BUG): the target harness/tests/fuzz_planted.sh makes
# `iketest fuzz` find. Never part of the plain build.
$(B)/planted/iketest: $(B)/planted/obj/main.o $(call lib_objs,$(B)/planted)
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/planted/obj/%.o: harness/%.c
	@mkdir -p $(dir $@)
	$(say) CC-PLANTED $<
	$(Q)$(CC) $(CPPFLAGS) -DIKETEST_PLANTED_BUG $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/fuzzlib/libiketest.a: $(call lib_objs,$(B)/fuzzlib)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/fuzzlib/obj/%.o: harness/%.c
	@mkdir -p $(dir $@)
	$(say) CLANG $<
	$(Q)$(CLANG) $(CPPFLAGS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined $(WARN) -c -o $@ $<

# Test binaries: test_NAME.c + tap.c + NAME_*.c helpers.
test_srcs = harness/tests/test_$(1).c harness/tests/tap.c $(wildcard harness/tests/$(1)_*.c)

define TEST_RULES
$(B)/tests/test_$(1): $(call test_srcs,$(1)) $(B)/libiketest.a
	@mkdir -p $$(dir $$@)
	$$(say) TEST $$@
	$$(Q)$$(CC) $$(CPPFLAGS) -Iharness/tests $$(CFLAGS) $$(WARN) -o $$@ $$(filter %.c,$$^) $(B)/libiketest.a $$(LDLIBS)
$(B)/asan/tests/test_$(1): $(call test_srcs,$(1)) $(B)/asan/libiketest.a
	@mkdir -p $$(dir $$@)
	$$(say) TESTSAN $$@
	$$(Q)$$(CC) $$(CPPFLAGS) -Iharness/tests -O1 -g $$(SAN) $$(WARN) -o $$@ $$(filter %.c,$$^) $(B)/asan/libiketest.a $$(LDLIBS)
endef
$(foreach t,$(TEST_NAMES),$(eval $(call TEST_RULES,$(t))))

define FUZZ_RULES
$(B)/fuzz/fuzz_$(1): harness/fuzz/fuzz_$(1).c $(B)/fuzzlib/libiketest.a
	@mkdir -p $$(dir $$@)
	$$(say) FUZZ $$@
	$$(Q)$$(CLANG) $$(CPPFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined $$(WARN) -o $$@ $$< $(B)/fuzzlib/libiketest.a $$(LDLIBS)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call FUZZ_RULES,$(f))))

PLAIN_TESTS := $(addprefix $(B)/tests/test_,$(TEST_NAMES))
ASAN_TESTS  := $(addprefix $(B)/asan/tests/test_,$(TEST_NAMES))
FUZZERS     := $(addprefix $(B)/fuzz/fuzz_,$(FUZZ_NAMES))

# Everything through prove: the unit tests, the same tests built with
# ASan+UBSan, and the shell tests (which use build/iketest).
check: $(B)/iketest $(B)/asan/iketest $(B)/planted/iketest $(PLAIN_TESTS) $(ASAN_TESTS)
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	IKETEST=$(CURDIR)/$(B)/iketest IKETEST_ASAN=$(CURDIR)/$(B)/asan/iketest IKETEST_TOP=$(CURDIR) \
	$(PROVE) $(PROVE_FLAGS) $(PLAIN_TESTS) $(ASAN_TESTS) $(SHELL_TESTS)

fuzz-build: $(FUZZERS)

# Each target runs FUZZ_SECONDS (default 60) from a corpus seeded with the
# golden messages; a crash leaves its input in build/fuzz/findings/.
fuzz: $(FUZZERS)
	$(Q)set -e; for f in $(FUZZ_NAMES); do \
	  mkdir -p $(B)/fuzz/corpus/$$f $(B)/fuzz/findings; \
	  sh harness/fuzz/seed.sh $$f $(B)/fuzz/corpus/$$f; \
	  echo "fuzz_$$f: $(FUZZ_SECONDS) s"; \
	  $(B)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(B)/fuzz/findings/$$f- $(B)/fuzz/corpus/$$f 2>&1 | \
	    grep -E '^(stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|Done)' ; \
	done

# Benchmarks: harness/bench/bench_NAME.c with release flags against the
# plain library; harness/bench/run.sh runs them pinned to one core beside
# `openssl speed` and prints the ratios (numbers only, never a failure);
# P4 also starts build/iketest (respond, load --flood) beside ike-scan.
BENCH_NAMES   := $(patsubst harness/bench/bench_%.c,%,$(BENCH_SRCS))
BENCHES       := $(addprefix $(B)/bench/bench_,$(BENCH_NAMES))
BENCH_CFLAGS  ?= -O2
BENCH_SECONDS ?= 3

$(B)/bench/bench_%: harness/bench/bench_%.c $(B)/libiketest.a
	@mkdir -p $(dir $@)
	$(say) BENCH $@
	$(Q)$(CC) $(CPPFLAGS) $(BENCH_CFLAGS) $(WARN) -o $@ $< $(B)/libiketest.a $(LDLIBS)

bench: $(BENCHES) $(B)/iketest
	$(Q)BENCH_SECONDS=$(BENCH_SECONDS) IKETEST=$(B)/iketest sh harness/bench/run.sh $(B)/bench
	$(Q)BENCH_SECONDS=$(BENCH_SECONDS) sh harness/bench/fuzz.sh $(B)/iketest
	$(Q)sh harness/bench/suite.sh $(B)/iketest

clean:
	$(say) CLEAN $(B)
	$(Q)rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Keep — a MUD server whose single source of truth is PostgreSQL.
#
#   make run        build, start the embedded database, migrate, load the
#                   world and serve telnet on port 4000 (KEEP_PORT)
#   make test       build and run every test tier on a throw-away database,
#                   then drive the real TinTin++ against keepd in tmux
#   make unit       only the pure tier (no database, no keepd): about a second
#   make asan       the same tests with AddressSanitizer and UBSan
#   make faults     the full database fault matrix (docs/reliability.md):
#                   restarts, crashes, a 30 s outage, killed backends, a
#                   silent network, 10 kill -9 and 10 crashes under load
#   make db-stop    stop the embedded database
#   make psql       psql on the configured database (SQL='...' for one)
#   make compose-test   build the image and test the Compose stack for real
#   make cluster-test   the same for the cluster (config/cluster): three
#                   keepd behind HAProxy and Prometheus; kill -9, rolling
#                   restart under load (docs/ops.md, "Cluster")
#   make bench      keepd against pgbench running the same statements
#                   (docs/performance.md); a benchmark, not a test.
#                   bench/run.sh exits 0 when every target passes, 1 when
#                   one misses or its window was DISTURBED by other
#                   processes, 2 when bench/*.sql drifted from the store
#                   or a run failed; make shows it as "Error 1"/"Error 2"
#                   (and exits 2 itself for either, as make does);
#                   BENCH_REPEAT=3 make bench runs it three times and
#                   prints the median and spread of every figure
#   make fuzz       run the libFuzzer targets (tests/fuzz) FUZZ_SECS seconds
#                   each (default 300) and merge what they learn into the
#                   corpus; make test runs each for FUZZ_TEST_SECS (15)
#
# V=1 shows full compiler lines.

CC	?= cc
PKGS	 = libpq libevent libevent_pthreads jansson libsodium zlib
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

WARN	 = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
	   -Wstrict-prototypes -Wpointer-arith -Wcast-qual -Wvla
ifneq ($(CI),)
WARN	+= -Werror
endif
OPT	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -Iserver $(PKG_CFLAGS) -MMD -MP
# libunistring has no pkg-config file.
LDLIBS	+= $(PKG_LIBS) -lunistring -lpthread

BUILD	?= build
SRCS	 = $(wildcard server/*.c server/*/*.c)
OBJS	 = $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS = $(filter-out $(BUILD)/server/main.o,$(OBJS))
TEST_SRCS = $(filter-out tests/fuzz/%,$(wildcard tests/*.c tests/*/*.c))
TEST_OBJS = $(TEST_SRCS:%.c=$(BUILD)/%.o)
BENCH_SRCS = $(wildcard bench/*.c)
BENCH_OBJS = $(BENCH_SRCS:%.c=$(BUILD)/%.o)
BENCH_LIBS = $(shell pkg-config --libs libevent jansson 2>/dev/null) -lm

# The fuzz targets (tests/fuzz, docs/fuzzing.md): clang's libFuzzer with
# ASan and UBSan, every object built into build-fuzz by a recursive make.
# gcc's build is the one -Werror guards; clang is quiet about the two
# idioms only it warns of, and never turns a warning into an error here.
FUZZ_BUILD = build-fuzz
FUZZ_CC	  ?= clang
FUZZ_OPT   = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	     -fno-sanitize-recover=all
FUZZ_WARN  = $(filter-out -Werror,$(WARN)) -Wno-missing-field-initializers \
	     -Wno-format-nonliteral
FUZZ_SECS ?= 300
FUZZ_TEST_SECS ?= 15
FUZZ_OBJS  = $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/fuzz/*.c))

ifeq ($(V),1)
Q =
else
Q = @
endif

# The embedded database of `make run` (used when DATABASE_URL is unset).
EMBED_DIR  = var/pg
EMBED_PORT = 5433
KEEP_PORT ?= 4000
export KEEP_PORT

.PHONY: all deps run test unit asan valgrind db-start db-stop psql compose-test \
	cluster-test \
	clean bench faults fuzz fuzz-build

all: $(BUILD)/keepd $(BUILD)/keep-bench

deps:
	@sh .ci/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -Itests $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/keepd: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/keep-tests: $(LIB_OBJS) $(TEST_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(LIB_OBJS) $(TEST_OBJS) \
		$(CHECK_LIBS) $(LDLIBS)

# The load generator (bench/): libevent and jansson only.
$(BUILD)/keep-bench: $(BENCH_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BENCH_OBJS) $(BENCH_LIBS)

# Start the embedded database unless DATABASE_URL names another one.
db-start: deps
	@if [ -z "$$DATABASE_URL" ]; then \
		db/pg.sh start $(EMBED_DIR) $(EMBED_PORT) >/dev/null && \
		echo "embedded database: $$(db/pg.sh url $(EMBED_DIR) $(EMBED_PORT))"; \
	fi

run: deps db-start $(BUILD)/keepd
	@url=$${DATABASE_URL:-$$(db/pg.sh url $(EMBED_DIR) $(EMBED_PORT))}; \
	DATABASE_URL=$$url $(BUILD)/keepd migrate && \
	DATABASE_URL=$$url $(BUILD)/keepd load-world && \
	echo "Keep is starting: telnet 127.0.0.1 $(KEEP_PORT), dashboard http://127.0.0.1:$${KEEP_HTTP_PORT:-4080}/  (Ctrl-C stops it)" && \
	DATABASE_URL=$$url exec $(BUILD)/keepd

db-stop:
	@db/pg.sh stop $(EMBED_DIR)

psql: db-start
	@url=$${DATABASE_URL:-$$(db/pg.sh url $(EMBED_DIR) $(EMBED_PORT))}; \
	if [ -n "$(SQL)" ]; then psql -X "$$url" -c "$(SQL)"; \
	else psql -X "$$url"; fi

# A short fuzzing run first; after the Check binary, the real TinTin++
# against keepd (tests/clients/tintin.sh, on a cluster of its own: port
# 5436 or KEEP_TINTIN_PG_PORT), then a real plain telnet
# (tests/clients/telnet.sh: port 5437 or KEEP_TELNET_PG_PORT), then
# db/backup.sh's backup restored into fresh clusters, plain and to a point
# in time (tests/backup/backup-test.sh: ports 5449, 5447 and 5446, or
# KEEP_BACKUP_PG_PORT, KEEP_BACKUP_RESTORE_PORT, KEEP_BACKUP_PITR_PORT).
test: deps fuzz-build $(BUILD)/keepd $(BUILD)/keep-tests $(BUILD)/keep-bench
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TEST_SECS)
	@sh tests/run.sh $(BUILD)
	@sh tests/clients/tintin.sh $(BUILD)
	@sh tests/web/dashboard.sh $(BUILD)
	@sh tests/clients/telnet.sh $(BUILD)
	@sh tests/backup/backup-test.sh $(BUILD)

# The pure tier: tests/unit and the rules of server/game/, with no
# database to reach (DATABASE_URL is taken away, so a suite that needs one
# fails here instead of passing by luck).
unit: deps $(BUILD)/keep-tests
	@env -u DATABASE_URL -u KEEPD KEEP_TIER=unit $(BUILD)/keep-tests

faults: deps $(BUILD)/keepd $(BUILD)/keep-tests
	@KEEP_SUITE=faults KEEP_FAULTS_FULL=1 sh tests/run.sh $(BUILD)

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
		OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" test

valgrind: deps $(BUILD)/keepd $(BUILD)/keep-tests
	@KEEP_VALGRIND=1 sh tests/run.sh $(BUILD)

compose-test:
	@bash tests/compose-test.sh

cluster-test:
	@bash tests/cluster-test.sh

# A fuzz target's own code is not instrumented for coverage: only what it
# tests guides the fuzzer (and cov/ft count only that).
$(BUILD)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -fno-sanitize=fuzzer-no-link -c $< -o $@

# The telnet target links telnet.o alone; the command-line one links the
# game objects because the command table names every handler (it calls
# none of them: no database is touched).
$(BUILD)/fuzz-telnet: $(BUILD)/tests/fuzz/fuzz_telnet.o \
    $(BUILD)/server/net/telnet.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^

$(BUILD)/fuzz-cmdline: $(BUILD)/tests/fuzz/fuzz_cmdline.o $(LIB_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: deps
	@$(MAKE) --no-print-directory $(if $(Q),-s) BUILD=$(FUZZ_BUILD) \
		CC=$(FUZZ_CC) OPT="$(FUZZ_OPT) -fsanitize=fuzzer-no-link" \
		WARN="$(FUZZ_WARN)" LDFLAGS="-fsanitize=address,undefined" \
		$(FUZZ_BUILD)/fuzz-telnet $(FUZZ_BUILD)/fuzz-cmdline

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECS) merge

bench: deps $(BUILD)/keepd $(BUILD)/keep-bench
	@sh .ci/deps.sh bench
	@sh bench/run.sh $(BUILD)

clean:
	rm -rf build build-asan build-fuzz

-include $(OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BENCH_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)

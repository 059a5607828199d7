/*
 * main.c — the one test runner: unit, database, end-to-end and crash
 * suites, so `make test` ends with one Check summary line.
 *
 * KEEP_SUITE=name runs one suite (e.g. KEEP_SUITE=e2e).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep_test.h"

int
main(void)
{
	static const struct {
		const char	*name;
		Suite		*(*make)(void);
	} suites[] = {
		{ "telnet", telnet_suite }, { "config", config_suite },
		{ "cmd", cmd_suite }, { "layering", layering_suite },
		{ "store", store_suite }, { "handler", handler_suite },
		{ "e2e", e2e_suite }, { "crash", crash_suite },
		{ "world", world_suite }, { "items", items_suite },
		{ "items_e2e", items_e2e_suite }, { "combat", combat_suite },
		{ "combat_e2e", combat_e2e_suite }, { "shop", shop_suite },
		{ "economy", economy_suite },
		{ "login_guard", login_guard_suite },
		{ "messages", messages_suite }, { "bench", bench_suite },
		{ "limit", limit_suite }, { "abuse", abuse_suite },
		{ "tx_faults", tx_faults_suite },
		{ "faults", faults_suite }, { "shutdown", shutdown_suite },
		{ "store_shape", store_shape_suite },
	};
	const char	*only = getenv("KEEP_SUITE");
	SRunner		*sr = NULL;
	int		 failed;

	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		Suite	*s;

		if (only != NULL && strcmp(only, suites[i].name) != 0)
			continue;
		s = suites[i].make();
		if (sr == NULL)
			sr = srunner_create(s);
		else
			srunner_add_suite(sr, s);
	}
	if (sr == NULL) {
		fprintf(stderr, "no suite named %s\n", only);
		return 2;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

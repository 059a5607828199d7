/*
 * main.c — the one test runner: unit, database, end-to-end and crash
 * suites, so `make test` ends with one Check summary line.
 *
 * KEEP_SUITE=name runs one suite (e.g. KEEP_SUITE=e2e).  KEEP_TIER=unit
 * runs only the pure tier — the suites that need no database and no keepd
 * (`make unit`, about a second).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep_test.h"

int
main(void)
{
	/* unit: needs neither PostgreSQL nor a running keepd. */
	static const struct {
		const char	*name;
		Suite		*(*make)(void);
		int		 unit;
	} suites[] = {
		{ "telnet", telnet_suite, 1 }, { "config", config_suite, 1 },
		{ "cmd", cmd_suite, 1 }, { "layering", layering_suite, 1 },
		{ "limit", limit_suite, 1 }, { "rules", rules_suite, 1 },
		{ "session", session_suite, 1 },
		{ "store_shape", store_shape_suite, 1 },
		{ "color", color_suite, 1 },
		{ "store", store_suite, 0 }, { "handler", handler_suite, 0 },
		{ "e2e", e2e_suite, 0 }, { "crash", crash_suite, 0 },
		{ "world", world_suite, 0 }, { "items", items_suite, 0 },
		{ "items_e2e", items_e2e_suite, 0 },
		{ "combat", combat_suite, 0 },
		{ "combat_e2e", combat_e2e_suite, 0 },
		{ "shop", shop_suite, 0 }, { "economy", economy_suite, 0 },
		{ "login_guard", login_guard_suite, 0 },
		{ "messages", messages_suite, 0 }, { "bench", bench_suite, 0 },
		{ "abuse", abuse_suite, 0 },
		{ "tx_faults", tx_faults_suite, 0 },
		{ "faults", faults_suite, 0 }, { "shutdown", shutdown_suite, 0 },
		{ "schema", schema_suite, 0 },
		{ "build", build_suite, 0 },
		{ "proto", proto_suite, 0 },
		{ "mod", mod_suite, 0 },
		{ "gate", gate_suite, 0 },
		{ "ops", ops_suite, 0 },
		{ "telnet_e2e", telnet_e2e_suite, 0 },
		{ "mssp_unit", mssp_unit_suite, 1 },
		{ "mssp", mssp_suite, 0 },
		{ "trade", trade_suite, 0 },
		{ "talk", talk_suite, 0 },
		{ "screen", screen_suite, 0 },
		{ "clients", clients_suite, 0 },
		{ "http", http_suite, 0 },
		{ "dash", dash_suite, 0 },
		{ "proxyproto", proxyproto_suite, 0 },
		{ "proxy_unit", proxy_unit_suite, 1 },
		{ "round_trips", round_trips_suite, 0 },
	};
	const char	*only = getenv("KEEP_SUITE");
	const char	*tier = getenv("KEEP_TIER");
	int		 unit_only = tier != NULL && strcmp(tier, "unit") == 0;
	SRunner		*sr = NULL;
	int		 failed;

	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		Suite	*s;

		if (only != NULL && strcmp(only, suites[i].name) != 0)
			continue;
		if (unit_only && !suites[i].unit)
			continue;
		s = suites[i].make();
		if (sr == NULL)
			sr = srunner_create(s);
		else
			srunner_add_suite(sr, s);
	}
	if (sr == NULL) {
		fprintf(stderr, "no suite named %s%s\n", only != NULL ? only :
		    "", unit_only ? " in the unit tier" : "");
		return 2;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

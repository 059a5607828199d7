/*
 * test_config.c — the config table: defaults, every kind of bad input, the
 * environment, and the example file and docs kept in step with the table.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops/config.h"

Suite	*config_suite(void);

static const char *const env_names[] = { "KEEP_CONFIG", "DATABASE_URL",
    "KEEP_PORT" };
static char	*env_saved[3];
static char	 tmp_path[64];
static char	 err[256];

/* Save and clear the variables config_load reads, so the host stays out. */
static void
env_setup(void)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < 3; i++) {
		v = getenv(env_names[i]);
		env_saved[i] = v != NULL ? strdup(v) : NULL;
		unsetenv(env_names[i]);
	}
	tmp_path[0] = '\0';
	err[0] = '\0';
}

/* Put the saved variables back and remove any temporary file. */
static void
env_teardown(void)
{
	size_t	i;

	for (i = 0; i < 3; i++) {
		if (env_saved[i] != NULL)
			setenv(env_names[i], env_saved[i], 1);
		else
			unsetenv(env_names[i]);
		free(env_saved[i]);
		env_saved[i] = NULL;
	}
	if (tmp_path[0] != '\0')
		unlink(tmp_path);
}

/* Write text to a new temporary file whose name is left in tmp_path. */
static void
write_tmp(const char *text)
{
	FILE	*fp;
	int	 fd;

	snprintf(tmp_path, sizeof tmp_path, "/tmp/keep-config-XXXXXX");
	fd = mkstemp(tmp_path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

/* Load json expecting failure, and check err contains want. */
static void
load_fails(const char *json, const char *want)
{
	struct config	cfg;

	ck_assert_msg(!config_load_string(&cfg, json, err, sizeof err),
	    "loaded: %s", json);
	ck_assert_msg(strstr(err, want) != NULL, "err \"%s\" lacks \"%s\"",
	    err, want);
	ck_assert_ptr_null(cfg.listen_address);
	ck_assert_ptr_null(cfg.log_level);
}

/* Load json expecting success. */
static void
load_ok(struct config *cfg, const char *json)
{
	ck_assert_msg(config_load_string(cfg, json, err, sizeof err),
	    "%s: %s", json, err);
}

/* Every key of cfg is at its default. */
static void
assert_all_default(const struct config *cfg)
{
	size_t	i;

	for (i = 0; i < config_key_count(); i++)
		ck_assert_msg(config_key_is_default(cfg, i), "%s not default",
		    config_key_name(i));
}

/* Read a whole file into a new string. */
static char *
read_all(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s (run from repo root)", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_ge(n, 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

START_TEST(test_defaults)
{
	struct config	cfg;

	load_ok(&cfg, "{}");
	assert_all_default(&cfg);
	ck_assert_str_eq(cfg.listen_address, "127.0.0.1");
	ck_assert_int_eq(cfg.port, 4000);
	ck_assert_str_eq(cfg.database_url, "");
	ck_assert_int_eq(cfg.workers, 4);
	ck_assert_int_eq(cfg.max_connections, 2500);
	ck_assert_int_eq(cfg.login_timeout, 60);
	ck_assert_int_eq(cfg.max_queued_lines, 20);
	ck_assert_int_eq(cfg.max_output_kib, 1024);
	ck_assert_int_eq(cfg.tx_retries, 5);
	ck_assert_int_eq(cfg.statement_timeout_ms, 5000);
	ck_assert_int_eq(cfg.argon2_ops, 2);
	ck_assert_int_eq(cfg.argon2_mem_kib, 19456);
	ck_assert_str_eq(cfg.migrations_dir, "db/migrations");
	ck_assert_str_eq(cfg.world_dir, "db/world");
	ck_assert_str_eq(cfg.log_level, "info");
	config_free(&cfg);
	ck_assert_ptr_null(cfg.listen_address);
	config_free(&cfg);	/* twice is harmless */
}
END_TEST

START_TEST(test_values_set)
{
	struct config	cfg;

	load_ok(&cfg, "{\"port\": 65535, \"workers\": 1, \"tx_retries\": 0,"
	    " \"log_level\": \"debug\", \"database_url\": \"dbname=keep\","
	    " \"listen_address\": \"0.0.0.0\"}");
	ck_assert_int_eq(cfg.port, 65535);
	ck_assert_int_eq(cfg.workers, 1);
	ck_assert_int_eq(cfg.tx_retries, 0);
	ck_assert_str_eq(cfg.log_level, "debug");
	ck_assert_str_eq(cfg.database_url, "dbname=keep");
	ck_assert_str_eq(cfg.listen_address, "0.0.0.0");
	ck_assert_int_eq(cfg.max_connections, 2500);
	config_free(&cfg);
}
END_TEST

START_TEST(test_int_wrong_type)
{
	load_fails("{\"port\": \"4000\"}", "key \"port\" must be an integer");
	load_fails("{\"workers\": 4.0}", "key \"workers\" must be an integer");
	load_fails("{\"tx_retries\": true}",
	    "\"tx_retries\" must be an integer");
	load_fails("{\"port\": null}", "\"port\" must be an integer");
}
END_TEST

START_TEST(test_string_wrong_type)
{
	load_fails("{\"log_level\": 3}", "key \"log_level\" must be a string");
	load_fails("{\"world_dir\": [\"x\"]}",
	    "\"world_dir\" must be a string");
	load_fails("{\"database_url\": {}}",
	    "\"database_url\" must be a string");
}
END_TEST

START_TEST(test_unknown_key)
{
	load_fails("{\"portt\": 4000}", "<string>: unknown key \"portt\"");
	load_fails("{\"port\": 4000, \"Port\": 1}", "unknown key \"Port\"");
}
END_TEST

START_TEST(test_bounds_low)
{
	load_fails("{\"port\": 0}", "key \"port\" is 0, outside 1..65535");
	load_fails("{\"workers\": -1}", "\"workers\" is -1, outside 1..64");
	load_fails("{\"argon2_mem_kib\": 7}", "is 7, outside 8..1048576");
}
END_TEST

START_TEST(test_bounds_high)
{
	load_fails("{\"port\": 65536}",
	    "key \"port\" is 65536, outside 1..65535");
	load_fails("{\"workers\": 65}", "\"workers\" is 65, outside 1..64");
	load_fails("{\"statement_timeout_ms\": 99999999999}",
	    "is 99999999999, outside 100..600000");
}
END_TEST

START_TEST(test_bad_json)
{
	load_fails("{\n  \"port\": 4000,\n  \"workers\": 4,\n}", "line 4");
	ck_assert_ptr_nonnull(strstr(err, "<string>: line 4, column"));
	load_fails("", "line ");
	load_fails("{\"port\": 1, \"port\": 2}", "duplicate");
}
END_TEST

START_TEST(test_not_object)
{
	load_fails("[1, 2]", "<string>: must be a JSON object");
	load_fails("42", "must be a JSON object");
	load_fails("\"port\"", "must be a JSON object");
}
END_TEST

START_TEST(test_strings)
{
	char	json[1200];

	load_fails("{\"log_level\": \"loud\"}",
	    "must be one of debug|info|warn|error, not \"loud\"");
	load_fails("{\"log_level\": \"\"}", "\"log_level\" must not be empty");
	load_fails("{\"listen_address\": \"\"}",
	    "\"listen_address\" must not be empty");
	snprintf(json, sizeof json, "{\"world_dir\": \"%01025d\"}", 0);
	load_fails(json, "is 1025 bytes long, outside 1..1024");
}
END_TEST

START_TEST(test_comment_keys)
{
	struct config	cfg;

	load_ok(&cfg, "{\"_comment\": \"hello\", \"_x\": [1, {}],"
	    " \"_\": 3, \"port\": 4001}");
	ck_assert_int_eq(cfg.port, 4001);
	config_free(&cfg);
}
END_TEST

START_TEST(test_file_and_env)
{
	struct config	cfg;

	write_tmp("{\"port\": 5000, \"database_url\": \"dbname=file\"}");
	ck_assert_msg(config_load(&cfg, tmp_path, err, sizeof err), "%s", err);
	ck_assert_int_eq(cfg.port, 5000);
	ck_assert_str_eq(cfg.database_url, "dbname=file");
	config_free(&cfg);

	setenv("DATABASE_URL", "postgresql://keep@db/keep", 1);
	setenv("KEEP_PORT", "4444", 1);
	ck_assert_msg(config_load(&cfg, tmp_path, err, sizeof err), "%s", err);
	ck_assert_int_eq(cfg.port, 4444);
	ck_assert_str_eq(cfg.database_url, "postgresql://keep@db/keep");
	config_free(&cfg);

	/* config_load_string ignores the environment. */
	load_ok(&cfg, "{}");
	ck_assert_int_eq(cfg.port, 4000);
	ck_assert_str_eq(cfg.database_url, "");
	config_free(&cfg);

	/* KEEP_CONFIG is only for a NULL path. */
	setenv("KEEP_CONFIG", tmp_path, 1);
	unsetenv("KEEP_PORT");
	ck_assert_msg(config_load(&cfg, NULL, err, sizeof err), "%s", err);
	ck_assert_int_eq(cfg.port, 5000);
	ck_assert_str_eq(cfg.database_url, "postgresql://keep@db/keep");
	config_free(&cfg);
}
END_TEST

START_TEST(test_bad_keep_port)
{
	static const char *const bad[] = { "http", "4000x", " 4000", "+4000",
	    "-", "99999999999999999999999" };
	struct config	cfg;
	size_t		i;

	write_tmp("{}");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("KEEP_PORT", bad[i], 1);
		ck_assert_msg(!config_load(&cfg, tmp_path, err, sizeof err),
		    "KEEP_PORT=%s loaded", bad[i]);
		ck_assert_msg(strstr(err, "KEEP_PORT") != NULL, "%s", err);
		ck_assert_ptr_null(cfg.listen_address);
	}
	setenv("KEEP_PORT", "0", 1);
	ck_assert(!config_load(&cfg, tmp_path, err, sizeof err));
	ck_assert_str_eq(err, "KEEP_PORT is 0, outside 1..65535");
	setenv("KEEP_PORT", "65536", 1);
	ck_assert(!config_load(&cfg, tmp_path, err, sizeof err));
	ck_assert_str_eq(err, "KEEP_PORT is 65536, outside 1..65535");
	setenv("KEEP_PORT", "", 1);
	ck_assert_msg(config_load(&cfg, tmp_path, err, sizeof err), "%s", err);
	ck_assert_int_eq(cfg.port, 4000);
	config_free(&cfg);
}
END_TEST

START_TEST(test_file_errors_name_file)
{
	struct config	cfg;
	char		want[128];

	write_tmp("{\n\"portt\": 1}\n");
	ck_assert(!config_load(&cfg, tmp_path, err, sizeof err));
	snprintf(want, sizeof want, "%s: unknown key \"portt\"", tmp_path);
	ck_assert_str_eq(err, want);
	unlink(tmp_path);

	write_tmp("{\n\"port\": 1,\n\"workers\" 2}\n");
	ck_assert(!config_load(&cfg, tmp_path, err, sizeof err));
	snprintf(want, sizeof want, "%s: line 3, column ", tmp_path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);

	ck_assert(!config_load(&cfg, "/tmp", err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "/tmp: not a regular file"));
}
END_TEST

START_TEST(test_keep_config_missing)
{
	struct config	cfg;
	const char	*path = "/nonexistent/keep-test.json";

	setenv("KEEP_CONFIG", path, 1);
	ck_assert(!config_load(&cfg, NULL, err, sizeof err));
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
	ck_assert_msg(strstr(err, "KEEP_CONFIG") != NULL, "%s", err);
	ck_assert_ptr_null(cfg.listen_address);

	ck_assert(!config_load(&cfg, path, err, sizeof err));
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
}
END_TEST

START_TEST(test_example_file_in_step)
{
	struct config	 cfg;
	json_error_t	 jerr;
	json_t		*root;
	size_t		 i;

	ck_assert_msg(config_load(&cfg, "config/keep.json", err, sizeof err),
	    "%s", err);
	assert_all_default(&cfg);
	config_free(&cfg);

	root = json_load_file("config/keep.json", 0, &jerr);
	ck_assert_msg(root != NULL, "%s", jerr.text);
	for (i = 0; i < config_key_count(); i++)
		ck_assert_msg(json_object_get(root, config_key_name(i)) != NULL,
		    "config/keep.json lacks \"%s\"", config_key_name(i));
	json_decref(root);

	/* With no KEEP_CONFIG, a NULL path finds the example file. */
	ck_assert_msg(config_load(&cfg, NULL, err, sizeof err), "%s", err);
	assert_all_default(&cfg);
	config_free(&cfg);
}
END_TEST

START_TEST(test_docs_in_step)
{
	static const char *const env[] = { "KEEP_CONFIG", "DATABASE_URL",
	    "KEEP_PORT" };
	char	*doc, name[80];
	size_t	 i;

	doc = read_all("docs/config.md");
	for (i = 0; i < config_key_count(); i++) {
		snprintf(name, sizeof name, "`%s`", config_key_name(i));
		ck_assert_msg(strstr(doc, name) != NULL,
		    "docs/config.md lacks %s", name);
	}
	for (i = 0; i < 3; i++)
		ck_assert_msg(strstr(doc, env[i]) != NULL,
		    "docs/config.md lacks %s", env[i]);
	free(doc);
}
END_TEST

START_TEST(test_help)
{
	char	*buf = NULL, *line, name[80];
	size_t	 len = 0, i;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	config_print_help(fp);
	fclose(fp);
	for (i = 0; i < config_key_count(); i++) {
		snprintf(name, sizeof name, "\n%s (", config_key_name(i));
		ck_assert_msg(strstr(buf, name) != NULL, "help lacks %s",
		    config_key_name(i));
	}
	ck_assert_ptr_nonnull(strstr(buf,
	    "port (integer, default 4000, 1..65535, env KEEP_PORT)"));
	ck_assert_ptr_nonnull(strstr(buf, "one of debug|info|warn|error"));
	for (line = buf; *line != '\0'; line += strcspn(line, "\n") + 1)
		ck_assert_msg(strcspn(line, "\n") <= 80, "long: %.40s", line);
	free(buf);
}
END_TEST

/* The config module's tests. */
Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("config");

	tcase_add_checked_fixture(tc, env_setup, env_teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values_set);
	tcase_add_test(tc, test_int_wrong_type);
	tcase_add_test(tc, test_string_wrong_type);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_bounds_low);
	tcase_add_test(tc, test_bounds_high);
	tcase_add_test(tc, test_bad_json);
	tcase_add_test(tc, test_not_object);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_comment_keys);
	tcase_add_test(tc, test_file_and_env);
	tcase_add_test(tc, test_bad_keep_port);
	tcase_add_test(tc, test_file_errors_name_file);
	tcase_add_test(tc, test_keep_config_missing);
	tcase_add_test(tc, test_example_file_in_step);
	tcase_add_test(tc, test_docs_in_step);
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);
	return s;
}

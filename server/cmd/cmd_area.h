/*
 * cmd_area.h — the area command (issue 9): list, create, rename areas and
 * set their reset interval, so a builder can start an area in game.
 */
#ifndef KEEP_CMD_AREA_H
#define KEEP_CMD_AREA_H

#include "cmd/cmd.h"

/* area | area new <id> <name> | area <id> name <text> | reset <secs> */
enum tx_rc	cmd_area(struct cmd_ctx *, const char *);

#endif

/*
 * version.h — Keep's version, as MSSP's CODEBASE ("Keep 0.10") shows it.
 * The minor number follows the issue whose work it ships.
 */
#ifndef KEEP_VERSION_H
#define KEEP_VERSION_H

#define KEEP_VERSION	"0.10"

#endif

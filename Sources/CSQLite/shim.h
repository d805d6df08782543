#ifndef SLUICE_CSQLITE_SHIM_H
#define SLUICE_CSQLITE_SHIM_H

#include <sqlite3.h>

/* Sluice needs SQLite 3.31.0 or newer (WAL, sqlite3_system_errno, upsert).
   Debian 12's libsqlite3-dev is 3.40.1. */
#if SQLITE_VERSION_NUMBER < 3031000
#error "Sluice needs SQLite >= 3.31.0: install libsqlite3-dev (apt) or a newer sqlite (brew install sqlite)"
#endif

#endif
